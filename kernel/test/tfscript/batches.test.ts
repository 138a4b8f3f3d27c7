import { runCell } from '../flow/cells';
import { buildKernel, CARS_TRAINING, carsSession, statusOf, tfscriptCell } from './cells';

beforeAll(buildKernel, 120_000);

const TRAINING_MIME = 'application/vnd.flowbook.training+json';

/** processStep logs which rows it got (the batch's first labels) beside its epoch and step, then trains. */
const LOGGING_STEP = [
  '  const { model, optimizer } = ctx.graph;',
  "  const first = Array.from(batch.y.dataSync().slice(0, 4), (v) => v.toFixed(5)).join(',');",
  "  ctx.log(`step ${batch.epoch}/${batch.step} rows ${first}`);",
  '  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(batch.y, model.apply(batch.x) as tf.Tensor) as tf.Scalar, true)!;',
  '  return { loss };',
].join('\n');

/** The steps processStep logged, in order: epoch, step and the rows of the batch. */
function stepsIn(stdout: string): { epoch: number; step: number; rows: string }[] {
  return [...stdout.matchAll(/^step (\d+)\/(\d+) rows (\S+)$/gm)].map((m) => ({ epoch: Number(m[1]), step: Number(m[2]), rows: m[3]! }));
}

describe('%%tfscript training settings that shape the batches', () => {
  it('steps ends training after that many batches in all, whatever epochs says; shuffle: false keeps the batch order of every epoch', async () => {
    const { dir, session } = await carsSession();
    // 313 complete rows in batches of 32: 10 batches an epoch, so 13 steps are epoch 1 and 3 batches of epoch 2.
    const settings = (shuffle: boolean) => [...CARS_TRAINING, '  epochs: 5', '  steps: 13', `  shuffle: ${shuffle}`];
    const fixed = await runCell(session, tfscriptCell('fixed', settings(false), { processStep: LOGGING_STEP }));
    expect(fixed.outcome).toEqual({ status: 'ok' });
    const steps = stepsIn(fixed.stdout);
    expect(steps.map((s) => [s.epoch, s.step])).toEqual(Array.from({ length: 13 }, (_, i) => [i < 10 ? 1 : 2, i + 1]));
    const jobId = /training job (\w+) started/.exec(fixed.stdout)![1]!;
    expect(statusOf(dir, jobId)).toMatchObject({ state: 'completed', steps: 13, epochs: 2 });
    const display = fixed.displays.find((d) => TRAINING_MIME in d)![TRAINING_MIME] as { epochs: { done: number; total: number }; history: { epoch: number }[] };
    expect(display.epochs).toEqual({ done: 2, total: 2 });
    expect(display.history.map((h) => h.epoch)).toEqual([1, 2]);
    // Epoch 2 starts with the batches epoch 1 started with, and epoch 1's batches are all different rows.
    expect(steps.slice(10).map((s) => s.rows)).toEqual(steps.slice(0, 3).map((s) => s.rows));
    expect(new Set(steps.slice(0, 10).map((s) => s.rows)).size).toBe(10);

    // The default, a new order each epoch: the same first batches would be a fluke.
    const shuffled = stepsIn((await runCell(session, tfscriptCell('shuffled', settings(true), { processStep: LOGGING_STEP }))).stdout);
    expect(shuffled).toHaveLength(13);
    expect(shuffled.slice(10).map((s) => s.rows)).not.toEqual(shuffled.slice(0, 3).map((s) => s.rows));
    expect(shuffled[0]!.rows).not.toEqual(steps[0]!.rows);
  }, 120_000);
});
