import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../errors';
import { Adadelta } from './adadelta';
import type { Head } from './network';
import type { EarlyStoppingParams, Optimizer } from './params/groups';
import { SeededRandom, shuffledIndices } from './random';

/** Samples as flat Float32 arrays; `x` holds n × product(sampleShape) values, `y` n × yWidth. */
export interface FitSamples {
  x: Float32Array;
  y: Float32Array;
  /** Per-sample loss weight (class weights), or undefined for all 1. */
  weights?: Float32Array;
  count: number;
}

export interface FitOptions {
  sampleShape: number[];
  yWidth: number;
  head: Head;
  optimizer: Optimizer;
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
  earlyStopping: EarlyStoppingParams;
  /** Regression RMSE is reported in the target's units: the target's scale (1 when unscaled). */
  targetScale?: number;
  /** Backend name, echoed in progress events. */
  backend: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Polled between batches; true ends training after the current batch, keeping the best weights. */
  stopRequested?: () => boolean;
  /** A loop that keeps checkpoints (a cluster's chief, whose workers may die) hands each one here. */
  onCheckpoint?: (model: tf.LayersModel, epoch: number) => Promise<void>;
}

/** A live report: per epoch with losses, and between epochs at most every `BATCH_EVENT_MS` without any sync. */
export interface ProgressEvent {
  type: 'epoch' | 'batch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Set on epoch events: training loss and metric, and the validation ones when there is a validation split. */
  loss?: number;
  metric?: number;
  valLoss?: number;
  valMetric?: number;
  /** Accuracy for classes; RMSE in the target's units for numbers (derived from the loss, so it costs no extra ops). */
  metricName: 'accuracy' | 'rmse';
  elapsedMs: number;
  etaMs: number;
  backend: string;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  metric: number;
  valLoss?: number;
  valMetric?: number;
}

export interface FitResult {
  history: EpochRecord[];
  epochsRun: number;
  /** Epoch (1-based) whose weights the model holds at the end. */
  keptEpoch: number;
  stoppedEarly: boolean;
  stoppedOnRequest: boolean;
}

/** The loop's signature: another implementation (a training cluster) can take its place in trainModel. */
export type FitFunction = (model: tf.LayersModel, train: FitSamples, validation: FitSamples | undefined, options: FitOptions) => Promise<FitResult>;

const BATCH_EVENT_MS = 500;
const YIELD_MS = 50;

/**
 * The training loop. Per-batch tensors live inside one `tidy` (via `minimize`), so the tensor count
 * stays flat (T5); the epoch's loss and metric accumulate on the backend and are read once per epoch,
 * so there is no per-batch sync. The first non-finite loss stops training (T1).
 */
