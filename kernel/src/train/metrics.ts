import type { Label } from './preprocess';

export interface ClassMetrics {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  /** Which rows these numbers describe, e.g. "validation split (68 rows)". */
  evaluatedOn: string;
  rows: number;
  accuracy: number;
  /** Accuracy of always predicting the most frequent class: what "95% accuracy" must beat (T3). */
  majorityBaseline: number;
  majorityClass: Label;
  logLoss: number;
  /** Only for two classes. */
  rocAuc?: number;
  perClass: ClassMetrics[];
  labels: Label[];
  /** confusion[actual][predicted] */
  confusion: number[][];
}

export interface RegressionMetrics {
  task: 'regression';
  evaluatedOn: string;
  rows: number;
  mae: number;
  rmse: number;
  r2: number;
  /** Mean absolute percentage error over rows whose actual value is not 0; NaN when all are 0. */
  mape: number;
  /** Predicting the training mean for every row. */
  meanBaseline: { mae: number; rmse: number; r2: number };
  /** Forecasts only: predicting the value at the window's last row (yesterday's value). */
  persistenceBaseline?: { mae: number; rmse: number };
}

export type ModelMetrics = ClassificationMetrics | RegressionMetrics;

/** `probabilities` is rows × classes; `actual` holds class indices 0..K−1. */
export function classificationMetrics(actual: Int32Array, probabilities: Float32Array, labels: Label[], evaluatedOn: string): ClassificationMetrics {
  const k = labels.length;
  const n = actual.length;
  const confusion = labels.map(() => new Array<number>(k).fill(0));
  let logLoss = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[r * k + c] > probabilities[r * k + best]) best = c;
    confusion[actual[r]][best]++;
    logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probabilities[r * k + actual[r]])));
  }
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  const majority = support.indexOf(Math.max(...support));
  const perClass = labels.map((label, c): ClassMetrics => {
    const predicted = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = predicted > 0 ? confusion[c][c] / predicted : 0;
    const recall = support[c] > 0 ? confusion[c][c] / support[c] : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: support[c] };
  });
  const metrics: ClassificationMetrics = {
    task: 'classification', evaluatedOn, rows: n,
    accuracy: n > 0 ? correct / n : NaN,
    majorityBaseline: n > 0 ? support[majority] / n : NaN,
    majorityClass: labels[majority],
    logLoss: n > 0 ? logLoss / n : NaN,
    perClass, labels, confusion,
  };
  if (k === 2) metrics.rocAuc = rocAuc(actual, Float32Array.from({ length: n }, (_, r) => probabilities[r * 2 + 1]));
  return metrics;
}

/** Area under the ROC curve by the rank statistic (ties count half). NaN when one class is absent. */
export function rocAuc(actual: Int32Array, scores: Float32Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Float64Array(order.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    for (let t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let positives = 0, rankSum = 0;
  for (let r = 0; r < actual.length; r++) if (actual[r] === 1) { positives++; rankSum += ranks[r]; }
  const negatives = actual.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function regressionMetrics(actual: Float64Array, predicted: Float64Array, trainingMean: number, evaluatedOn: string, persistence?: Float64Array): RegressionMetrics {
  const n = actual.length;
  const mean = actual.reduce((a, b) => a + b, 0) / n;
  const errors = (guess: (i: number) => number) => {
    let abs = 0, sq = 0;
    for (let i = 0; i < n; i++) { const e = guess(i) - actual[i]; abs += Math.abs(e); sq += e * e; }
    return { mae: abs / n, sse: sq, rmse: Math.sqrt(sq / n) };
  };
  let total = 0;
  for (let i = 0; i < n; i++) total += (actual[i] - mean) ** 2;
  const r2 = (sse: number) => (total > 0 ? 1 - sse / total : NaN);
  const model = errors((i) => predicted[i]);
  const baseline = errors(() => trainingMean);
  let pctSum = 0, pctCount = 0;
  for (let i = 0; i < n; i++) if (actual[i] !== 0) { pctSum += Math.abs((predicted[i] - actual[i]) / actual[i]); pctCount++; }
  const metrics: RegressionMetrics = {
    task: 'regression', evaluatedOn, rows: n,
    mae: model.mae, rmse: model.rmse, r2: r2(model.sse),
    mape: pctCount > 0 ? (100 * pctSum) / pctCount : NaN,
    meanBaseline: { mae: baseline.mae, rmse: baseline.rmse, r2: r2(baseline.sse) },
  };
  if (persistence) {
    const p = errors((i) => persistence[i]);
    metrics.persistenceBaseline = { mae: p.mae, rmse: p.rmse };
  }
  return metrics;
}
