import type * as arrow from 'apache-arrow';
import * as v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../../errors';
import { selectBackend, type BackendInfo } from '../backend';
import type { ModelMetrics } from '../metrics';
import { modelToFiles, type ModelCheckpoint, type ModelFiles } from '../model-io';
import { encodeSamples, predictTable, toTargetUnits, type ModelPreprocessing, type PredictionColumn } from '../predict';
import { SeededRandom, shuffledIndices } from '../random';
import type { ScalarStep } from '../tensorboard/event-writer';
import { encodeInput, type EncodedInput } from './data';
import { isClustered, type ClusterParams } from '../params/cluster';
import { clusterTrainLoop } from './cluster-loop';
import { loadTfscriptModule, type CompiledTfscript } from './module';
import { call, evaluateHeldOut, modelOf, processBatch, scriptContext, taskOf, type LoopResult } from './script-steps';
import type { TfscriptTrainingSettings } from './settings';
import type { TfscriptContext, TfscriptModule } from './types';

/** What the kernel sends a tfscript job. */
export interface TfscriptJobSpec {
  compiled: CompiledTfscript;
  training: TfscriptTrainingSettings;
  /** Absent or one worker and no server: the job trains in its own process. */
  cluster?: ClusterParams;
}

/** A live report from a tfscript job: the steps since the last one, and the epoch's means when one ended. */
export interface TfscriptProgress {
  epoch: number;
  epochs: number;
  /** Steps done and planned over the whole job. */
  step: number;
  totalSteps: number;
  batch: number;
  batches: number;
  elapsedMs: number;
  etaMs: number;
  backend: string;
  steps: ScalarStep[];
  /** Set when an epoch ended: the means of processStep's metrics, and evaluate's on the held-out rows. */
  epochEnd?: { train: Record<string, number>; val?: Record<string, number> };
}

export interface TfscriptResult {
  /** Absent when buildGraph returned no `model`. */
  files?: ModelFiles;
  preprocessing: ModelPreprocessing;
  /** The model scored on the job's input, when there is a model. */
  metrics?: ModelMetrics;
  predictions: PredictionColumn[];
  epochsRun: number;
  steps: number;
  stoppedOnRequest: boolean;
  /** The last epoch's means. */
  lastMetrics: Record<string, number>;
  backend: BackendInfo;
}

export interface TfscriptHooks {
  progress(update: TfscriptProgress): void;
  checkpoint(checkpoint: ModelCheckpoint): void;
  log(line: string): void;
  stopRequested(): boolean;
}

const REPORT_MS = 250;
const YIELD_MS = 50;

/**
 * Runs a tfscript job in this process: loads the module, encodes the input, calls `buildGraph`
 * once, then `processStep` per batch (shuffled per epoch with the seed), `evaluate` after each
 * epoch on the held-out rows; ends with the model's files and the output predictions.
 */
export async function runTfscript(spec: TfscriptJobSpec, table: arrow.Table, hooks: TfscriptHooks): Promise<TfscriptResult> {
  const backend = await selectBackend();
  const { compiled, training } = spec;
  const module = loadTfscriptModule(compiled);
  const data = encodeInput(table, training);
  hooks.log(`backend: ${backend.name} (${backend.reason}); heap limit ${Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20)} MB`);
  for (const warning of data.warnings) hooks.log(`warning: ${warning}`);
  hooks.log(`${data.train.length} training rows, ${data.validation.length} held out; inputs: ${data.preprocessing.inputNames.join(', ')}`);
  const ctx = scriptContext(training, { width: data.width, yWidth: data.yWidth, inputNames: data.preprocessing.inputNames, task: taskOf(data.preprocessing) }, hooks.log);
  ctx.graph = await call(() => module.buildGraph(ctx), compiled, 'buildGraph');
  const loop = spec.cluster && isClustered(spec.cluster)
    ? await clusterTrainLoop(module, ctx, data, { ...spec, cluster: spec.cluster }, hooks, backend.name)
    : await trainLoop(module, ctx, data, spec, hooks, backend.name);
  const model = modelOf(ctx.graph);
  const files = model ? await modelToFiles(model) : undefined;
  const scored = model ? predictTable(model, data.preprocessing, table, 'the job\'s input') : undefined;
  const predictions = module.predict ? await customPredictions(module, ctx, table, data.preprocessing, compiled) : (scored?.columns ?? []);
  const metrics = scored?.metrics;
  return { files, preprocessing: data.preprocessing, ...(metrics ? { metrics } : {}), predictions, ...loop, backend };
}

