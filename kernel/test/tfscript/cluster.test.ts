import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCell, text } from '../flow/cells';
import { buildKernel, CARS_TRAINING, carsSession, childrenOf } from './cells';

beforeAll(buildKernel, 120_000);

const METRICS_MIME = 'application/vnd.flowbook.metrics+json';

/** A cars tfscript cell (the small dense model of `tfscriptCell`) with these cluster settings. */
function carsCell(id: string, cluster: string, epochs: number, buildGraph?: string): string {
  return [
    `%%tfscript ${id} --from parts:train`,
    `// cluster: ${cluster}`,
    ...CARS_TRAINING.map((line) => `// ${line}`),
    `//   epochs: ${epochs}`,
    '//   batch_size: 16',
    '//   learning_rate: 0.01',
    "import * as tf from '@tensorflow/tfjs';",
    'type G = { model: tf.LayersModel; optimizer: tf.Optimizer };',
    'export function buildGraph(ctx: Tfscript.Context) {',
    '  const model = tf.sequential({ layers: [',
    "    tf.layers.dense({ inputShape: ctx.inputShape, units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),",
    '    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),',
    '  ] });',
    buildGraph ?? '  return { model, optimizer: tf.train.adam(ctx.training.learning_rate) };',
    '}',
    'export function processStep(ctx: Tfscript.Context<G>, batch: Tfscript.Batch) {',
    '  const { model, optimizer } = ctx.graph;',
    '  return { loss: optimizer.minimize(() => tf.losses.meanSquaredError(batch.y, model.apply(batch.x) as tf.Tensor) as tf.Scalar, true)! };',
    '}',
  ].join('\n');
}

function r2(cell: Awaited<ReturnType<typeof runCell>>): number {
  return (cell.displays.find((d) => METRICS_MIME in d)![METRICS_MIME] as { r2: number }).r2;
}

describe('%%tfscript on a cluster', () => {
  it('two workers and a parameter server train the cell\'s own processStep as one job, as well as one process does', async () => {
    const { dir, session } = await carsSession();
    const single = await runCell(session, carsCell('alone', '{workers: 1, ps: 0}', 30));
    expect(single.outcome).toEqual({ status: 'ok' });
    const parallel = await runCell(session, carsCell('together', '{workers: 2, ps: 1}', 30));
    expect(parallel.outcome).toEqual({ status: 'ok' });
    expect(text(parallel)).toContain('together: completed');
    // One job: one id, one log holding every process's lines.
    const jobs = [...parallel.stdout.matchAll(/training job (\w+) started/g)].map((m) => m[1]);
    expect(jobs).toHaveLength(1);
    const log = readFileSync(join(dir, '.flowbook', 'jobs', jobs[0]!, 'log.txt'), 'utf8');
    expect(log).toContain('cluster: 2 worker(s), 1 parameter server(s), sync');
    expect(log).toMatch(/\[worker 1\] \d+ rows, \d+ steps of up to 16 per epoch/);
    expect(log).toMatch(/\[ps 0\] holds 4 variable\(s\)/);
    // Two workers with batch 16 step like one process with batch 32: the same quality, not the same numbers.
    expect(r2(single)).toBeGreaterThan(0.75);
    expect(r2(parallel)).toBeGreaterThan(0.75);
    expect(Math.abs(r2(parallel) - r2(single))).toBeLessThan(0.05);
    expect(childrenOf(process.pid)).toEqual([]);
  }, 180_000);

  it('the same seed and workers give the same model', async () => {
    const { session } = await carsSession();
    const predictions = async (id: string) => {
      const cell = await runCell(session, carsCell(id, '{workers: 2, ps: 2}', 3));
      expect(cell.outcome).toEqual({ status: 'ok' });
      await runCell(session, '%flow clear');
      return (await session.globals.flow.table(id)).getChild('predicted_Miles_per_Gallon')!.toJSON();
    };
    expect(await predictions('first')).toEqual(await predictions('second'));
  }, 120_000);

  it('a buildGraph that returns no optimizer is told what a cluster needs, before any process starts', async () => {
    const { session } = await carsSession();
    const cell = await runCell(session, carsCell('custom', '{workers: 2, ps: 1}', 1, '  return { model };'));
    expect(cell.outcome).toMatchObject({
      status: 'error', ename: 'TfscriptClusterNeedsOptimizer',
      evalue: expect.stringContaining('buildGraph (cell line 11) of node `custom` returned no `optimizer`'),
    });
    expect(childrenOf(process.pid)).toEqual([]);
  }, 60_000);
});
