import type * as arrow from 'apache-arrow';
import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../errors';
import { selectBackend, type BackendInfo } from './backend';
import { fitModel, type FitFunction, type FitResult, type FitSamples, type ProgressEvent } from './fit';
import { classificationMetrics, regressionMetrics, type ModelMetrics } from './metrics';
import { modelToFiles, type ModelCheckpoint } from './model-io';
import { buildNetwork, headUnits, type Head } from './network';
import type { ModelSpec } from './params';
import type { ClassWeights, RegressionPreprocessingParams } from './params/groups';
import {
  chooseFeatures, completeRows, encodeClasses, encodeFeatures, fitClasses, fitFeatures, fitNumericTarget, inputNames,
  readColumns, readNumericTarget, rejectMissing, type Label, type TargetEncoding,
} from './preprocess';
import { runModel, toProbabilities, toTargetUnits, type ModelPreprocessing } from './predict';
import { SeededRandom, shuffledIndices } from './random';
import { buildWindows, gatherWindows, seriesOf, type WindowSpec } from './windows';

export const MIN_TRAINING_SAMPLES = 5;

export interface TrainHooks {
  onProgress?: (event: ProgressEvent) => void;
  log?: (line: string) => void;
  stopRequested?: () => boolean;
  /** The training loop; default the single-process `fitModel` (a training cluster passes its own). */
  fit?: FitFunction;
  /** Receives the checkpoints a loop keeps (a cluster's), with the preprocessing `%%predict` needs. */
  checkpoint?: (checkpoint: ModelCheckpoint) => void;
}

/** A trained model with what it needs to be stored and reported; the caller owns (and disposes) `model`. */
export interface TrainedModel {
  model: tf.LayersModel;
  preprocessing: ModelPreprocessing;
  metrics: ModelMetrics;
  fit: FitResult;
  backend: BackendInfo;
  /** Samples per split; for classes also the class counts per split (T3). */
  split: { training: number; validation: number; classCounts?: { training: number[]; validation: number[] } };
  /** What the node should warn about, e.g. an empty column left out of the default features (C4). */
  warnings: string[];
}

/**
 * Trains one model node from its table: chooses features, splits (shuffled with the seed, or
 * chronologically for the LSTM), fits preprocessing on the training split only, builds and fits the
 * network, and scores the validation split against the baselines.
 */