async function trainLoop(module: TfscriptModule, ctx: TfscriptContext, data: EncodedInput, spec: TfscriptJobSpec, hooks: TfscriptHooks, backend: string): Promise<LoopResult> {
  const { training, compiled } = spec;
  const batchSize = training.batch_size;
  const batches = Math.ceil(data.train.length / batchSize);
  const totalSteps = Math.min(training.steps ?? Infinity, batches * training.epochs);
  const epochs = Math.ceil(totalSteps / batches);
  const random = new SeededRandom(training.seed ^ 0x5bd1e995);
  const started = Date.now();
  let lastReport = started;
  let lastCheckpoint = started;
  let lastYield = started;
  let pending: ScalarStep[] = [];
  let lastMetrics: Record<string, number> = {};
  let stoppedOnRequest = false;
  let epochsRun = 0;
  const report = (epoch: number, batch: number, epochEnd?: TfscriptProgress['epochEnd']) => {
    const now = Date.now();
    const elapsedMs = now - started;
    hooks.progress({
      epoch, epochs, step: ctx.step, totalSteps, batch, batches, elapsedMs, backend,
      etaMs: ctx.step > 0 ? (elapsedMs / ctx.step) * (totalSteps - ctx.step) : 0,
      steps: pending, ...(epochEnd ? { epochEnd } : {}),
    });
    pending = [];
    lastReport = now;
  };
  for (let epoch = 1; epoch <= epochs && !stoppedOnRequest; epoch++) {
    ctx.epoch = epoch;
    const order = training.shuffle ? shuffledIndices(data.train.length, random) : Int32Array.from(data.train.keys());
    const sums: Record<string, number> = {};
    let seen = 0;
    for (let b = 0; b < batches && ctx.step < totalSteps; b++) {
      const positions = Int32Array.from(order.subarray(b * batchSize, (b + 1) * batchSize), (i) => data.train[i]);
      const values = await processBatch(module, ctx, data, positions, compiled);
      ctx.step += 1;
      seen += positions.length;
      for (const [name, value] of Object.entries(values)) sums[name] = (sums[name] ?? 0) + value * positions.length;
      pending.push({ step: ctx.step, values, wallTime: Date.now() / 1000 });
      const now = Date.now();
      if (now - lastReport >= REPORT_MS) report(epoch, b + 1);
      if (now - lastYield >= YIELD_MS) {
        // Lets a stop request or the kernel's disconnect arrive during a long epoch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
      if (hooks.stopRequested()) {
        stoppedOnRequest = true;
        hooks.log(`stop requested: ending after step ${ctx.step}, keeping the weights as they are`);
        break;
      }
    }
    epochsRun = epoch;
    const train = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / Math.max(seen, 1)]));
    const val = module.evaluate && data.validation.length > 0 ? await evaluateHeldOut(module, ctx, data, spec.compiled, epoch) : undefined;
    lastMetrics = { ...train, ...Object.fromEntries(Object.entries(val ?? {}).map(([k, v]) => [`val_${k}`, v])) };
    report(epoch, batches, { train, ...(val ? { val } : {}) });
    const model = modelOf(ctx.graph);
    if (model && !stoppedOnRequest && Date.now() - lastCheckpoint >= training.checkpoint_secs * 1000) {
      hooks.checkpoint({ files: await modelToFiles(model), preprocessing: data.preprocessing, epoch, step: ctx.step });
      lastCheckpoint = Date.now();
    }
  }
  return { epochsRun, steps: ctx.step, stoppedOnRequest, lastMetrics };
}

/** The module's own `predict` over every input row with its features present; other rows get null. */
async function customPredictions(module: TfscriptModule, ctx: TfscriptContext, table: arrow.Table, prep: ModelPreprocessing, compiled: CompiledTfscript): Promise<PredictionColumn[]> {
  const samples = encodeSamples(table, prep);
  const x = tf.tensor2d(samples.x, [samples.count, samples.sampleShape[0]]);
  let output: tf.Tensor | ArrayLike<number>;
  try {
    output = await call(() => module.predict!(ctx, x), compiled, 'predict');
  } finally {
    x.dispose();
  }
  const values = output instanceof tf.Tensor ? await output.data() : Float32Array.from(output);
  if (output instanceof tf.Tensor) output.dispose();
  if (values.length !== samples.count) {
    throw new FlowbookError('TfscriptBadPrediction', `predict (cell line ${compiled.exportLines.predict}) of node \`${compiled.nodeId}\` returned ${values.length} values for ${samples.count} rows`, 'return one number per row of x', { node: compiled.nodeId });
  }
  const inUnits = prep.target.kind === 'numeric' ? toTargetUnits(prep, Float32Array.from(values)) : Float64Array.from(values);
  const column: (number | null)[] = new Array(table.numRows).fill(null);
  samples.rows.forEach((r, i) => { column[r] = inUnits[i]; });
  return [{ name: `predicted_${prep.target.column}`, type: 'number', values: column }];
}
