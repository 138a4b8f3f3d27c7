import type * as arrow from 'apache-arrow';
import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../errors';
import { headUnits, type Head } from './network';
import type { ModelKind } from './params';
import { readLabels, readNumbers } from './columns';
import { classificationMetrics, regressionMetrics, type ModelMetrics } from './metrics';
import { completeRows, encodeClasses, encodeFeatures, readColumns, rejectMissing, type Label, type PreprocessingState } from './preprocess';
import { buildWindows, gatherWindows, seriesOf, type WindowSpec } from './windows';

/** `preprocessing.json`: the fitted preprocessing plus what shapes the model's inputs and outputs. */
export interface ModelPreprocessing extends PreprocessingState {
  kind: ModelKind;
  head: Head;
  /** LSTM only: windowing is replayed exactly at prediction time. */
  window?: WindowSpec;
  /** Regression: the training target's mean, the predict-the-mean baseline when scoring new rows. */
  targetMean?: number;
}

/** Model inputs for a table: one sample per usable row (DNN) or per complete window (LSTM). */
export interface EncodedSamples {
  x: Float32Array;
  sampleShape: number[];
  count: number;
  /** The table row each sample's prediction belongs to (for an LSTM: the window's last row). */
  rows: Int32Array;
  /** The table row holding each sample's actual target (an LSTM's is `horizon` rows later; −1 beyond the data). */
  targetRows: Int32Array;
}

export function encodeSamples(table: arrow.Table, prep: ModelPreprocessing): EncodedSamples {
  const columns = prep.features.map((f) => f.column);
  const raw = readColumns(table, columns);
  const all = Int32Array.from({ length: table.numRows }, (_, i) => i);
  if (prep.missing === 'error') rejectMissing(raw, columns, all);
  const usable = prep.missing === 'mean' ? new Uint8Array(table.numRows).fill(1) : completeRows(raw, columns);
  const { matrix, width } = encodeFeatures(raw, prep.features);
  if (prep.window) {
    const series = seriesOf(table, prep.window);
    const windows = buildWindows(series, prep.window, usable, undefined, 1);
    return {
      x: gatherWindows(matrix, width, series, windows, prep.window.size),
      sampleShape: [prep.window.size, width],
      count: windows.starts.length,
      rows: windows.lastRows,
      targetRows: windows.targetRows,
    };
  }
  const rows = all.filter((r) => usable[r] === 1);
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => x.set(matrix.subarray(r * width, (r + 1) * width), i * width));
  return { x, sampleShape: [width], count: rows.length, rows, targetRows: rows };
}

/** Runs the model over samples in batches; tensors are freed batch by batch. Returns count × units. */
export function runModel(model: tf.LayersModel, x: Float32Array, sampleShape: number[], count: number, batchSize = 512): Float32Array {
  const inputWidth = sampleShape.reduce((a, b) => a * b, 1);
  const units = (model.outputs[0].shape[1] as number) ?? 1;
  const out = new Float32Array(count * units);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const values = tf.tidy(() => {
      const input = tf.tensor(x.subarray(start * inputWidth, (start + n) * inputWidth), [n, ...sampleShape]);
      return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, start * units);
  }
  return out;
}

