import type * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import { columnRole, describeType, hasAnyValue, readCategories, readLabels, readNumbers, requireColumn } from './columns';
import type { PreprocessingParams } from './params/groups';

export type Label = string | number | boolean;

/** One input column's fitted encoding. Numeric: (v − center) / scale, missing → fill. */
export type FeatureEncoding =
  | { column: string; kind: 'numeric'; center: number; scale: number; fill: number }
  | { column: string; kind: 'categorical'; vocabulary: string[] };

export type TargetEncoding =
  | { column: string; kind: 'classes'; labels: Label[] }
  | { column: string; kind: 'numeric'; center: number; scale: number };

/** Everything needed to turn new rows into model inputs exactly as in training: `preprocessing.json`. */
export interface PreprocessingState {
  version: 1;
  missing: PreprocessingParams['missing'];
  standardize: PreprocessingParams['standardize'];
  features: FeatureEncoding[];
  /** The model's input names, one per matrix column (`Origin=USA` for a one-hot slot). */
  inputNames: string[];
  target: TargetEncoding;
}

export interface FeatureChoice {
  target: string;
  /** Listed by the user; else every usable column not in `exclude`. */
  features?: string[];
  exclude: string[];
  maxCategories: number;
}

export interface ChosenFeatures {
  features: string[];
  /** Columns the default choice left out for a reason the user should hear of, for the node's warnings. */
  warnings: string[];
}

/**
 * Resolves the feature columns: the user's list (checked) or every usable column. A column without a
 * single value in the input rows is never a feature (C4): it would train on a constant fill.
 */
export function chooseFeatures(table: arrow.Table, choice: FeatureChoice): ChosenFeatures {
  // With no rows at all every column is empty; the row count check later says what is really wrong.
  const isEmpty = (name: string) => table.numRows > 0 && !hasAnyValue(table.getChild(name)!);
  if (choice.features) {
    for (const name of choice.features) {
      const role = columnRole(requireColumn(table, name, 'feature').type);
      if (isEmpty(name)) {
        throw new FlowbookError(
          'EmptyFeature',
          `feature \`${name}\` has no value in any of the ${table.numRows} input rows, so a model cannot learn from it`,
          `remove \`${name}\` from features, or fill it upstream`,
          { column: name },
        );
      }
      if (role === 'unusable' || role === 'time') {
        throw new FlowbookError(
          'UnusableFeature',
          `feature \`${name}\` is a ${describeType(table.getChild(name)!.type)} column, which a model cannot take as input`,
          `remove \`${name}\` from features, or derive a number from it in a %%sql or %%node cell`,
          { column: name },
        );
      }
    }
    return { features: choice.features, warnings: [] };
  }
  const candidates = table.schema.fields.map((f) => f.name).filter((name) => !choice.exclude.includes(name));
  const empty = candidates.filter(isEmpty);
  const chosen = candidates
    .filter((name) => !empty.includes(name))
    .filter((name) => {
      const role = columnRole(table.getChild(name)!.type);
      if (role === 'numeric') return true;
      if (role !== 'categorical') return false;
      return new Set(readCategories(table, name).filter((v) => v !== null)).size <= choice.maxCategories;
    });
  if (chosen.length === 0) {
    throw new FlowbookError(
      'NoFeatures',
      `the input has no usable feature columns besides the target \`${choice.target}\`${empty.length > 0 ? ` (empty: ${empty.map((n) => `\`${n}\``).join(', ')})` : ''}`,
      'list the input columns under `features:`; numbers, booleans and text with few distinct values can be used',
    );
  }
  const warnings = empty.map((name) => `column \`${name}\` has no value in any of the ${table.numRows} input rows, so it is left out of the features`);
  return { features: chosen, warnings };
}

/** The raw columns of a table that preprocessing reads, each read once. */
export interface RawColumns {
  rows: number;
  numeric: Map<string, { values: Float64Array; valid: Uint8Array }>;
  categorical: Map<string, (string | null)[]>;
}

