import * as arrow from 'apache-arrow';
import { FlowbookError } from '../../src/errors';
import { columnToFloat64, stringifyJson, toArrowTable } from '../../src/data/convert';

describe('toArrowTable', () => {
  it('builds a table from row objects, keeping nulls and columns first seen late', () => {
    const t = toArrowTable([{ a: 1, b: 'x' }, { a: null, c: true }]);
    expect(t.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([['a', 'Float64'], ['b', 'Utf8'], ['c', 'Bool']]);
    expect(t.toArray().map((r) => r.toJSON())).toEqual([{ a: 1, b: 'x', c: null }, { a: null, b: null, c: true }]);
  });

  it('builds a table from an object of columns, typed arrays and vectors included', () => {
    const t = toArrowTable({ x: new Float32Array([1.5, 2]), y: ['a', 'b'], z: arrow.vectorFromArray([1, 2], new arrow.Int32()) });
    expect(t.numRows).toBe(2);
    expect(String(t.schema.fields[0].type)).toBe('Float32');
  });

  it('A2: exact BigInts become numbers and too-large ones are an error naming the column and value', () => {
    const t = toArrowTable({ n: [1234n, null, -5n] });
    expect(String(t.schema.fields[0].type)).toBe('Float64');
    expect(t.getChild('n')!.toJSON()).toEqual([1234, null, -5]);
    expect(() => toArrowTable([{ id: 2n ** 60n }])).toThrow(/`id` holds 1152921504606846976/);
    const int64 = new arrow.Table({ k: arrow.vectorFromArray([1n, 2n ** 53n - 1n], new arrow.Int64()) });
    expect(toArrowTable(int64).getChild('k')!.toJSON()).toEqual([1, 2 ** 53 - 1]);
  });

  it('A2: a BigInt-safe JSON stringify keeps exact values as numbers and large ones as strings', () => {
    expect(stringifyJson({ n: 1234n, big: 2n ** 64n })).toBe('{"n":1234,"big":"18446744073709551616"}');
  });

  it('refuses columns that mix kinds or have different lengths', () => {
    expect(() => toArrowTable({ a: [1, 'x'] })).toThrow(FlowbookError);
    expect(() => toArrowTable({ a: [1, 2], b: [1] })).toThrow(/has 1 values/);
    expect(() => toArrowTable(42)).toThrow(/expected a table/);
  });
});

describe('columnToFloat64', () => {
  it('A1: a null reads as invalid, never as 0', () => {
    const y = arrow.vectorFromArray([1, null, 3], new arrow.Int32());
    expect(Array.from(y.toArray())).toEqual([1, 0, 3]); // the trap this guards against
    const { values, valid } = columnToFloat64(y);
    expect(Array.from(valid)).toEqual([1, 0, 1]);
    expect([values[0], values[2]]).toEqual([1, 3]);
  });

  it('A5: sliced vectors read their own window of values and of the null bitmap', () => {
    const source = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? null : i));
    const sliced = new arrow.Table({ v: arrow.vectorFromArray(source, new arrow.Float64()) }).slice(5, 14).getChild('v')!;
    const { values, valid } = columnToFloat64(sliced);
    expect(values.length).toBe(9);
    const read = Array.from(values, (v, i) => (valid[i] ? v : null));
    expect(read).toEqual(source.slice(5, 14));
  });

  it('A5: chunked columns after an IPC round trip keep their lengths', () => {
    const a = new arrow.Table({ v: arrow.vectorFromArray([1, null, 3], new arrow.Int32()) });
    const b = new arrow.Table({ v: arrow.vectorFromArray([null, 5], new arrow.Int32()) });
    const back = arrow.tableFromIPC(arrow.tableToIPC(a.concat(b), 'stream'));
    const { values, valid } = columnToFloat64(back.getChild('v')!);
    expect(Array.from(values, (v, i) => (valid[i] ? v : null))).toEqual([1, null, 3, null, 5]);
  });

  it('reads Int64, bool and date columns; text columns are an error naming the column', () => {
    expect(Array.from(columnToFloat64(arrow.vectorFromArray([7n, null], new arrow.Int64())).values)).toEqual([7, 0]);
    expect(Array.from(columnToFloat64(arrow.vectorFromArray([true, false])).values)).toEqual([1, 0]);
    expect(() => columnToFloat64(arrow.vectorFromArray(['a']), 'city')).toThrow(/`city`/);
  });
});
