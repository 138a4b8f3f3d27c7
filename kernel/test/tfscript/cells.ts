import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFlowSession, type FlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { runCell } from '../flow/cells';
import { temporaryFolder } from '../flow/helpers';

export const REPO = resolve(__dirname, '../../..');

/** Jobs fork the compiled worker: build it as `npm test` does. */
export function buildKernel(): void {
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}

/** A session over a fresh folder holding the cars data, with `cars` and `parts` (train/test) defined. */
export async function carsSession(): Promise<{ dir: string; session: FlowSession }> {
  const dir = temporaryFolder();
  copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
  const session = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
  await runCell(session, '%%source cars\ncars.json');
  await runCell(session, '%%split parts --from cars\ntest_ratio: 0.2\nseed: 1');
  return { dir, session };
}

/** A %%tfscript cell: the settings lines, then a small dense regression module with the given processStep body. */
export function tfscriptCell(id: string, settings: string[], options: { buildGraph?: string; processStep?: string } = {}): string {
  return [
    `%%tfscript ${id} --from parts:train`,
    ...settings.map((line) => `// ${line}`),
    "import * as tf from '@tensorflow/tfjs';",
    'export function buildGraph(ctx: Tfscript.Context) {',
    options.buildGraph ?? [
      '  const model = tf.sequential({ layers: [',
      "    tf.layers.dense({ inputShape: ctx.inputShape, units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),",
      '    tf.layers.dense({ units: ctx.outputUnits, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),',
      '  ] });',
      '  return { model, optimizer: tf.train.adam(ctx.training.learning_rate) };',
    ].join('\n'),
    '}',
    'export function processStep(ctx: Tfscript.Context<{ model: tf.LayersModel; optimizer: tf.Optimizer }>, batch: Tfscript.Batch) {',
    options.processStep ?? [
      '  const { model, optimizer } = ctx.graph;',
      '  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(batch.y, model.apply(batch.x) as tf.Tensor) as tf.Scalar, true)!;',
      '  return { loss };',
    ].join('\n'),
    '}',
  ].join('\n');
}

export const CARS_TRAINING = ['training:', '  label: Miles_per_Gallon', '  features: [Cylinders, Displacement, Horsepower, Weight_in_lbs, Acceleration, Origin]'];

/** Process ids whose parent is `pid`, read from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The job's `status.json` in the session's store. */
export function statusOf(dir: string, jobId: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, '.flowbook', 'jobs', jobId, 'status.json'), 'utf8')) as Record<string, unknown>;
}

/** Waits until `ready()` holds (polling every 50 ms, at most `ms`). */
export async function until(ready: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
