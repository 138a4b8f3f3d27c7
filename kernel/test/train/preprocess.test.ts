import * as arrow from 'apache-arrow';
import { FlowbookError } from '../../src/errors';
import {
  chooseFeatures, completeRows, encodeClasses, encodeFeatures, fitClasses, fitFeatures, readColumns, readNumericTarget, rejectMissing,
} from '../../src/train/preprocess';

const zscore = { standardize: 'zscore', missing: 'mean', max_categories: 50 } as const;

describe('preprocessing', () => {
  it('A1: a null is filled by the missing-value policy, never read as 0', () => {
    const table = new arrow.Table({ x: arrow.vectorFromArray([10, null, 30], new arrow.Int32()) });
    const raw = readColumns(table, ['x']);
    expect(Array.from(completeRows(raw, ['x']))).toEqual([1, 0, 1]);
    const encodings = fitFeatures(raw, ['x'], [0, 1, 2], { ...zscore, standardize: 'none' });
    expect(encodings[0]).toMatchObject({ kind: 'numeric', fill: 20 });
    expect(Array.from(encodeFeatures(raw, encodings).matrix)).toEqual([10, 20, 30]);
    expect(() => rejectMissing(raw, ['x'], [0, 1, 2])).toThrow('feature `x` is missing in row 2');
  });

  it('A2: an int64 column reaches the model as exact numbers, not BigInts', () => {
    const table = new arrow.Table({ n: arrow.vectorFromArray([1n, 2n, 9007199254740991n], new arrow.Int64()) });
    const raw = readColumns(table, ['n']);
    const { matrix } = encodeFeatures(raw, fitFeatures(raw, ['n'], [0, 1, 2], { ...zscore, standardize: 'none' }));
    expect(Array.from(matrix)).toEqual([1, 2, Math.fround(9007199254740991)]);
    expect(typeof matrix[0]).toBe('number');
  });

  it('standardization is fitted on the training rows only', () => {
    const table = new arrow.Table({ x: arrow.vectorFromArray([1, 3, 1000], new arrow.Float64()) });
    const raw = readColumns(table, ['x']);
    const [z] = fitFeatures(raw, ['x'], [0, 1], zscore);
    expect(z).toMatchObject({ center: 2, scale: 1 });
    const [minmax] = fitFeatures(raw, ['x'], [0, 1], { ...zscore, standardize: 'minmax' });
    expect(minmax).toMatchObject({ center: 1, scale: 2 });
  });

  it('a constant column encodes as 0, never NaN', () => {
    const table = new arrow.Table({ c: arrow.vectorFromArray([5, 5, 5], new arrow.Float64()) });
    const raw = readColumns(table, ['c']);
    for (const standardize of ['zscore', 'minmax'] as const) {
      const { matrix } = encodeFeatures(raw, fitFeatures(raw, ['c'], [0, 1, 2], { ...zscore, standardize }));
      expect(Array.from(matrix)).toEqual([0, 0, 0]);
    }
  });

  it('text columns are one-hot encoded with the training vocabulary; an unseen value is all zeros', () => {
    const table = new arrow.Table({ origin: arrow.vectorFromArray(['USA', 'Japan', 'USA', 'Europe']) });
    const raw = readColumns(table, ['origin']);
    const encodings = fitFeatures(raw, ['origin'], [0, 1, 2], zscore);
    expect(encodings[0]).toEqual({ column: 'origin', kind: 'categorical', vocabulary: ['Japan', 'USA'] });
    expect(Array.from(encodeFeatures(raw, encodings).matrix)).toEqual([0, 1, 1, 0, 0, 1, 0, 0]);
  });

  it('default features: every usable column but the target; text with too many values is left out', () => {
    const table = new arrow.Table({
      y: arrow.vectorFromArray([1, 2, 3], new arrow.Float64()),
      a: arrow.vectorFromArray([1, 2, 3], new arrow.Float64()),
      name: arrow.vectorFromArray(['p', 'q', 'r']),
      kind: arrow.vectorFromArray(['u', 'u', 'v']),
    });
    expect(chooseFeatures(table, { target: 'y', exclude: ['y'], maxCategories: 2 })).toEqual({ features: ['a', 'kind'], warnings: [] });
    expect(() => chooseFeatures(table, { target: 'y', features: ['nope'], exclude: ['y'], maxCategories: 2 }))
      .toThrow('feature `nope` is not a column of the input');
  });

  it('C4: default features leave out a column with no value in any row (null, or NaN for numbers), with a warning', () => {
    const table = new arrow.Table({
      y: arrow.vectorFromArray([1, 2, 3], new arrow.Float64()),
      a: arrow.vectorFromArray([1, null, 3], new arrow.Float64()),
      text: arrow.vectorFromArray([null, null, null], new arrow.Utf8()),
      number: arrow.vectorFromArray([null, null, null], new arrow.Float64()),
      nan: arrow.vectorFromArray([NaN, NaN, NaN], new arrow.Float64()),
    });
    expect(chooseFeatures(table, { target: 'y', exclude: ['y'], maxCategories: 50 })).toEqual({
      features: ['a'],
      warnings: ['text', 'number', 'nan'].map((c) => `column \`${c}\` has no value in any of the 3 input rows, so it is left out of the features`),
    });
    const onlyEmpty = new arrow.Table({ y: table.getChild('y')!, text: table.getChild('text')! });
    expect(() => chooseFeatures(onlyEmpty, { target: 'y', exclude: ['y'], maxCategories: 50 })).toThrow('(empty: `text`)');
  });

  it('C4: an empty column listed under features is an error naming it and the fix', () => {
    const table = new arrow.Table({
      a: arrow.vectorFromArray([1, 2], new arrow.Float64()),
      text: arrow.vectorFromArray([null, null], new arrow.Utf8()),
    });
    let error: unknown;
    try {
      chooseFeatures(table, { target: 'y', features: ['a', 'text'], exclude: ['y'], maxCategories: 50 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlowbookError);
    expect(error).toMatchObject({
      kind: 'EmptyFeature',
      message: 'feature `text` has no value in any of the 2 input rows, so a model cannot learn from it',
      hint: 'remove `text` from features, or fill it upstream',
    });
  });

  it('T3: labels 1,2,3 (no 0) and string labels "猫","狗" map to 0..K−1 and the map is kept', () => {
    const ints = new arrow.Table({ y: arrow.vectorFromArray([3, 1, 2, 1], new arrow.Int32()) });
    const fittedInts = fitClasses(ints, 'y');
    expect(fittedInts.encoding.labels).toEqual([1, 2, 3]);
    expect(Array.from(encodeClasses(fittedInts.labels, fittedInts.encoding))).toEqual([2, 0, 1, 0]);
    const text = new arrow.Table({ y: arrow.vectorFromArray(['猫', '狗', '猫', null]) });
    const fittedText = fitClasses(text, 'y');
    expect(fittedText.encoding.labels).toHaveLength(2);
    expect(Array.from(encodeClasses(fittedText.labels, fittedText.encoding))).toEqual([
      fittedText.encoding.labels.indexOf('猫'), fittedText.encoding.labels.indexOf('狗'), fittedText.encoding.labels.indexOf('猫'), -1,
    ]);
  });

  it('a target of the wrong kind is a clear error', () => {
    const table = new arrow.Table({ y: arrow.vectorFromArray([1.5, 2.25]), s: arrow.vectorFromArray(['a', 'b']) });
    expect(() => fitClasses(table, 'y')).toThrow('target `y` holds fractional numbers (e.g. 1.5), not classes');
    expect(() => readNumericTarget(table, 's', 'dnn regressor')).toThrow(FlowbookError);
    expect(() => readNumericTarget(table, 's', 'dnn regressor')).toThrow('target `s` is a text column; dnn regressor predicts numbers');
    expect(() => fitClasses(new arrow.Table({ y: arrow.vectorFromArray(['only', 'only']) }), 'y')).toThrow('only one class (only)');
  });
});
