import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as arrow from 'apache-arrow';
import type { NodeReporter, NodeRunContext, UpstreamRef } from '../../../src/nodes/kind';
import { modelNodeKinds } from '../../../src/nodes/models';
import { LocalStore } from '../../../src/store/local';
import { selectBackend } from '../../../src/train/backend';
import { childrenOf } from '../../tfscript/cells';
import { loadJson, loadSeattleWeather } from '../../train/datasets';
import { runContext } from '../fakes';

const REPO = path.resolve(__dirname, '../../../..');
const kinds = Object.fromEntries(modelNodeKinds().map((k) => [k.kind, k]));

// Training jobs fork the compiled worker; build it as `npm test` does.
beforeAll(() => {
  spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);

let root: string;
let store: LocalStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook models '));
  store = new LocalStore(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

interface Shown { bundle: Record<string, unknown>; displayId?: string; update?: boolean }

function recorder(): { reporter: NodeReporter; shown: Shown[]; lines: string[] } {
  const shown: Shown[] = [], lines: string[] = [];
  return { shown, lines, reporter: { display: (bundle, o) => shown.push({ bundle, ...o }), log: (line) => lines.push(line) } };
}

function paramsFromCell(kind: string, body: string): unknown {
  const checked = kinds[kind].validate(kinds[kind].paramsFromBody(body));
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.params;
}

function context(kind: string, body: string, table: arrow.Table, extra: Partial<NodeRunContext<unknown>> = {}): NodeRunContext<unknown> {
  return runContext(paramsFromCell(kind, body), { data: table }, { nodeId: 'mpg', store, fingerprint: 'fp01', ...extra });
}

describe('model node kinds', () => {
  it('a wrong field in the cell names the field, the value and the allowed values', () => {
    const checked = kinds.dnn_regressor.validate(kinds.dnn_regressor.paramsFromBody('target: y\nnetwork: {output_activation: softmax}'));
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.errors).toEqual([{ field: 'network.output_activation', value: 'softmax', message: '"softmax"; allowed: linear, relu, softplus', allowed: ['linear', 'relu', 'softplus'] }]);
    }
    expect(kinds.lstm_regressor.groups!.map((g) => g.id)).toEqual(['data', 'preprocessing', 'network', 'training', 'cluster']);
  });

  it('%%dnn_regressor trains as a job, shows live progress in one display, stores the model and outputs rows with predictions', async () => {
    const cars = loadJson('cars.json');
    const { reporter, shown, lines } = recorder();
    const result = await kinds.dnn_regressor.run(context('dnn_regressor', 'target: Miles_per_Gallon\ntraining: {epochs: 15, learning_rate: 0.01}', cars, { report: reporter }));

    const folder = path.join(root, 'models', 'mpg', 'fp01');
    expect(fs.readdirSync(folder).sort()).toEqual(['metrics.json', 'model.json', 'preprocessing.json', 'weights.bin']);
    expect(result.artifacts).toMatchObject({ modelKey: 'models/mpg/fp01', kind: 'dnn_regressor', target: 'Miles_per_Gallon' });

    const out = result.tables.out;
    expect(out.numRows).toBe(cars.numRows);
    expect(out.schema.fields.map((f) => f.name)).toEqual([...cars.schema.fields.map((f) => f.name), 'predicted_Miles_per_Gallon']);

    const training = shown.filter((s) => 'application/vnd.flowbook.training+json' in s.bundle);
    expect(training.length).toBeGreaterThan(2);
    expect(new Set(training.map((s) => s.displayId)).size).toBe(1);
    expect(training.map((s) => s.update)).toEqual([false, ...training.slice(1).map(() => true)]);
    const last = training.at(-1)!.bundle['application/vnd.flowbook.training+json'] as { status: string; backend: string; history: unknown[] };
    expect(last).toMatchObject({ status: expect.stringMatching(/completed|early_stopped/), backend: 'wasm' });
    expect(last.history.length).toBe(result.summary!.epochs);
    expect(training.at(-1)!.bundle['text/plain']).toMatch(/^mpg: (completed|early_stopped) · job \w+ · wasm · epoch \d+\/15 · loss /);

    expect(result.display).toMatchObject({ 'application/vnd.flowbook.metrics+json': { task: 'regression', nodeId: 'mpg' } });
    expect(result.metric).toMatchObject({ name: 'R²' });
    expect(lines.some((l) => l.startsWith('backend: wasm'))).toBe(true);
    const job = result.summary!.job as string;
    expect(fs.readFileSync(path.join(root, 'jobs', job, 'log.txt'), 'utf8')).toContain('backend: wasm');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'jobs', job, 'status.json'), 'utf8'))).toMatchObject({ node: 'mpg', model: 'models/mpg/fp01' });
  });

  it('%%predict applies the stored model with its preprocessing: same predictions as training gave, scored when the target is present', async () => {
    const penguins = loadJson('penguins.json');
    const trained = await kinds.dnn_classifier.run(context('dnn_classifier', 'target: Species\ntraining: {epochs: 10, learning_rate: 0.01}', penguins, { nodeId: 'species' }));
    const names = trained.tables.out.schema.fields.map((f) => f.name);
    expect(names.slice(-4)).toEqual(['predicted_Species', 'probability_Adelie', 'probability_Chinstrap', 'probability_Gentoo']);

    const model: UpstreamRef = { node: 'species', fingerprint: 'fp01', artifacts: trained.artifacts! };
    const scored = await kinds.predict.run(runContext(paramsFromCell('predict', ''), { data: penguins }, { nodeId: 'scored', store, model }));
    for (const name of ['predicted_Species', 'probability_Gentoo']) {
      expect(scored.tables.out.getChild(name)!.toJSON()).toEqual(trained.tables.out.getChild(name)!.toJSON());
    }
    expect(scored.display).toMatchObject({ 'application/vnd.flowbook.metrics+json': { task: 'classification', nodeId: 'scored', majorityClass: 'Adelie' } });
    expect(scored.metric).toMatchObject({ name: 'accuracy' });
  });

  it('T4: %%lstm_regressor windows by date, and %%predict replays the same windowing', async () => {
    const weather = loadSeattleWeather();
    const trained = await kinds.lstm_regressor.run(context('lstm_regressor', 'target: temp_max\norder: date\nwindow: 5\nnetwork: {lstm_units: 8}\ntraining: {epochs: 2, batch_size: 128}', weather, { nodeId: 'temp' }));
    const forecast = trained.tables.out.getChild('predicted_temp_max')!.toJSON();
    expect(forecast.slice(0, 4)).toEqual([null, null, null, null]);
    expect(forecast.slice(4).every((v) => typeof v === 'number')).toBe(true);
    const preprocessing = JSON.parse(fs.readFileSync(path.join(root, 'models', 'temp', 'fp01', 'preprocessing.json'), 'utf8'));
    expect(preprocessing.window).toEqual({ size: 5, horizon: 1, stride: 1, order: 'date' });

    const model: UpstreamRef = { node: 'temp', fingerprint: 'fp01', artifacts: trained.artifacts! };
    const scored = await kinds.predict.run(runContext({}, { data: weather }, { nodeId: 'next', store, model }));
    expect(scored.tables.out.getChild('predicted_temp_max')!.toJSON()).toEqual(forecast);
  }, 60_000);

  it('T5: re-running a model cell, and %%predict, leave the kernel\'s tensor count as it was: model and optimiser live and die with the job\'s process', async () => {
    await selectBackend();
    const cars = loadJson('cars.json');
    const before = tf.memory().numTensors;
    for (const epochs of [2, 3]) {
      const trained = await kinds.dnn_regressor.run(context('dnn_regressor', `target: Miles_per_Gallon\ntraining: {epochs: ${epochs}}`, cars));
      expect(childrenOf(process.pid)).toEqual([]);
      const model: UpstreamRef = { node: 'mpg', fingerprint: 'fp01', artifacts: trained.artifacts! };
      await kinds.predict.run(runContext({}, { data: cars }, { nodeId: 'scored', store, model }));
      expect(tf.memory().numTensors).toBe(before);
    }
  }, 60_000);

  it('interrupting a training keeps the best model so far and says so', async () => {
    const abort = new AbortController();
    const { reporter, shown } = recorder();
    reporter.display = (bundle, o) => {
      shown.push({ bundle, ...o });
      const d = bundle['application/vnd.flowbook.training+json'] as { epochs: { done: number } } | undefined;
      if (d && d.epochs.done >= 2) abort.abort();
    };
    const result = await kinds.dnn_regressor.run(context('dnn_regressor', 'target: Miles_per_Gallon\ntraining: {epochs: 5000, early_stopping: {enabled: false}}', loadJson('cars.json'), { report: reporter, signal: abort.signal }));
    expect(result.summary).toMatchObject({ state: 'stopped' });
    expect(result.warnings.at(-1)).toMatch(/^training was interrupted after epoch \d+; the saved model has the weights of epoch \d+, the best so far$/);
    expect(fs.existsSync(path.join(root, 'models', 'mpg', 'fp01', 'model.json'))).toBe(true);
  });

  it('%%predict without a model node is a clear error', async () => {
    await expect(kinds.predict.run(runContext({}, { data: loadJson('cars.json') }, { nodeId: 'scored', store }))).rejects.toThrow('node `scored` has no model to apply');
  });
});
