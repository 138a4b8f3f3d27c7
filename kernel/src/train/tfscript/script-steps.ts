import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../../errors';
import type { ModelPreprocessing } from '../predict';
import type { EncodedInput } from './data';
import { userCodeError, type CompiledTfscript } from './module';
import type { TfscriptTrainingSettings } from './settings';
import type { StepMetrics, TfscriptBatch, TfscriptContext, TfscriptModule } from './types';

/*
 * The pieces of a tfscript training loop that the job's own loop and a cluster's (chief and
 * workers) share: the context the cell's functions get, batches, calls into user code, metrics.
 */

/** What a tfscript cell's functions see of its input, in the job's process or a cluster worker. */
export interface ScriptShape {
  width: number;
  yWidth: number;
  inputNames: string[];
  task: TfscriptContext['task'];
}

export function taskOf(preprocessing: ModelPreprocessing): TfscriptContext['task'] {
  return preprocessing.head.kind === 'regression' ? 'regression' : 'classification';
}

export function scriptContext(training: TfscriptTrainingSettings, shape: ScriptShape, log: (line: string) => void): TfscriptContext {
  return {
    tf, training,
    inputShape: [shape.width],
    inputNames: shape.inputNames,
    outputUnits: shape.yWidth,
    task: shape.task,
    graph: undefined,
    epoch: 0,
    step: 0,
    log: (line) => log(String(line)),
  };
}

/** How a training loop ends, in the job's process or on a cluster. */
export interface LoopResult {
  epochsRun: number;
  steps: number;
  stoppedOnRequest: boolean;
  lastMetrics: Record<string, number>;
}

/** The rows at `positions` of row-major matrices, as a batch's tensors. */
export function makeBatch(data: Pick<EncodedInput, 'x' | 'y' | 'width' | 'yWidth'>, positions: Int32Array, epoch: number, step: number): TfscriptBatch {
  const x = new Float32Array(positions.length * data.width);
  const y = new Float32Array(positions.length * data.yWidth);
  positions.forEach((p, i) => {
    x.set(data.x.subarray(p * data.width, (p + 1) * data.width), i * data.width);
    y.set(data.y.subarray(p * data.yWidth, (p + 1) * data.yWidth), i * data.yWidth);
  });
  return { x: tf.tensor2d(x, [positions.length, data.width]), y: tf.tensor2d(y, [positions.length, data.yWidth]), size: positions.length, epoch, step };
}

/** One call of processStep on the rows at `positions` (step `ctx.step + 1`); its metrics, checked. */
export async function processBatch(module: TfscriptModule, ctx: TfscriptContext, data: Pick<EncodedInput, 'x' | 'y' | 'width' | 'yWidth'>, positions: Int32Array, compiled: CompiledTfscript): Promise<Record<string, number>> {
  const batch = makeBatch(data, positions, ctx.epoch, ctx.step + 1);
  try {
    return await readMetrics(await call(() => module.processStep(ctx, batch), compiled, 'processStep'), compiled, 'processStep', ctx.epoch, ctx.step + 1);
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

export async function evaluateHeldOut(module: TfscriptModule, ctx: TfscriptContext, data: EncodedInput, compiled: CompiledTfscript, epoch: number): Promise<Record<string, number>> {
  const batch = makeBatch(data, data.validation, epoch, ctx.step);
  try {
    return await readMetrics(await call(() => module.evaluate!(ctx, batch), compiled, 'evaluate'), compiled, 'evaluate', epoch, ctx.step);
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

/** Calls user code; what it throws becomes an error naming the function and the cell line. */
export async function call<T>(run: () => T | Promise<T>, compiled: CompiledTfscript, name: string): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw userCodeError(e, compiled, name);
  }
}

/** Reads a metrics object: numbers as they are, scalar tensors read and disposed; NaN or ∞ stops the job. */
export async function readMetrics(metrics: StepMetrics, compiled: CompiledTfscript, name: string, epoch: number, step: number): Promise<Record<string, number>> {
  const line = compiled.exportLines[name];
  const at = `${name} (cell line ${line})`;
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw new FlowbookError('TfscriptBadMetrics', `${at} of node \`${compiled.nodeId}\` returned ${Array.isArray(metrics) ? 'an array' : String(metrics)}, not an object of metrics`, 'return named numbers, e.g. `return { loss }` (a number or a scalar tensor)', { node: compiled.nodeId, line });
  }
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) {
    let number: number;
    if (typeof value === 'number') {
      number = value;
    } else if (value instanceof tf.Tensor && value.size === 1) {
      number = (await value.data())[0];
      value.dispose();
    } else {
      throw new FlowbookError('TfscriptBadMetrics', `${at} of node \`${compiled.nodeId}\` returned \`${key}\` that is neither a number nor a scalar tensor`, 'return named numbers or scalar tensors, e.g. `{ loss }`', { node: compiled.nodeId, line, metric: key });
    }
    if (!Number.isFinite(number)) {
      throw new FlowbookError(
        'TfscriptNotFinite',
        `${at} of node \`${compiled.nodeId}\` returned ${key} = ${number} at epoch ${epoch}, step ${step}`,
        'the training diverged: lower training.learning_rate, keep standardize on, or check the loss in processStep',
        { node: compiled.nodeId, line, metric: key, epoch, step },
      );
    }
    values[key] = number;
  }
  return values;
}

export function modelOf(graph: unknown): tf.LayersModel | undefined {
  const model = graph !== null && typeof graph === 'object' ? (graph as { model?: unknown }).model : undefined;
  return model instanceof tf.LayersModel ? model : undefined;
}

/**
 * The optimizer that buildGraph returned (`{ model, optimizer }`). A cluster needs it named: the
 * parameter servers apply the averaged gradients with the same optimizer, and a worker's own
 * optimizer only hands its gradients over.
 */
export function graphOptimizer(graph: unknown, compiled: CompiledTfscript): tf.Optimizer {
  const optimizer = graph !== null && typeof graph === 'object' ? (graph as { optimizer?: unknown }).optimizer : undefined;
  // tf.Optimizer's instanceof reads `.minimize` of the value: only objects may be asked.
  if (optimizer !== null && typeof optimizer === 'object' && optimizer instanceof tf.Optimizer) return optimizer;
  throw new FlowbookError(
    'TfscriptClusterNeedsOptimizer',
    `buildGraph (cell line ${compiled.exportLines.buildGraph}) of node \`${compiled.nodeId}\` returned no \`optimizer\` (a tf.train optimizer), which training on a cluster needs`,
    'return it beside the model, e.g. `return { model, optimizer: tf.train.adam(ctx.training.learning_rate) }`, and step with it in processStep (optimizer.minimize)',
    { node: compiled.nodeId },
  );
}

/**
 * Every trainable variable buildGraph made, in the order it made them, but the optimizer's own
 * (Adam keeps its β powers in variables): what a cluster's servers hold and update.
 */
export function trainableVariables(optimizer: tf.Optimizer): tf.Variable[] {
  const own = new Set(Object.values(optimizer).filter((value): value is tf.Variable => value instanceof tf.Variable));
  return Object.values(tf.engine().registeredVariables).filter((v) => v.trainable && !own.has(v));
}
