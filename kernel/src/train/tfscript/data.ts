import type * as arrow from 'apache-arrow';
import { FlowbookError } from '../../errors';
import { columnRole } from '../columns';
import type { ModelPreprocessing } from '../predict';
import { chooseFeatures, completeRows, encodeClasses, encodeFeatures, fitClasses, fitFeatures, fitNumericTarget, inputNames, readColumns, readNumericTarget } from '../preprocess';
import { SeededRandom, shuffledIndices } from '../random';
import type { TfscriptTrainingSettings } from './settings';

/** The input encoded for a tfscript job: row-major matrices for the training and held-out rows. */
export interface EncodedInput {
  x: Float32Array;
  y: Float32Array;
  width: number;
  yWidth: number;
  /** Positions (into x/y) of the training rows and of the rows held out for `evaluate`. */
  train: Int32Array;
  validation: Int32Array;
  preprocessing: ModelPreprocessing;
  /** What the job's log should warn about, e.g. an empty column left out of the default features (C4). */
  warnings: string[];
}

/**
 * Encodes the feature and label columns the way the model nodes do (the same `preprocessing.json`,
 * so `%%predict` can apply a tfscript model): scaling and vocabularies fitted on the training rows,
 * a numeric label standardized unless `standardize: none`, a class label one-hot.
 */
export function encodeInput(table: arrow.Table, settings: TfscriptTrainingSettings): EncodedInput {
  const label = settings.label;
  const { features, warnings } = chooseFeatures(table, { target: label, exclude: [label], maxCategories: 50, ...(settings.features ? { features: settings.features } : {}) });
  const raw = readColumns(table, features);
  const usable = completeRows(raw, features);
  const labelColumn = table.getChild(label);
  if (!labelColumn) {
    throw new FlowbookError('UnknownColumn', `the input has no label column \`${label}\``, `set training.label to one of: ${table.schema.fields.map((f) => f.name).join(', ')}`, { column: label });
  }
  const numericLabel = columnRole(labelColumn.type) === 'numeric';
  const numeric = numericLabel ? readNumericTarget(table, label, 'tfscript') : undefined;
  const classes = numericLabel ? undefined : fitClasses(table, label);
  const classIndex = classes ? encodeClasses(classes.labels, classes.encoding) : undefined;
  const rows = Int32Array.from({ length: table.numRows }, (_, r) => r).filter((r) => usable[r] === 1 && (numeric ? numeric.valid[r] === 1 : classIndex![r] >= 0));
  if (rows.length === 0) {
    throw new FlowbookError('NoTrainingRows', `no row of the input has every feature and the label \`${label}\``, 'check the input for missing values', { label });
  }
  const order = shuffledIndices(rows.length, new SeededRandom(settings.seed ^ 0x2545f491));
  const held = Math.round(rows.length * settings.validation_split);
  const validation = order.slice(0, held).sort();
  const train = order.slice(held).sort();
  const trainRows = Int32Array.from(train, (i) => rows[i]);
  const encodings = fitFeatures(raw, features, trainRows, { standardize: settings.standardize, missing: 'drop', max_categories: 50 });
  const { matrix, width } = encodeFeatures(raw, encodings);
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => x.set(matrix.subarray(r * width, (r + 1) * width), i * width));

  const common = { version: 1 as const, missing: 'drop' as const, standardize: settings.standardize, features: encodings, inputNames: inputNames(encodings) };
  if (numeric) {
    const target = fitNumericTarget(label, numeric.values, numeric.valid, trainRows, settings.standardize !== 'none');
    const y = Float32Array.from(rows, (r) => (numeric.values[r] - target.center) / target.scale);
    let sum = 0;
    for (const r of trainRows) sum += numeric.values[r];
    return {
      x, y, width, yWidth: 1, train, validation, warnings,
      preprocessing: { ...common, target, kind: 'dnn_regressor', head: { kind: 'regression', activation: 'linear' }, targetMean: sum / trainRows.length },
    };
  }
  const k = classes!.encoding.labels.length;
  const y = new Float32Array(rows.length * k);
  rows.forEach((r, i) => { y[i * k + classIndex![r]] = 1; });
  return {
    x, y, width, yWidth: k, train, validation, warnings,
    preprocessing: { ...common, target: classes!.encoding, kind: 'dnn_classifier', head: { kind: 'softmax', classes: k } },
  };
}
