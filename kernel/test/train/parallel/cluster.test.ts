import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { FlowbookError } from '../../../src/errors';
import { TrainingJob, type JobEvent } from '../../../src/train/job';
import { modelFromFiles, modelToFiles, type ModelCheckpoint } from '../../../src/train/model-io';
import { clusterFit, shardSamples } from '../../../src/train/parallel/chief';
import { assignVariables, ClusterRun } from '../../../src/train/parallel/cluster-run';
import { LocalLauncher, type ClusterRole, type LaunchOptions, type Launcher, type ProcessHandle } from '../../../src/train/parallel/launcher';
import { parseModelSpec } from '../../../src/train/params';
import { trainModel } from '../../../src/train/train-model';
import { loadJson } from '../datasets';

const REPO = path.resolve(__dirname, '../../../..');

// Cluster processes run the compiled entry; build it as `npm test` does.
beforeAll(() => {
  spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);

/** The local launcher, remembering every process it started. */
class RecordingLauncher implements Launcher {
  readonly started: { role: ClusterRole; index: number; handle: ProcessHandle }[] = [];
  private readonly local = new LocalLauncher();

  launch(role: ClusterRole, index: number, env: Record<string, string>, options?: LaunchOptions): ProcessHandle {
    const handle = this.local.launch(role, index, env, options);
    this.started.push({ role, index, handle });
    return handle;
  }

  pid(role: ClusterRole, index: number): number {
    return this.started.find((p) => p.role === role && p.index === index)!.handle.pid!;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function allGone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
  return !pids.some(alive);
}

const cars = loadJson('cars.json');
const mpg = (cluster: object, training: object = {}) => parseModelSpec('dnn_regressor', {
  target: 'Miles_per_Gallon', training: { epochs: 30, learning_rate: 0.01, ...training }, cluster,
});

describe('parallel training with parameter servers', () => {
  it('two workers and one server train the cars model as well as one process, as one job', async () => {
    const single = await new TrainingJob(mpg({}), cars).done;
    const events: JobEvent[] = [];
    const job = new TrainingJob(mpg({ workers: 2, ps: 1 }), cars, { onEvent: (e) => events.push(e) });
    const parallel = await job.done;

    expect(single.metrics.task === 'regression' && single.metrics.r2).toBeGreaterThanOrEqual(0.8);
    expect(parallel.metrics.task === 'regression' && parallel.metrics.r2).toBeGreaterThanOrEqual(0.8);
    if (parallel.metrics.task === 'regression' && single.metrics.task === 'regression') {
      expect(Math.abs(parallel.metrics.r2 - single.metrics.r2)).toBeLessThan(0.03);
    }
    // One job: one start, one progress stream (an epoch event per epoch), one log with each process's lines.
    expect(events.filter((e) => e.type === 'started')).toHaveLength(1);
    expect(events.every((e) => e.jobId === job.id)).toBe(true);
    expect(events.filter((e) => e.type === 'progress' && e.event.type === 'epoch')).toHaveLength(parallel.fit.epochsRun);
    const lines = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(lines).toContain('cluster: 2 worker(s), 1 parameter server(s), sync, 2048 MB each');
    for (const prefix of ['[ps 0] ', '[worker 0] ', '[worker 1] ']) expect(lines.some((l) => l.startsWith(prefix))).toBe(true);
    expect(lines.find((l) => l.startsWith('[worker 1] ') && l.includes('samples'))).toMatch(/^\[worker 1\] 157 samples, 5 steps of up to 32 per epoch/);
    // The chief's model is the job's model: the predictions come with it.
    expect(parallel.predictions[0].values).toHaveLength(cars.numRows);
    const pids = lines.flatMap((l) => /started, pid (\d+)$/.exec(l)?.slice(1) ?? []).map(Number);
    expect(pids).toHaveLength(3);
    expect(await allGone([...pids, job.pid!])).toBe(true);
  }, 120_000);

  it('the same seed and number of workers give identical weights', async () => {
    const spec = mpg({ workers: 2, ps: 2 }, { epochs: 4, early_stopping: { enabled: false } });
    const weights = async () => {
      const trained = await trainModel(spec, cars, { fit: clusterFit({ cluster: spec.params.cluster }) });
      const files = await modelToFiles(trained.model);
      trained.model.dispose();
      return Buffer.from(files.weights);
    };
    const first = await weights();
    const second = await weights();
    expect(second.equals(first)).toBe(true);
  }, 120_000);

  it('a worker killed mid-training fails the job clearly, ends every process and leaves the last checkpoint', async () => {
    const launcher = new RecordingLauncher();
    const spec = mpg({ workers: 2, ps: 1 }, { epochs: 5000, early_stopping: { enabled: false } });
    let killed = false;
    let kept: ModelCheckpoint | undefined;
    const error = await trainModel(spec, cars, {
      fit: clusterFit({ cluster: spec.params.cluster, launcher }),
      checkpoint: (checkpoint) => { kept = checkpoint; },
      onProgress: (e) => {
        if (e.type === 'epoch' && e.epoch === 2 && !killed) {
          killed = true;
          process.kill(launcher.pid('worker', 1), 'SIGKILL');
        }
      },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FlowbookError);
    const failure = error as FlowbookError;
    expect(failure.kind).toBe('ClusterProcessDied');
    expect(failure.message).toMatch(/^worker 1 of the training cluster was killed \(SIGKILL\) during epoch [23]; the job stopped and ended the other processes$/);
    expect(failure.hint).toMatch(/cluster\.memory_mb .*; the checkpoint of epoch 1 is in the job's checkpoint\/ folder$/);
    expect(launcher.started).toHaveLength(3);
    expect(await allGone(launcher.started.map((p) => p.handle.pid!))).toBe(true);

    // The chief handed epoch 1's model to the job (which keeps it under jobs/<id>/checkpoint/), with its preprocessing.
    expect(kept).toMatchObject({ epoch: 1, preprocessing: { kind: 'dnn_regressor' } });
    const model = await modelFromFiles(kept!.files);
    expect(model.getWeights().every((w) => w.dataSync().every(Number.isFinite))).toBe(true);
    model.dispose();
  }, 120_000);

  it('warns when the cluster has more workers than the machine has cores, and a start that never finishes names who never reported', async () => {
    const lines: string[] = [];
    // Processes that never say hello: enough to see what the chief says at start-up.
    const silent: Launcher = {
      launch: () => {
        let end!: () => void;
        const exited = new Promise<{ code: null; signal: 'SIGKILL' }>((resolve) => (end = () => resolve({ code: null, signal: 'SIGKILL' })));
        return { pid: undefined, exited, kill: () => end() };
      },
    };
    const run = new ClusterRun({ cluster: { workers: os.availableParallelism() + 1, ps: 1, memory_mb: 256, mode: 'sync' }, launcher: silent, log: (line) => lines.push(line), startTimeoutMs: 50 });
    await expect(run.start()).rejects.toThrow(/did not start within 0.05 s \(parameter server 0, worker 0/);
    await run.shutDown();
    expect(lines).toContainEqual(`warning: ${os.availableParallelism() + 1} workers on ${os.availableParallelism()} cores take turns on them, which only adds exchanges: use cluster.workers ≤ ${os.availableParallelism()} here`);
  });

  it('shards variables by size across servers and samples evenly across workers', () => {
    expect(assignVariables([1280, 64, 2048, 32, 32, 1], 2)).toEqual([[2], [0, 1, 3, 4, 5]]);
    expect(assignVariables([10, 10, 10], 1)).toEqual([[0, 1, 2]]);
    const samples = { x: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]), y: Float32Array.from([0, 1, 2, 3, 4]), weights: Float32Array.from([5, 6, 7, 8, 9]), count: 5 };
    const shape = { sampleShape: [2], yWidth: 1 };
    expect(shardSamples(samples, shape, 0, 2)).toEqual({ x: Float32Array.from([0, 0, 2, 2, 4, 4]), y: Float32Array.from([0, 2, 4]), weights: Float32Array.from([5, 7, 9]), count: 3 });
    expect(shardSamples(samples, shape, 1, 2)).toEqual({ x: Float32Array.from([1, 1, 3, 3]), y: Float32Array.from([1, 3]), weights: Float32Array.from([6, 8]), count: 2 });
    expect(shardSamples(samples, shape, 5, 6).count).toBe(0);
  });
});