/** Class probabilities (count × K, rows summing to 1) from the head's raw outputs. */
export function toProbabilities(head: Head, outputs: Float32Array, count: number): Float32Array {
  if (head.kind === 'regression') throw new Error('a regression head has no class probabilities');
  const k = head.classes;
  const units = headUnits(head);
  const probs = new Float32Array(count * k);
  for (let r = 0; r < count; r++) {
    if (units === 1) {
      probs[r * 2] = 1 - outputs[r];
      probs[r * 2 + 1] = outputs[r];
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += outputs[r * k + c];
    for (let c = 0; c < k; c++) probs[r * k + c] = sum > 0 ? outputs[r * k + c] / sum : 1 / k;
  }
  return probs;
}

/** Regression outputs back in the target's units. */
export function toTargetUnits(prep: ModelPreprocessing, outputs: Float32Array): Float64Array {
  if (prep.target.kind !== 'numeric') throw new Error('a classification target has no units');
  const { center, scale } = prep.target;
  return Float64Array.from(outputs, (v) => v * scale + center);
}

export interface PredictionColumn {
  name: string;
  type: 'number' | 'label';
  /** One value per input row; null where the row could not be scored (missing values, too early for a window). */
  values: (number | Label | null)[];
}

export interface TablePredictions {
  columns: PredictionColumn[];
  /** Present when the table holds the target: the model scored against it (held-out data). */
  metrics?: ModelMetrics;
}

/**
 * Prediction columns for every row of `table`: `predicted_<target>` and, for classes, one
 * `probability_<label>` per class. An LSTM's prediction on a row forecasts the target `horizon` rows
 * after it, from the window ending at that row. When the table has the target too, the predictions
 * are scored against it (`evaluatedOn` names those rows in the report).
 */
export function predictTable(model: tf.LayersModel, prep: ModelPreprocessing, table: arrow.Table, evaluatedOn: string): TablePredictions {
  checkInputColumns(table, prep);
  const samples = encodeSamples(table, prep);
  const outputs = runModel(model, samples.x, samples.sampleShape, samples.count);
  const n = table.numRows;
  const target = prep.target.column;
  const hasTarget = table.getChild(target) !== null;
  if (prep.target.kind === 'numeric') {
    const values = toTargetUnits(prep, outputs);
    const column: (number | null)[] = new Array(n).fill(null);
    samples.rows.forEach((r, i) => { column[r] = values[i]; });
    const columns: PredictionColumn[] = [{ name: `predicted_${target}`, type: 'number', values: column }];
    if (!hasTarget) return { columns };
    const actual = readNumbers(table, target);
    const scored = [...samples.targetRows.keys()].filter((i) => samples.targetRows[i] >= 0 && actual.valid[samples.targetRows[i]] === 1);
    if (scored.length === 0) return { columns };
    const persistence = prep.window && scored.every((i) => actual.valid[samples.rows[i]] === 1)
      ? Float64Array.from(scored, (i) => actual.values[samples.rows[i]])
      : undefined;
    const metrics = regressionMetrics(
      Float64Array.from(scored, (i) => actual.values[samples.targetRows[i]]),
      Float64Array.from(scored, (i) => values[i]),
      prep.targetMean ?? NaN, `${evaluatedOn} (${scored.length} ${prep.window ? 'windows' : 'rows'})`, persistence,
    );
    return { columns, metrics };
  }
  const classes = prep.target;
  const k = classes.labels.length;
  const probs = toProbabilities(prep.head, outputs, samples.count);
  const predicted: (Label | null)[] = new Array(n).fill(null);
  const perClass = classes.labels.map(() => new Array<number | null>(n).fill(null));
  samples.rows.forEach((r, i) => {
    let best = 0;
    for (let c = 0; c < k; c++) {
      perClass[c][r] = probs[i * k + c];
      if (probs[i * k + c] > probs[i * k + best]) best = c;
    }
    predicted[r] = classes.labels[best];
  });
  const columns: PredictionColumn[] = [
    { name: `predicted_${target}`, type: 'label', values: predicted },
    ...classes.labels.map((l, c): PredictionColumn => ({ name: `probability_${String(l)}`, type: 'number', values: perClass[c] })),
  ];
  if (!hasTarget) return { columns };
  const actual = encodeClasses(readLabels(table, target), classes);
  const scored = [...samples.targetRows.keys()].filter((i) => actual[samples.targetRows[i]] >= 0);
  if (scored.length === 0) return { columns };
  const metrics = classificationMetrics(
    Int32Array.from(scored, (i) => actual[samples.targetRows[i]]),
    Float32Array.from(scored.flatMap((i) => Array.from(probs.subarray(i * k, (i + 1) * k)))),
    classes.labels, `${evaluatedOn} (${scored.length} rows)`,
  );
  return { columns, metrics };
}

/** Checks that a table has what a stored model reads, before any work. */
export function checkInputColumns(table: arrow.Table, prep: ModelPreprocessing): void {
  const needed = [...prep.features.map((f) => f.column), ...(prep.window?.order ? [prep.window.order] : []), ...(prep.window?.group ? [prep.window.group] : [])];
  const missing = needed.filter((name) => !table.getChild(name));
  if (missing.length > 0) {
    throw new FlowbookError(
      'MissingModelInput',
      `the input lacks column(s) the model was trained on: ${missing.join(', ')}`,
      'score a table with the same columns as the training input',
      { missing },
    );
  }
}
