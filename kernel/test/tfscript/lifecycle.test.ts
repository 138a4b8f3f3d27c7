import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LocalStore } from '../../src/store/local';
import { jobRegistry } from '../../src/train/jobs/registry';
import { storeIOHandler } from '../../src/train/model-io';
import { runCell, text } from '../flow/cells';
import { buildKernel, CARS_TRAINING, carsSession, childrenOf, statusOf, tfscriptCell, until } from './cells';

beforeAll(buildKernel, 120_000);

const TRAINING_MIME = 'application/vnd.flowbook.training+json';

/** The TFRecords of an event file, by their length fields (the framing test checks the bytes). */
function recordCount(file: string): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = 0; at < bytes.length; count++) at += 16 + Number(bytes.readBigUInt64LE(at));
  return count;
}

function jobIdIn(stdout: string): string {
  return /training job (\w+) started/.exec(stdout)![1]!;
}

describe('a %%tfscript job, from start to end', () => {
  it('on success: trains in a child process, streams a training display, records the job, and leaves no process', async () => {
    const { dir, session } = await carsSession();
    const cell = await runCell(session, tfscriptCell('custom', [...CARS_TRAINING, '  epochs: 3', '  learning_rate: 0.01']));
    expect(cell.outcome).toEqual({ status: 'ok' });
    const jobId = jobIdIn(cell.stdout);
    expect(cell.stdout).toContain(`training job ${jobId} started · log ${join(dir, '.flowbook')}/jobs/${jobId}/log.txt · TensorBoard logs ${join(dir, '.flowbook', 'jobs', jobId)}`);
    const display = cell.displays.find((d) => TRAINING_MIME in d)![TRAINING_MIME] as { status: string; history: { epoch: number; train: Record<string, number> }[] };
    expect(display.status).toBe('completed');
    expect(display.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(display.history[0]!.train)).toEqual(['loss']);

    expect(childrenOf(process.pid)).toEqual([]);
    const status = statusOf(dir, jobId);
    expect(status).toMatchObject({ jobId, node: 'custom', kind: 'tfscript', state: 'completed', epochs: 3, model: expect.stringMatching(/^models\/custom\//) });
    expect(status.pid).toBeUndefined();
    expect(status.durationMs).toEqual(expect.any(Number));
    const folder = join(dir, '.flowbook', 'jobs', jobId);
    expect(readFileSync(join(folder, 'log.txt'), 'utf8')).toMatch(/^backend: wasm/);
    const events = readdirSync(folder).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(events).toHaveLength(1);
    // The version header, then one record per step: 3 epochs of ceil(313 complete rows / 32) batches.
    expect(recordCount(join(folder, events[0]!))).toBe(1 + (status.steps as number));
    expect(status.steps).toBe(3 * Math.ceil(313 / 32));

    const scored = await runCell(session, '%%predict scored --model custom --from parts:test');
    expect(scored.outcome).toEqual({ status: 'ok' });
    expect(text(scored)).toContain('predicted_Miles_per_Gallon');
    const listed = await runCell(session, '%jobs');
    expect(text(listed)).toMatch(new RegExp(`${jobId}\\s+custom\\s+completed\\s+\\S+\\s+\\d+ s`));
  }, 120_000);

  it('on failure in user code: the error names the cell line, the job is recorded failed, the session runs on', async () => {
    const { dir, session } = await carsSession();
    const throwing = await runCell(session, tfscriptCell('broken', CARS_TRAINING, { buildGraph: "  throw new Error('no layers yet');" }));
    // Header line 1, three settings lines, the import, then `export function buildGraph` on line 6.
    expect(throwing.outcome).toMatchObject({ status: 'error', ename: 'TfscriptUserError', evalue: expect.stringContaining('buildGraph of node `broken` failed at cell line 7: no layers yet') });
    expect(statusOf(dir, jobIdIn(throwing.stdout))).toMatchObject({ state: 'failed', error: expect.stringContaining('cell line 7') });

    const nan = await runCell(session, tfscriptCell('diverging', CARS_TRAINING, { processStep: '  return { loss: NaN };' }));
    expect(nan.outcome).toMatchObject({ status: 'error', ename: 'TfscriptNotFinite', evalue: expect.stringContaining('processStep (cell line 13) of node `diverging` returned loss = NaN at epoch 1, step 1') });
    expect(statusOf(dir, jobIdIn(nan.stdout)).state).toBe('failed');
    expect(childrenOf(process.pid)).toEqual([]);
    expect((await runCell(session, '%jobs')).outcome).toEqual({ status: 'ok' });
  }, 120_000);

  it('on interrupt: the job stops after its current step, keeps the model as it then is, and ends', async () => {
    const { dir, session } = await carsSession();
    const interrupt = new AbortController();
    const running = runCell(session, tfscriptCell('long', [...CARS_TRAINING, '  epochs: 100000']), undefined, interrupt.signal);
    await until(() => jobRegistry.running().some((r) => r.info.node === 'long' && r.status.pid !== undefined));
    const record = jobRegistry.running().find((r) => r.info.node === 'long')!;
    const pid = record.job.pid!;
    await until(() => existsSync(join(dir, '.flowbook', 'jobs', record.job.id, 'log.txt')));
    interrupt.abort();
    const cell = await running;
    expect(cell.outcome).toEqual({ status: 'ok' });
    expect(cell.displays.some((d) => /training was stopped after step \d+/.test(String(d['text/plain'])))).toBe(true);
    expect(statusOf(dir, record.job.id)).toMatchObject({ state: 'stopped', model: expect.stringMatching(/^models\/long\//) });
    expect(existsSync(join(dir, '.flowbook', statusOf(dir, record.job.id).model as string, 'model.json'))).toBe(true);
    expect(childrenOf(process.pid)).not.toContain(pid);
  }, 120_000);

  it('%jobs stop ID stops a running job from another cell; %jobs log shows its lines', async () => {
    const { dir, session } = await carsSession();
    const running = runCell(session, tfscriptCell('long', [...CARS_TRAINING, '  epochs: 100000']));
    await until(() => jobRegistry.running().some((r) => r.info.node === 'long' && r.logText().includes('training rows')));
    const jobId = jobRegistry.running().find((r) => r.info.node === 'long')!.job.id;
    const log = await runCell(session, `%jobs logs ${jobId}`);
    expect(log.stdout).toMatch(/^backend: wasm.*\n\d+ training rows, 0 held out/);
    const stop = await runCell(session, `%jobs stop ${jobId}`);
    expect(stop.stdout).toBe(`asked job ${jobId} to stop after its current step; its cell ends with the model as it is then\n`);
    expect((await running).outcome).toEqual({ status: 'ok' });
    expect(statusOf(dir, jobId).state).toBe('stopped');
    expect((await runCell(session, `%jobs stop ${jobId}`)).outcome).toMatchObject({ status: 'error', ename: 'JobNotRunning' });
    expect(childrenOf(process.pid)).toEqual([]);
  }, 120_000);
});

describe('checkpoints', () => {
  it('a worker killed from outside fails the job clearly, and its last checkpoint is a whole, loadable model', async () => {
    const { dir, session } = await carsSession();
    const running = runCell(session, tfscriptCell('long', [...CARS_TRAINING, '  epochs: 100000', '  checkpoint_secs: 0']));
    await until(() => jobRegistry.running().some((r) => r.info.node === 'long' && r.status.checkpoint !== undefined && r.status.checkpoint.epoch >= 2));
    const record = jobRegistry.running().find((r) => r.info.node === 'long')!;
    process.kill(record.job.pid!, 'SIGKILL');
    const cell = await running;
    expect(cell.outcome).toMatchObject({ status: 'error', ename: 'TrainingWorkerCrashed', evalue: expect.stringContaining(`the training worker of job ${record.job.id} was killed (SIGKILL)`) });
    const status = statusOf(dir, record.job.id);
    expect(status).toMatchObject({ state: 'failed', checkpoint: { path: `jobs/${record.job.id}/checkpoint`, epoch: expect.any(Number) } });
    const store = new LocalStore(join(dir, '.flowbook'));
    const model = await tf.loadLayersModel(storeIOHandler(store, `jobs/${record.job.id}/checkpoint`));
    expect(model.inputs[0]!.shape).toEqual([null, 8]);
    model.dispose();
    expect(existsSync(join(dir, '.flowbook', 'jobs', record.job.id, 'checkpoint', 'preprocessing.json'))).toBe(true);
    expect(childrenOf(process.pid)).toEqual([]);
  }, 120_000);
});
