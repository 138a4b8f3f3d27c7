import { toArrowTable } from '../../src/data/convert';
import { FlowbookError } from '../../src/errors';
import { selectBackend } from '../../src/train/backend';
import { TrainingJob, type JobEvent } from '../../src/train/job';
import { modelFromFiles } from '../../src/train/model-io';
import { parseModelSpec } from '../../src/train/params';
import { loadJson } from './datasets';
import { buildWorkerBeforeAll } from './harness';

buildWorkerBeforeAll();
// The models sent back are loaded here too: on the same backend as the worker's.
beforeAll(() => selectBackend());

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number | undefined): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

const cars = loadJson('cars.json');
const long = parseModelSpec('dnn_regressor', {
  target: 'Miles_per_Gallon', training: { epochs: 5000, learning_rate: 0.01, early_stopping: { enabled: false } },
});

describe('training jobs', () => {
  it('trains in a child process, streaming events, while the parent stays responsive', async () => {
    const events: JobEvent[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const job = new TrainingJob(parseModelSpec('dnn_regressor', { target: 'Miles_per_Gallon', training: { epochs: 30, learning_rate: 0.01 } }), cars, { onEvent: (e) => events.push(e) });
    expect(job.pid).not.toBe(process.pid);
    const result = await job.done;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(10);
    expect(events[0]).toMatchObject({ type: 'started', jobId: job.id, backend: { name: 'wasm' } });
    expect(events.filter((e) => e.type === 'progress' && e.event.type === 'epoch').length).toBe(result.fit.epochsRun);
    expect(events.some((e) => e.type === 'log' && e.line.startsWith('backend: wasm'))).toBe(true);
    expect(result.metrics).toMatchObject({ task: 'regression' });
    expect(result.predictions[0].name).toBe('predicted_Miles_per_Gallon');
    expect(result.predictions[0].values).toHaveLength(cars.numRows);
    (await modelFromFiles(result.files)).dispose();
    expect(await gone(job.pid)).toBe(true);
  });

  it('stop() ends training early, keeps the best epoch\'s model, and the worker exits', async () => {
    let job: TrainingJob | undefined;
    job = new TrainingJob(long, cars, {
      onEvent: (e) => { if (e.type === 'progress' && e.event.type === 'epoch' && e.event.epoch === 3) job!.stop(); },
    });
    const result = await job.done;
    expect(result.fit.stoppedOnRequest).toBe(true);
    expect(result.fit.epochsRun).toBeLessThan(20);
    const losses = result.fit.history.map((h) => h.valLoss!);
    expect(result.fit.keptEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    expect(await gone(job.pid)).toBe(true);
  });

  it('a worker killed from outside (e.g. out of memory) is a clear error, and the kernel lives on', async () => {
    const job = new TrainingJob(long, cars, {
      onEvent: (e) => { if (e.type === 'started') process.kill(e.pid, 'SIGKILL'); },
    });
    const error = await job.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowbookError);
    expect((error as FlowbookError).message).toBe(`the training worker of job ${job.id} was killed (SIGKILL) before finishing`);
    expect((error as FlowbookError).hint).toMatch(/out of memory/);
    expect(await gone(job.pid)).toBe(true);
  });

  it('T1: a diverging run fails with the worker\'s message, and no model comes back', async () => {
    const line = toArrowTable(Array.from({ length: 24 }, (_, i) => ({ x: i + 1, y: i + 3 })));
    const job = new TrainingJob(parseModelSpec('dnn_regressor', {
      target: 'y', preprocessing: { standardize: 'none', scale_target: false }, network: { hidden_units: [] },
      training: { optimizer: 'sgd', learning_rate: 0.1, validation_split: 0, early_stopping: { enabled: false } },
    }), line);
    await expect(job.done).rejects.toThrow(/^loss became (NaN|infinite) at epoch \d+; inputs not scaled\?/);
    expect(await gone(job.pid)).toBe(true);
  });
});
