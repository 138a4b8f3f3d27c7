import * as arrow from 'apache-arrow';
import { splitKind, takeRows } from '../../src/nodes/split';
import type { SplitParams } from '../../src/nodes/split';
import { runContext } from './fakes';

function params(raw: unknown): SplitParams {
  const checked = splitKind.validate(raw);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.params;
}

const hundred = arrow.tableFromArrays({
  id: Int32Array.from({ length: 100 }, (_, i) => i),
  label: Array.from({ length: 100 }, (_, i) => (i < 80 ? 'a' : 'b')),
  day: Float64Array.from({ length: 100 }, (_, i) => 1000 - i),
});

function ids(table: arrow.Table): number[] {
  return Array.from(table.getChild('id')!, (v) => Number(v));
}

describe('%%split', () => {
  it('fills defaults: a random 80/20 split with seed 42', () => {
    expect(params({})).toEqual({ method: 'random', test_ratio: 0.2, seed: 42 });
  });

  it('names a wrong method and lists the allowed ones', () => {
    const checked = splitKind.validate({ method: 'shuffle' });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors[0]).toMatchObject({ field: 'method', value: 'shuffle', allowed: ['random', 'stratified', 'chronological'] });
  });

  it('refuses a ratio outside (0, 1), an unknown field, and stratified without a column', () => {
    for (const raw of [{ test_ratio: 1 }, { test_ratio: 0 }, { ratio: 0.3 }, { method: 'stratified' }]) {
      expect(splitKind.validate(raw).ok).toBe(false);
    }
  });

  it('splits randomly with the seed: same seed same parts, rows in = rows out', async () => {
    const first = await splitKind.run(runContext(params({ seed: 7 }), { data: hundred }));
    const again = await splitKind.run(runContext(params({ seed: 7 }), { data: hundred }));
    const other = await splitKind.run(runContext(params({ seed: 8 }), { data: hundred }));
    expect(first.tables.test!.numRows).toBe(20);
    expect(first.tables.train!.numRows).toBe(80);
    expect(ids(first.tables.test!)).toEqual(ids(again.tables.test!));
    expect(ids(first.tables.test!)).not.toEqual(ids(other.tables.test!));
    expect([...ids(first.tables.train!), ...ids(first.tables.test!)].sort((a, b) => a - b)).toEqual(ids(hundred));
  });

  it('keeps class shares in a stratified split and reports the balance', async () => {
    const result = await splitKind.run(runContext(params({ method: 'stratified', column: 'label', test_ratio: 0.25 }), { data: hundred }));
    expect(result.summary).toMatchObject({ rows: { train: 75, test: 25 }, balance: { column: 'label', train: { a: 60, b: 15 }, test: { a: 20, b: 5 } } });
  });

  it('puts the latest rows in the test part of a chronological split', async () => {
    const result = await splitKind.run(runContext(params({ method: 'chronological', order_by: 'day', test_ratio: 0.1 }), { data: hundred }));
    // day falls as id grows, so the latest days are ids 0..9.
    expect(ids(result.tables.test!).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('names a missing column with the available ones', async () => {
    await expect(splitKind.run(runContext(params({ method: 'stratified', column: 'Label' }), { data: hundred }))).rejects.toThrow(
      'the split names column `Label`, which the input does not have',
    );
  });

  it('A1: a null in an int column stays null through a split, never 0', () => {
    const table = arrow.tableFromArrays({ n: arrow.vectorFromArray([1, null, 3], new arrow.Int32()), s: ['x', null, 'z'] });
    const taken = takeRows(table, [1, 2]);
    expect(taken.getChild('n')!.get(0)).toBeNull();
    expect(taken.getChild('n')!.nullCount).toBe(1);
    expect(taken.getChild('s')!.get(0)).toBeNull();
    expect(taken.schema.fields.map((f) => String(f.type))).toEqual(table.schema.fields.map((f) => String(f.type)));
  });

  it('takes rows of dictionary, timestamp and int64 columns with their types', () => {
    const table = arrow.tableFromArrays({
      city: arrow.vectorFromArray(['北京', '上海', '北京'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      at: arrow.vectorFromArray([new Date(0), null, new Date(2000)], new arrow.TimestampMillisecond()),
      big: arrow.vectorFromArray([1n, 2n, null], new arrow.Int64()),
    });
    const taken = takeRows(table, [2, 1]);
    expect(taken.toArray().map((r) => r.toJSON())).toEqual([
      { city: '北京', at: 2000, big: null },
      { city: '上海', at: null, big: 2n },
    ]);
    expect(takeRows(table, []).numRows).toBe(0);
  });
});