export function readColumns(table: arrow.Table, features: string[]): RawColumns {
  const numeric = new Map<string, { values: Float64Array; valid: Uint8Array }>();
  const categorical = new Map<string, (string | null)[]>();
  for (const name of features) {
    if (columnRole(requireColumn(table, name, 'feature').type) === 'numeric') numeric.set(name, readNumbers(table, name));
    else categorical.set(name, readCategories(table, name));
  }
  return { rows: table.numRows, numeric, categorical };
}

/** 1 where every feature of the row is present. */
export function completeRows(raw: RawColumns, features: string[]): Uint8Array {
  const ok = new Uint8Array(raw.rows).fill(1);
  for (const name of features) {
    const num = raw.numeric.get(name);
    const cat = raw.categorical.get(name);
    for (let r = 0; r < raw.rows; r++) {
      if (num ? !num.valid[r] : cat![r] === null) ok[r] = 0;
    }
  }
  return ok;
}

/** With `missing: error`, the first missing feature value in `rows` stops training, named. */
export function rejectMissing(raw: RawColumns, features: string[], rows: ArrayLike<number>): void {
  for (const name of features) {
    const num = raw.numeric.get(name);
    const cat = raw.categorical.get(name);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (num ? !num.valid[r] : cat![r] === null) {
        throw new FlowbookError(
          'MissingValue',
          `feature \`${name}\` is missing in row ${r + 1}`,
          'set preprocessing.missing to drop (leave such rows out) or mean (fill with the training mean), or fill it upstream',
          { column: name, row: r + 1 },
        );
      }
    }
  }
}

/** Fits scaling, fill values and vocabularies on the training rows only. */
export function fitFeatures(raw: RawColumns, features: string[], trainRows: ArrayLike<number>, params: PreprocessingParams): FeatureEncoding[] {
  return features.map((column): FeatureEncoding => {
    const num = raw.numeric.get(column);
    if (!num) {
      const values = raw.categorical.get(column)!;
      const vocabulary = new Set<string>();
      for (let i = 0; i < trainRows.length; i++) {
        const v = values[trainRows[i]];
        if (v !== null) vocabulary.add(v);
      }
      return { column, kind: 'categorical', vocabulary: [...vocabulary].sort() };
    }
    const { center, scale, mean } = fitScale(num.values, num.valid, trainRows, params.standardize);
    return { column, kind: 'numeric', center, scale, fill: mean };
  });
}

function fitScale(values: Float64Array, valid: Uint8Array, rows: ArrayLike<number>, method: PreprocessingParams['standardize']) {
  let n = 0, sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!valid[r]) continue;
    n++;
    sum += values[r];
    if (values[r] < min) min = values[r];
    if (values[r] > max) max = values[r];
  }
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < rows.length; i++) if (valid[rows[i]]) squares += (values[rows[i]] - mean) ** 2;
  const std = n > 0 ? Math.sqrt(squares / n) : 0;
  // A constant column gets scale 1, so it encodes as 0 instead of 0/0 = NaN.
  if (method === 'zscore') return { center: mean, scale: std > 0 ? std : 1, mean };
  if (method === 'minmax') return { center: n > 0 ? min : 0, scale: max > min ? max - min : 1, mean };
  return { center: 0, scale: 1, mean };
}

export function inputNames(features: FeatureEncoding[]): string[] {
  return features.flatMap((f) => (f.kind === 'numeric' ? [f.column] : f.vocabulary.map((v) => `${f.column}=${v}`)));
}

/**
 * Encodes every row into a row-major Float32 matrix. A missing numeric value becomes the training mean
 * (scaled, so 0 for z-score) and an unseen or missing category an all-zero one-hot; rows with gaps are
 * marked in `complete` so the caller applies the drop policy. Never a raw 0 for a null (A1).
 */