export async function trainModel(spec: ModelSpec, table: arrow.Table, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const backend = await selectBackend();
  hooks.log?.(`backend: ${backend.name} (${backend.reason})`);
  const p = spec.params;
  const lstm = spec.kind === 'lstm_regressor' ? spec.params : undefined;
  const classification = spec.kind === 'dnn_classifier';

  const exclude = lstm ? [lstm.order, lstm.group].filter((c): c is string => c !== undefined) : [p.target];
  const { features, warnings } = chooseFeatures(table, { target: p.target, features: p.features, exclude, maxCategories: p.preprocessing.max_categories });
  const raw = readColumns(table, features);
  const n = table.numRows;

  // The target: class indices (T3) or numbers; rows without one cannot be trained on.
  let classIndex: Int32Array | undefined;
  let classTarget: (TargetEncoding & { kind: 'classes' }) | undefined;
  let numeric: { values: Float64Array; valid: Uint8Array } | undefined;
  const targetOk = new Uint8Array(n);
  if (classification) {
    const fitted = fitClasses(table, p.target);
    classTarget = fitted.encoding;
    classIndex = encodeClasses(fitted.labels, fitted.encoding);
    classIndex.forEach((c, r) => { targetOk[r] = c >= 0 ? 1 : 0; });
  } else {
    numeric = readNumericTarget(table, p.target, spec.kind);
    targetOk.set(numeric.valid);
  }

  const inputsOk = p.preprocessing.missing === 'drop' ? completeRows(raw, features) : new Uint8Array(n).fill(1);
  if (p.preprocessing.missing === 'error') rejectMissing(raw, features, Int32Array.from({ length: n }, (_, i) => i));

  // Split into training and validation samples. A sample is a row (DNN) or a window (LSTM).
  const random = new SeededRandom(p.training.seed);
  let window: WindowSpec | undefined;
  let sampleRows: Int32Array;            // the row whose target each sample predicts
  let trainSamples: Int32Array, validationSamples: Int32Array;
  let windowsOf: ReturnType<typeof buildWindows> | undefined;
  let series: ReturnType<typeof seriesOf> | undefined;
  if (lstm) {
    window = { size: lstm.window, horizon: lstm.horizon, stride: lstm.stride, order: lstm.order, group: lstm.group };
    series = seriesOf(table, window);
    windowsOf = buildWindows(series, window, inputsOk, targetOk);
    sampleRows = windowsOf.targetRows;
    requireSamples(sampleRows.length, `windows of ${window.size} rows with a target ${window.horizon} row(s) later`);
    [trainSamples, validationSamples] = chronologicalSplit(windowsOf.starts, series.bounds, p.training.validation_split);
  } else {
    sampleRows = Int32Array.from({ length: n }, (_, i) => i).filter((r) => targetOk[r] && inputsOk[r]);
    requireSamples(sampleRows.length, `rows with a target${p.preprocessing.missing === 'drop' ? ' and every feature' : ''}`);
    const left = leftOutRows(n, targetOk, inputsOk);
    if (left) warnings.push(left);
    const order = shuffledIndices(sampleRows.length, random);
    const validationCount = Math.min(sampleRows.length - 1, Math.round(sampleRows.length * p.training.validation_split));
    validationSamples = order.slice(0, validationCount).sort();
    trainSamples = order.slice(validationCount).sort();
  }

  // Fit preprocessing on rows the training split sees, and nothing else.
  const trainRows = lstm ? rowsOfWindows(series!, windowsOf!, trainSamples, lstm.window) : trainSamples.map((i) => sampleRows[i]);
  const encodings = fitFeatures(raw, features, trainRows, p.preprocessing);
  const targetEncoding: TargetEncoding = classTarget
    ?? fitNumericTarget(p.target, numeric!.values, numeric!.valid, trainSamples.map((i) => sampleRows[i]), (p.preprocessing as RegressionPreprocessingParams).scale_target);
  const { matrix, width } = encodeFeatures(raw, encodings);

  const head: Head = classification
    ? { kind: spec.params.network.output_activation, classes: classTarget!.labels.length }
    : { kind: 'regression', activation: (spec.params.network as { output_activation: 'linear' | 'relu' | 'softplus' }).output_activation };
  const yWidth = headUnits(head);
  const sampleShape = lstm ? [lstm.window, width] : [width];

  const samples = (indices: Int32Array): FitSamples => {
    const x = lstm
      ? gatherWindows(matrix, width, series!, windowsOf!, lstm.window, indices)
      : gatherRows(matrix, width, indices.map((i) => sampleRows[i]));
    const y = new Float32Array(indices.length * yWidth);
    indices.forEach((sample, k) => {
      const row = sampleRows[sample];
      if (classIndex) {
        if (yWidth === 1) y[k] = classIndex[row];
        else y[k * yWidth + classIndex[row]] = 1;
      } else {
        const t = targetEncoding as TargetEncoding & { kind: 'numeric' };
        y[k] = (numeric!.values[row] - t.center) / t.scale;
      }
    });
    return { x, y, count: indices.length };
  };
  const train = samples(trainSamples);
  const validation = validationSamples.length > 0 ? samples(validationSamples) : undefined;

  let classCounts: { training: number[]; validation: number[] } | undefined;
  if (classIndex && classTarget) {
    const count = (indices: Int32Array) => {
      const counts = new Array<number>(classTarget!.labels.length).fill(0);
      indices.forEach((i) => counts[classIndex![sampleRows[i]]]++);
      return counts;
    };
    classCounts = { training: count(trainSamples), validation: count(validationSamples) };
    const show = (c: number[]) => classTarget!.labels.map((l, i) => `${String(l)} ${c[i]}`).join(', ');
    hooks.log?.(`classes in training: ${show(classCounts.training)}; in validation: ${show(classCounts.validation)}`);
    const weights = classWeights(spec.kind === 'dnn_classifier' ? spec.params.training.class_weights : 'none', classTarget.labels, classCounts.training);
    if (weights) train.weights = Float32Array.from(trainSamples, (i) => weights[classIndex![sampleRows[i]]]);
  }

  const preprocessing: ModelPreprocessing = {
    version: 1,
    kind: spec.kind,
    missing: p.preprocessing.missing,
    standardize: p.preprocessing.standardize,
    features: encodings,
    inputNames: inputNames(encodings),
    target: targetEncoding,
    head,
    ...(window ? { window } : {}),
    ...(numeric ? { targetMean: mean(trainSamples, (i) => numeric!.values[sampleRows[i]]) } : {}),
  };

  const net = p.network;
  const model = buildNetwork({
    inputShape: sampleShape,
    hiddenUnits: net.hidden_units,
    activation: net.activation,
    dropout: net.dropout,
    lstm: lstm ? { units: lstm.network.lstm_units, layers: lstm.network.lstm_layers } : undefined,
    head,
  }, p.training);
  try {
    const fit = await (hooks.fit ?? fitModel)(model, train, validation, {
      sampleShape, yWidth, head,
      optimizer: p.training.optimizer,
      learningRate: p.training.learning_rate,
      epochs: p.training.epochs,
      batchSize: p.training.batch_size,
      seed: p.training.seed,
      earlyStopping: p.training.early_stopping,
      targetScale: targetEncoding.kind === 'numeric' ? targetEncoding.scale : 1,
      backend: backend.name,
      onProgress: hooks.onProgress,
      stopRequested: hooks.stopRequested,
      ...(hooks.checkpoint ? { onCheckpoint: checkpointTo(hooks.checkpoint, preprocessing) } : {}),
    });
    if (fit.stoppedOnRequest) hooks.log?.(`stopped on request after epoch ${fit.epochsRun}; kept the weights of epoch ${fit.keptEpoch}`);
    else if (fit.stoppedEarly) hooks.log?.(`early stopping after epoch ${fit.epochsRun}; kept the weights of epoch ${fit.keptEpoch}`);

    const evaluated = validation ?? train;
    const evaluatedIdx = validation ? validationSamples : trainSamples;
    const evaluatedOn = validation
      ? `the validation split (${evaluated.count} ${lstm ? 'windows' : 'rows'}${lstm ? ', the latest' : ''})`
      : `the training data (${evaluated.count} ${lstm ? 'windows' : 'rows'}; no validation split, so this flatters the model)`;
    const outputs = runModel(model, evaluated.x, sampleShape, evaluated.count);
    let metrics: ModelMetrics;
    if (classIndex && classTarget) {
      const actual = Int32Array.from(evaluatedIdx, (i) => classIndex![sampleRows[i]]);
      metrics = classificationMetrics(actual, toProbabilities(head, outputs, evaluated.count), classTarget.labels, evaluatedOn);
    } else {
      const actual = Float64Array.from(evaluatedIdx, (i) => numeric!.values[sampleRows[i]]);
      const persistence = lstm ? Float64Array.from(evaluatedIdx, (i) => numeric!.values[windowsOf!.lastRows[i]]) : undefined;
      metrics = regressionMetrics(actual, toTargetUnits(preprocessing, outputs), preprocessing.targetMean!, evaluatedOn, persistence);
    }
    return {
      model, preprocessing, metrics, fit, backend, warnings,
      split: { training: trainSamples.length, validation: validationSamples.length, ...(classCounts ? { classCounts } : {}) },
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function mean(indices: Int32Array, value: (i: number) => number): number {
  let sum = 0;
  indices.forEach((i) => { sum += value(i); });
  return sum / indices.length;
}

function requireSamples(count: number, what: string): void {
  if (count < MIN_TRAINING_SAMPLES) {
    throw new FlowbookError(
      'TooFewRows',
      `need at least ${MIN_TRAINING_SAMPLES} ${what} to train, got ${count}`,
      'give the node more rows, or check upstream filters and the missing-value policy',
      { rows: count },
    );
  }
}

/** The latest `fraction` of each series' windows validate; the earlier ones train (no look-ahead). */
function chronologicalSplit(starts: Int32Array, bounds: number[], fraction: number): [Int32Array, Int32Array] {
  const train: number[] = [], validation: number[] = [];
  let w = 0;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const first = w;
    while (w < starts.length && starts[w] < bounds[s + 1]) w++;
    const count = w - first;
    const held = Math.min(count - 1, Math.round(count * fraction));
    for (let i = first; i < w; i++) (i >= w - held ? validation : train).push(i);
  }
  return [Int32Array.from(train), Int32Array.from(validation)];
}

function rowsOfWindows(series: ReturnType<typeof seriesOf>, windows: ReturnType<typeof buildWindows>, picked: Int32Array, size: number): Int32Array {
  const rows = new Set<number>();
  picked.forEach((i) => { for (let t = 0; t < size; t++) rows.add(series.rows[windows.starts[i] + t]); });
  return Int32Array.from([...rows].sort((a, b) => a - b));
}

function gatherRows(matrix: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(matrix.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** Per-class loss weights: balanced = n / (K · count), or the user's mapping by label (others 1). */
function classWeights(setting: ClassWeights, labels: Label[], counts: number[]): number[] | undefined {
  if (setting === 'none') return undefined;
  if (setting === 'balanced') {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (c > 0 ? total / (labels.length * c) : 0));
  }
  const known = new Set(labels.map(String));
  for (const key of Object.keys(setting)) {
    if (!known.has(key)) {
      throw new FlowbookError(
        'InvalidParameter',
        `training.class_weights names class ${JSON.stringify(key)}, which is not in the target`,
        `use the target's classes: ${labels.map(String).join(', ')}`,
        { field: 'training.class_weights', value: key },
      );
    }
  }
  return labels.map((l) => setting[String(l)] ?? 1);
}

function checkpointTo(hook: (checkpoint: ModelCheckpoint) => void, preprocessing: ModelPreprocessing): (model: tf.LayersModel, epoch: number) => Promise<void> {
  return async (model, epoch) => hook({ files: await modelToFiles(model), preprocessing, epoch, step: epoch });
}

/** Says how many rows training leaves out for a missing target or feature, so no row goes silently. */
function leftOutRows(n: number, targetOk: Uint8Array, inputsOk: Uint8Array): string | undefined {
  let noTarget = 0;
  let noFeature = 0;
  for (let r = 0; r < n; r++) {
    if (!targetOk[r]) noTarget++;
    else if (!inputsOk[r]) noFeature++;
  }
  if (noTarget + noFeature === 0) return undefined;
  const parts = [
    ...(noTarget ? [`${noTarget} without a target`] : []),
    ...(noFeature ? [`${noFeature} with a missing feature (preprocessing.missing: drop; \`mean\` fills them in instead)`] : []),
  ];
  return `${noTarget + noFeature} of ${n} input rows were left out of training: ${parts.join(', ')}`;
}
