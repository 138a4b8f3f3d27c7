import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFlowSession } from '../../../src/runtime/flow-session';
import { LocalStore } from '../../../src/store/local';
import { runCell } from '../../flow/cells';
import { temporaryFolder } from '../../flow/helpers';

const REPO = resolve(__dirname, '../../../..');

beforeAll(() => {
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);

describe('cluster settings in a model cell', () => {
  it('`cluster: {workers: 2, ps: 1}` in a %%dnn_regressor cell trains in parallel as one job with one log', async () => {
    const dir = temporaryFolder();
    copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
    const store = join(dir, '.flowbook');
    const session = createFlowSession({ notebookDir: dir, store: new LocalStore(store) });
    expect((await runCell(session, '%%source cars\ncars.json')).outcome).toEqual({ status: 'ok' });
    const trained = await runCell(session, [
      '%%dnn_regressor mpg --from cars',
      'target: Miles_per_Gallon',
      'training: {learning_rate: 0.01, epochs: 20}',
      'cluster: {workers: 2, ps: 1}',
    ].join('\n'));
    expect(trained.outcome).toEqual({ status: 'ok' });
    const display = trained.displays.find((d) => 'application/vnd.flowbook.training+json' in d);
    expect(display?.['application/vnd.flowbook.training+json']).toMatchObject({ status: expect.stringMatching(/^(completed|early_stopped)$/), epochs: { done: expect.any(Number) } });

    const jobs = readdirSync(join(store, 'jobs'));
    expect(jobs).toHaveLength(1);
    const log = readFileSync(join(store, 'jobs', jobs[0], 'log.txt'), 'utf8');
    expect(log).toContain('cluster: 2 worker(s), 1 parameter server(s), sync, 2048 MB each');
    expect(log).toMatch(/^\[worker 1\] \d+ samples, /m);
    expect(log).toMatch(/^\[ps 0\] holds 6 variable\(s\)/m);
    // The log reads whole: an epoch line per epoch, and how the job ended.
    expect(log).toMatch(/^epoch 1\/20: loss [\d.]+, rmse [\d.]+, val_loss [\d.]+, val_rmse [\d.]+$/m);
    expect(log).toMatch(/\njob (completed|early_stopped) after \d+\.\d s\n$/);
    expect(readdirSync(join(store, 'models', 'mpg'))).toHaveLength(1);
    // The chief's checkpoint is the job's, in the store beside its log, loadable like a model folder.
    expect(readdirSync(join(store, 'jobs', jobs[0], 'checkpoint')).sort()).toEqual(['model.json', 'preprocessing.json', 'weights.bin']);
    const status = JSON.parse(readFileSync(join(store, 'jobs', jobs[0], 'status.json'), 'utf8'));
    expect(status.checkpoint).toMatchObject({ path: `jobs/${jobs[0]}/checkpoint`, epoch: 1 });
  }, 90_000);
});
