import * as arrow from 'apache-arrow';
import { readArrowWindow } from '../../src/data/arrow-values';

const windowOf = (vector: arrow.Vector, from: number, count: number) => {
  const out: unknown[] = new Array(count);
  readArrowWindow(vector, from, count, out);
  return out;
};

describe('readArrowWindow', () => {
  const values = Array.from({ length: 30 }, (_, i) => (i % 4 === 2 ? null : i));

  it('A5: reads sliced numeric, bool and string columns by their own offsets and bitmaps', () => {
    const table = new arrow.Table({
      n: arrow.vectorFromArray(values, new arrow.Int32()),
      b: arrow.vectorFromArray(values.map((v) => (v === null ? null : v % 3 === 0)), new arrow.Bool()),
      ascii: arrow.vectorFromArray(values.map((v) => (v === null ? null : `s${v}`)), new arrow.Utf8()),
      cjk: arrow.vectorFromArray(values.map((v) => (v === null ? null : `北京${v}`)), new arrow.Utf8()),
    }).slice(5, 22);
    for (const name of ['n', 'b', 'ascii', 'cjk']) {
      const column = table.getChild(name)!;
      expect(windowOf(column, 0, column.length)).toEqual(column.toJSON());
      expect(windowOf(column, 3, 9)).toEqual(column.toJSON().slice(3, 12));
    }
  });

  it('reads windows that cross chunk boundaries, and dates through their type', () => {
    const a = new arrow.Table({ v: arrow.vectorFromArray([1, null, 3], new arrow.Float64()) });
    const b = new arrow.Table({ v: arrow.vectorFromArray([4, 5, null, 7], new arrow.Float64()) });
    const both = a.concat(b).getChild('v')!;
    expect(windowOf(both, 1, 5)).toEqual([null, 3, 4, 5, null]);
    const days = arrow.vectorFromArray([new Date('2024-01-02'), null], new arrow.DateDay());
    expect(windowOf(days, 0, 2)).toEqual([Date.UTC(2024, 0, 2), null]);
  });
});
