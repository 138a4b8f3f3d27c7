import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFlowSession } from '../../../src/runtime/flow-session';
import { LocalStore } from '../../../src/store/local';
import { runCell, text } from '../../flow/cells';
import { temporaryFolder } from '../../flow/helpers';
import { buildWorkerBeforeAll } from '../../train/harness';

const REPO = resolve(__dirname, '../../../..');

buildWorkerBeforeAll();

describe('model cells in a notebook flow', () => {
  it('source → split → %%dnn_regressor → %%predict: the model trains, is stored, and scores the test split with metrics', async () => {
    const dir = temporaryFolder();
    copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
    const session = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });

    expect((await runCell(session, '%%source cars\ncars.json')).outcome).toEqual({ status: 'ok' });
    expect((await runCell(session, '%%split parts --from cars\ntest_ratio: 0.2\nseed: 1')).outcome).toEqual({ status: 'ok' });
    const trained = await runCell(session, [
      '%%dnn_regressor mpg --from parts:train',
      'target: Miles_per_Gallon',
      'network: {hidden_units: [32, 16]}',
      'training: {learning_rate: 0.01, epochs: 40, early_stopping: {patience: 10}}',
    ].join('\n'));
    expect(trained.outcome).toEqual({ status: 'ok' });
    expect(trained.displays.some((d) => 'application/vnd.flowbook.training+json' in d)).toBe(true);
    expect(readdirSync(join(dir, '.flowbook', 'models', 'mpg'))).toHaveLength(1);

    const scored = await runCell(session, '%%predict scored --model mpg --from parts:test');
    expect(scored.outcome).toEqual({ status: 'ok' });
    const metrics = scored.displays.find((d) => 'application/vnd.flowbook.metrics+json' in d);
    expect(metrics?.['application/vnd.flowbook.metrics+json']).toMatchObject({ task: 'regression', nodeId: 'scored', r2: expect.any(Number) });
    expect(text(scored)).toContain('predicted_Miles_per_Gallon');

    const invalid = await runCell(session, '%%dnn_regressor bad --from parts:train\ntarget: Miles_per_Gallon\ntraining: {optimizer: adamw}');
    expect(invalid.outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining('training.optimizer: "adamw"; allowed: sgd, momentum, adam') });
    expect(existsSync(join(dir, '.flowbook', 'models', 'bad'))).toBe(false);
  }, 90_000);
});