export async function fitModel(model: tf.LayersModel, train: FitSamples, validation: FitSamples | undefined, options: FitOptions): Promise<FitResult> {
  const random = new SeededRandom(options.seed ^ 0x5bd1e995);
  const optimizer = makeOptimizer(options.optimizer, options.learningRate);
  const xs = tf.tensor(train.x, [train.count, ...options.sampleShape]);
  const ys = tf.tensor2d(train.y, [train.count, options.yWidth]);
  const ws = train.weights ? tf.tensor1d(train.weights) : undefined;
  const batches = Math.ceil(train.count / options.batchSize);
  const classification = options.head.kind !== 'regression';
  const keeper = new BestEpochKeeper(options.earlyStopping, validation);
  const history: EpochRecord[] = [];
  let stoppedEarly = false;
  let stoppedOnRequest = false;
  const started = Date.now();
  let lastEvent = started;
  let lastYield = started;
  try {
    for (let epoch = 1; epoch <= options.epochs && !stoppedOnRequest; epoch++) {
      const order = tf.tensor1d(shuffledIndices(train.count, random), 'int32');
      // Sums over the epoch, kept on the backend: per-sample loss, and correct predictions for classes.
      let lossSum: tf.Scalar = tf.scalar(0);
      let correctSum: tf.Scalar | undefined = classification ? tf.scalar(0) : undefined;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        const start = b * options.batchSize;
        const size = Math.min(options.batchSize, train.count - start);
        const previousLoss = lossSum;
        const previousCorrect = correctSum;
        optimizer.minimize(() => {
          const idx = order.slice(start, size);
          const yTrue = tf.gather(ys, idx);
          const yPred = model.apply(tf.gather(xs, idx), { training: true }) as tf.Tensor;
          const total = lossTotal(options.head, yTrue, yPred, ws ? tf.gather(ws, idx) : undefined);
          lossSum = tf.keep(previousLoss.add(total));
          if (previousCorrect) correctSum = tf.keep(previousCorrect.add(correctCount(yTrue, yPred)) as tf.Scalar);
          return model.calculateLosses().reduce<tf.Scalar>((sum, r) => sum.add(r), total.mul(1 / size));
        });
        tf.dispose([previousLoss, ...(previousCorrect ? [previousCorrect] : [])]);
        seen += size;
        const now = Date.now();
        if (options.onProgress && now - lastEvent >= BATCH_EVENT_MS && b + 1 < batches) {
          lastEvent = now;
          options.onProgress(progress(options, 'batch', epoch, b + 1, batches, started, now));
        }
        if (now - lastYield >= YIELD_MS) {
          // Lets IPC messages (a stop request) arrive while a long epoch runs.
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
        if (options.stopRequested?.()) {
          stoppedOnRequest = true;
          if (b + 1 < batches) break;
        }
      }
      order.dispose();
      const [lossValue, correctValue] = await Promise.all([lossSum.data(), correctSum?.data()]);
      tf.dispose([lossSum, ...(correctSum ? [correctSum] : [])]);
      const loss = lossValue[0] / seen;
      if (!Number.isFinite(loss)) throw lossNotFinite(loss, epoch, options.learningRate);
      const record: EpochRecord = { epoch, loss, metric: epochMetric(options, loss, correctValue?.[0], seen) };
      if (validation && validation.count > 0) Object.assign(record, await evaluate(model, validation, options));
      history.push(record);
      const now = Date.now();
      lastEvent = now;
      options.onProgress?.({
        ...progress(options, 'epoch', epoch, batches, batches, started, now),
        loss: record.loss, metric: record.metric, valLoss: record.valLoss, valMetric: record.valMetric,
      });
      if (keeper.endsHere(record, model)) {
        stoppedEarly = true;
        break;
      }
    }
    const keptEpoch = keeper.restore(model, history.length, stoppedOnRequest);
    return { history, epochsRun: history.length, keptEpoch, stoppedEarly, stoppedOnRequest };
  } finally {
    tf.dispose([xs, ys, ...(ws ? [ws] : [])]);
    keeper.dispose();
    optimizer.dispose();
  }
}

/**
 * Early stopping and the best epoch's weights, for every training loop (this one and a cluster's
 * chief): watches the monitored loss epoch by epoch and puts the best weights back at the end.
 */
export class BestEpochKeeper {
  private best: { value: number; epoch: number; weights?: tf.Tensor[] } = { value: Infinity, epoch: 0 };
  private waited = 0;
  private readonly monitorValidation: boolean;

  constructor(private readonly earlyStopping: EarlyStoppingParams, validation: FitSamples | undefined) {
    this.monitorValidation = earlyStopping.monitor === 'val_loss' && validation !== undefined && validation.count > 0;
  }

  /** Takes an epoch's record (the model holding that epoch's weights); true when early stopping ends training here. */
  endsHere(record: EpochRecord, model: tf.LayersModel): boolean {
    const monitored = this.monitorValidation ? record.valLoss! : record.loss;
    if (monitored < this.best.value - this.earlyStopping.min_delta) {
      // Always kept (a small copy per improving epoch): an interrupt must end with the best weights.
      tf.dispose(this.best.weights ?? []);
      this.best = { value: monitored, epoch: record.epoch, weights: model.getWeights().map((w) => tf.keep(w.clone())) };
      this.waited = 0;
      return false;
    }
    return this.earlyStopping.enabled && ++this.waited >= this.earlyStopping.patience;
  }

  /** Puts the best epoch's weights into `model` when the settings call for them; the epoch the model holds after. */
  restore(model: tf.LayersModel, epochsRun: number, stoppedOnRequest: boolean): number {
    if (!this.best.weights || this.best.epoch === epochsRun || !endsWithBest(this.earlyStopping, stoppedOnRequest)) return epochsRun;
    model.setWeights(this.best.weights);
    return this.best.epoch;
  }

  dispose(): void {
    tf.dispose(this.best.weights ?? []);
    this.best = { value: this.best.value, epoch: this.best.epoch };
  }
}

/** T1: the first non-finite epoch loss ends training with this error. */
export function lossNotFinite(loss: number, epoch: number, learningRate: number): FlowbookError {
  return new FlowbookError(
    'LossNotFinite',
    `loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} at epoch ${epoch}; inputs not scaled? learning rate too high?`,
    `set preprocessing.standardize to zscore, lower training.learning_rate (now ${learningRate}), or remove extreme values; no model was saved`,
    { epoch, learningRate },
  );
}