export function encodeFeatures(raw: RawColumns, features: FeatureEncoding[]): { matrix: Float32Array; width: number } {
  const width = features.reduce((w, f) => w + (f.kind === 'numeric' ? 1 : f.vocabulary.length), 0);
  const matrix = new Float32Array(raw.rows * width);
  let offset = 0;
  for (const f of features) {
    if (f.kind === 'numeric') {
      const { values, valid } = raw.numeric.get(f.column)!;
      const fill = (f.fill - f.center) / f.scale;
      for (let r = 0; r < raw.rows; r++) matrix[r * width + offset] = valid[r] ? (values[r] - f.center) / f.scale : fill;
      offset += 1;
    } else {
      const values = raw.categorical.get(f.column)!;
      const slot = new Map(f.vocabulary.map((v, i) => [v, i]));
      for (let r = 0; r < raw.rows; r++) {
        const i = values[r] === null ? undefined : slot.get(values[r]!);
        if (i !== undefined) matrix[r * width + offset + i] = 1;
      }
      offset += f.vocabulary.length;
    }
  }
  return { matrix, width };
}

/** Reads the classification target and builds the label map (any ints, strings or booleans → 0..K−1), T3. */
export function fitClasses(table: arrow.Table, target: string): { encoding: TargetEncoding & { kind: 'classes' }; labels: (Label | null)[] } {
  const labels = readLabels(table, target);
  const distinct = new Map<string, Label>();
  for (const v of labels) {
    if (v === null) continue;
    if (typeof v === 'number' && !Number.isInteger(v)) {
      throw new FlowbookError(
        'TargetNotClasses',
        `target \`${target}\` holds fractional numbers (e.g. ${v}), not classes`,
        'use dnn_regressor to predict a number, or bin the target into classes upstream',
        { column: target, value: v },
      );
    }
    distinct.set(`${typeof v}:${String(v)}`, v);
  }
  const sorted = [...distinct.values()].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
  );
  if (sorted.length < 2) {
    throw new FlowbookError(
      'TooFewClasses',
      `target \`${target}\` has ${sorted.length === 0 ? 'no values' : `only one class (${String(sorted[0])})`}; classification needs at least 2`,
      'check the target column and the rows reaching this node',
      { column: target },
    );
  }
  if (sorted.length > 1000) {
    throw new FlowbookError(
      'TooManyClasses',
      `target \`${target}\` has ${sorted.length} distinct values, too many to be classes`,
      'use dnn_regressor to predict a number',
      { column: target },
    );
  }
  return { encoding: { column: target, kind: 'classes', labels: sorted }, labels };
}

/** Class index per row (−1 for a missing or unknown label). */
export function encodeClasses(labels: (Label | null)[], encoding: TargetEncoding & { kind: 'classes' }): Int32Array {
  const index = new Map(encoding.labels.map((l, i) => [`${typeof l}:${String(l)}`, i]));
  return Int32Array.from(labels, (v) => (v === null ? -1 : (index.get(`${typeof v}:${String(v)}`) ?? -1)));
}

/** Reads a regression target; a text target is an error in the user's terms. */
export function readNumericTarget(table: arrow.Table, target: string, kind: string): { values: Float64Array; valid: Uint8Array } {
  if (columnRole(requireColumn(table, target, 'target').type) !== 'numeric') {
    throw new FlowbookError(
      'TargetNotNumeric',
      `target \`${target}\` is a ${describeType(table.getChild(target)!.type)} column; ${kind} predicts numbers`,
      'use dnn_classifier for classes, or cast the target to a number upstream',
      { column: target },
    );
  }
  return readNumbers(table, target);
}

export function fitNumericTarget(
  target: string, values: Float64Array, valid: Uint8Array, trainRows: ArrayLike<number>, scale: boolean,
): TargetEncoding & { kind: 'numeric' } {
  if (!scale) return { column: target, kind: 'numeric', center: 0, scale: 1 };
  const fitted = fitScale(values, valid, trainRows, 'zscore');
  return { column: target, kind: 'numeric', center: fitted.center, scale: fitted.scale };
}
