import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCell } from '../flow/cells';
import { buildKernel, CARS_TRAINING, carsSession, statusOf } from './cells';

beforeAll(buildKernel, 120_000);

const TRAINING_MIME = 'application/vnd.flowbook.training+json';

describe('what a %%tfscript job leaves', () => {
  it('evaluate\'s numbers on the held-out rows join the chart; predict fills the output column; model_dir and log_dir get the model and the events', async () => {
    const { dir, session } = await carsSession();
    const cell = await runCell(session, [
      '%%tfscript custom --from parts:train',
      '// training:',
      ...CARS_TRAINING.slice(1).map((l) => `// ${l}`),
      '//   epochs: 2',
      '//   validation_split: 0.2',
      '//   model_name: mpg_custom',
      '// paths: {model_dir: exported, log_dir: tensorboard}',
      "import * as tf from '@tensorflow/tfjs';",
      'export function buildGraph(ctx: Tfscript.Context) {',
      '  return { model: tf.sequential({ layers: [tf.layers.dense({ inputShape: ctx.inputShape, units: 1 })] }), optimizer: tf.train.sgd(0.01) };',
      '}',
      'type G = { model: tf.LayersModel; optimizer: tf.Optimizer };',
      'export function processStep(ctx: Tfscript.Context<G>, batch: Tfscript.Batch) {',
      '  return { loss: ctx.graph.optimizer.minimize(() => tf.losses.meanSquaredError(batch.y, ctx.graph.model.apply(batch.x) as tf.Tensor) as tf.Scalar, true)! };',
      '}',
      'export function evaluate(ctx: Tfscript.Context<G>, data: Tfscript.Batch) {',
      '  return { rows: data.size };',
      '}',
      'export function predict(ctx: Tfscript.Context<G>, x: tf.Tensor2D) {',
      '  return new Array(x.shape[0]).fill(0);',
      '}',
    ].join('\n'));
    expect(cell.outcome).toEqual({ status: 'ok' });
    const display = cell.displays.find((d) => TRAINING_MIME in d)![TRAINING_MIME] as { history: { train: Record<string, number>; val?: Record<string, number> }[] };
    // 313 complete rows, 20% held out.
    expect(display.history.map((h) => h.val)).toEqual([{ rows: 63 }, { rows: 63 }]);

    const table = await session.globals.flow.table('custom');
    const predicted = table.getChild('predicted_Miles_per_Gallon')!.toJSON() as (number | null)[];
    // predict returned 0 on the standardized scale: every scored row gets the training mean, in mpg.
    const scored = predicted.filter((v): v is number => v !== null);
    expect(new Set(scored.map((v) => v.toFixed(6))).size).toBe(1);
    expect(scored[0]).toBeGreaterThan(20);
    expect(scored[0]).toBeLessThan(26);

    expect(existsSync(join(dir, 'exported', 'mpg_custom', 'model.json'))).toBe(true);
    const jobId = /training job (\w+) started/.exec(cell.stdout)![1]!;
    expect(statusOf(dir, jobId).tensorboardDir).toBe(join(dir, 'tensorboard', jobId));
    expect(readdirSync(join(dir, 'tensorboard', jobId))[0]).toMatch(/^events\.out\.tfevents\./);
  }, 60_000);
});