/**
 * Whether training ends with the best epoch's weights instead of the last: always after an interrupt
 * (the user keeps the best model so far); otherwise when early stopping is on with `restore_best`,
 * whether it stopped early or ran every epoch. With early stopping off the last epoch is kept.
 */
export function endsWithBest(earlyStopping: EarlyStoppingParams, stoppedOnRequest: boolean): boolean {
  return stoppedOnRequest || (earlyStopping.enabled && earlyStopping.restore_best);
}

export function progress(options: FitOptions, type: ProgressEvent['type'], epoch: number, batch: number, batches: number, started: number, now: number): ProgressEvent {
  const done = (epoch - 1) * batches + batch;
  const total = options.epochs * batches;
  const elapsedMs = now - started;
  return {
    type, epoch, epochs: options.epochs, batch, batches,
    metricName: options.head.kind === 'regression' ? 'rmse' : 'accuracy',
    elapsedMs, etaMs: done > 0 ? Math.round((elapsedMs / done) * (total - done)) : 0,
    backend: options.backend,
  };
}

export function makeOptimizer(name: Optimizer, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd': return tf.train.sgd(learningRate);
    case 'momentum': return tf.train.momentum(learningRate, 0.9);
    case 'adam': return tf.train.adam(learningRate);
    case 'adamax': return tf.train.adamax(learningRate);
    case 'rmsprop': return tf.train.rmsprop(learningRate);
    case 'adagrad': return tf.train.adagrad(learningRate);
    case 'adadelta': return new Adadelta(learningRate);
  }
}

const EPSILON = 1e-7;

/**
 * The batch's summed per-sample loss (weighted when `weights` is given): squared error for numbers,
 * cross-entropy for classes. Called inside `tidy`/`minimize`, so intermediates are freed there.
 */
export function lossTotal(head: Head, yTrue: tf.Tensor, yPred: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  let perSample: tf.Tensor;
  if (head.kind === 'regression') {
    if (!weights) return tf.sum(tf.squaredDifference(yPred, yTrue));
    perSample = tf.sum(tf.squaredDifference(yPred, yTrue), 1);
  } else {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    perSample = head.kind === 'softmax'
      ? tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), 1))
      : tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))), 1));
  }
  return tf.sum(weights ? tf.mul(perSample, weights) : perSample);
}

/** Correct class predictions in the batch. */
export function correctCount(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  if (yPred.shape[1] === 1) return tf.sum(tf.equal(tf.greaterEqual(yPred, 0.5), tf.greaterEqual(yTrue, 0.5)));
  return tf.sum(tf.equal(tf.argMax(yPred, 1), tf.argMax(yTrue, 1)));
}

export function epochMetric(options: FitOptions, meanLoss: number, correct: number | undefined, count: number): number {
  if (options.head.kind === 'regression') return Math.sqrt(meanLoss) * (options.targetScale ?? 1);
  return count > 0 ? correct! / count : NaN;
}

/** Validation loss and metric in batches, read back with one sync. */
export async function evaluate(model: tf.LayersModel, samples: FitSamples, options: FitOptions): Promise<{ valLoss: number; valMetric: number }> {
  const size = Math.max(options.batchSize, 256);
  const classification = options.head.kind !== 'regression';
  let lossSum: tf.Scalar = tf.scalar(0);
  let correctSum: tf.Scalar = tf.scalar(0);
  const width = options.sampleShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < samples.count; start += size) {
    const n = Math.min(size, samples.count - start);
    const [nextLoss, nextCorrect] = tf.tidy(() => {
      const x = tf.tensor(samples.x.subarray(start * width, (start + n) * width), [n, ...options.sampleShape]);
      const yTrue = tf.tensor2d(samples.y.subarray(start * options.yWidth, (start + n) * options.yWidth), [n, options.yWidth]);
      const yPred = model.apply(x, { training: false }) as tf.Tensor;
      return [lossSum.add(lossTotal(options.head, yTrue, yPred)), classification ? correctSum.add(correctCount(yTrue, yPred)) : correctSum.clone()] as tf.Scalar[];
    });
    tf.dispose([lossSum, correctSum]);
    lossSum = nextLoss;
    correctSum = nextCorrect;
  }
  const [loss, correct] = await Promise.all([lossSum.data(), correctSum.data()]);
  tf.dispose([lossSum, correctSum]);
  const valLoss = loss[0] / samples.count;
  return { valLoss, valMetric: epochMetric(options, valLoss, correct[0], samples.count) };
}
