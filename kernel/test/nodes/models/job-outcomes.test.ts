import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeReporter } from '../../../src/nodes/kind';
import { modelNodeKinds } from '../../../src/nodes/models';
import { parseModelSpec } from '../../../src/train/params';
import { loadJson } from '../../train/datasets';
import { buildWorkerBeforeAll, temporaryStorePerTest } from '../../train/harness';
import { runContext } from '../fakes';

/** How a model node's training job ends when it does not simply complete: interrupted, or its worker killed. */

const regressor = modelNodeKinds().find((k) => k.kind === 'dnn_regressor')!;
buildWorkerBeforeAll();
const temporary = temporaryStorePerTest('job outcomes');

interface TrainingView {
  status: string;
  epochs: { done: number };
  history: { epoch: number; val?: { loss: number } }[];
  best: { epoch: number } | null;
  error: string | null;
}

/** Runs the node on cars for many epochs; `watch` sees every training display as it is shown. */
function trainCars(watch: (view: TrainingView) => void, signal?: AbortSignal) {
  const report: NodeReporter = {
    display: (bundle) => {
      const view = bundle['application/vnd.flowbook.training+json'] as TrainingView | undefined;
      if (view) watch(view);
    },
    log: () => undefined,
  };
  const params = parseModelSpec('dnn_regressor', { target: 'Miles_per_Gallon', training: { epochs: 5000, learning_rate: 0.02, early_stopping: { enabled: false } } }).params;
  return regressor.run(runContext(params, { data: loadJson('cars.json') }, { nodeId: 'mpg', store: temporary.store, fingerprint: 'fp01', report, ...(signal ? { signal } : {}) }));
}

/** This process's live child processes that run the training worker (Linux /proc). */
function trainingWorkers(): number[] {
  const children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker.js');
    } catch {
      return false;
    }
  });
}

describe('model node training jobs', () => {
  it('an interrupt keeps the best epoch so far, stores that model and says which epoch it is', async () => {
    const abort = new AbortController();
    let last: TrainingView | undefined;
    const result = await trainCars((view) => {
      last = view;
      if (view.epochs.done >= 6) abort.abort();
    }, abort.signal);
    const losses = last!.history.map((h) => h.val!.loss);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(result.summary).toMatchObject({ state: 'stopped', keptEpoch: best });
    expect(last).toMatchObject({ status: 'stopped', best: { epoch: best } });
    expect(result.warnings).toEqual([
      '14 of 406 input rows were left out of training: 8 without a target, 6 with a missing feature (preprocessing.missing: drop; `mean` fills them in instead)',
      `training was interrupted after epoch ${losses.length}; the saved model has the weights of epoch ${best}, the best so far`,
    ]);
    const status = JSON.parse(fs.readFileSync(path.join(temporary.root, 'jobs', result.summary!.job as string, 'status.json'), 'utf8'));
    expect(status).toMatchObject({ state: 'stopped', keptEpoch: best, model: 'models/mpg/fp01' });
    expect(fs.existsSync(path.join(temporary.root, 'models', 'mpg', 'fp01', 'model.json'))).toBe(true);
  });

  it('a worker killed mid-training fails the node with a clear error, shows it, records the job, and stores no model', async () => {
    let killed = 0;
    let last: TrainingView | undefined;
    const run = trainCars((view) => {
      last = view;
      if (view.epochs.done >= 1 && killed === 0) {
        for (const pid of trainingWorkers()) process.kill(pid, 'SIGKILL');
        killed++;
      }
    });
    await expect(run).rejects.toThrow(/^the training worker of job \w+ was killed \(SIGKILL\) before finishing$/);
    expect(last).toMatchObject({ status: 'failed', error: expect.stringMatching(/was killed \(SIGKILL\)/) });
    const [job] = fs.readdirSync(path.join(temporary.root, 'jobs'));
    expect(JSON.parse(fs.readFileSync(path.join(temporary.root, 'jobs', job, 'status.json'), 'utf8'))).toMatchObject({ state: 'failed', node: 'mpg' });
    expect(fs.existsSync(path.join(temporary.root, 'models'))).toBe(false);
    expect(trainingWorkers()).toEqual([]);
  });
});
