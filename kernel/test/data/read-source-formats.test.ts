import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { columnToFloat64 } from '../../src/data/convert';
import { tableToIpcFile } from '../../src/data/ipc';
import { writeParquet } from '../../src/data/parquet';
import { readSource, sourceIdentity, sourceToParquet } from '../../src/data/read-source';
import { runSql } from '../../src/data/sql';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowbook-src-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const ctx = () => ({ baseDir: dir });
const rowsOf = (t: arrow.Table) => t.toArray().map((r) => r.toJSON());

function sample(n: number): arrow.Table {
  return new arrow.Table({
    s: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 3 ? null : `v${i}`)), new arrow.Utf8()),
    x: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 4 === 1 ? null : i * 1.5)), new arrow.Float64()),
    k: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 3 === 2 ? null : i)), new arrow.Int32()),
  });
}

describe('Arrow IPC sources (A5)', () => {
  for (const n of [0, 1, 7, 8, 9, 513]) {
    it(`A5: ${n} rows round-trip through an IPC file with exact lengths, values and nulls, and DuckDB agrees`, async () => {
      const original = sample(n);
      writeFileSync(join(dir, 't.arrow'), tableToIpcFile(original));
      const { table } = await readSource('t.arrow', {}, ctx());
      expect(table.numRows).toBe(n);
      expect(rowsOf(table)).toEqual(rowsOf(original));
      const { values, valid } = columnToFloat64(table.getChild('x')!);
      expect(Array.from(values, (v, i) => (valid[i] ? v : null))).toEqual(original.getChild('x')!.toJSON());
      const counted = await runSql('SELECT count(*) AS n, count(s) AS s, count(x) AS x, count(k) AS k, coalesce(sum(length(s)), 0) AS chars FROM t', { t: table });
      const expected = (name: string) => original.getChild(name)!.toJSON().filter((v) => v !== null).length;
      const chars = (original.getChild('s')!.toJSON() as (string | null)[]).reduce((sum, v) => sum + (v?.length ?? 0), 0);
      expect(counted.get(0)!.toJSON()).toEqual({ n, s: expected('s'), x: expected('x'), k: expected('k'), chars });
    });
  }

  it('A5: sliced tables write and read back only their window', async () => {
    const sliced = sample(40).slice(9, 30);
    writeFileSync(join(dir, 'sliced.arrow'), tableToIpcFile(sliced));
    const { table } = await readSource('sliced.arrow', {}, ctx());
    expect(rowsOf(table)).toEqual(rowsOf(sliced));
    await writeParquet(sliced, join(dir, 'sliced.parquet'));
    expect(rowsOf((await readSource('sliced.parquet', {}, ctx())).table)).toEqual(rowsOf(sliced));
  });

  it('A4: an IPC stream with a replacement dictionary per batch reads each batch with its own dictionary', async () => {
    const dict = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const t = new arrow.Table({ city: arrow.vectorFromArray(['北京'], dict()) }).concat(new arrow.Table({ city: arrow.vectorFromArray(['上海', '北京'], dict()) }));
    writeFileSync(join(dir, 'cities.arrows'), arrow.tableToIPC(t, 'stream'));
    const { table } = await readSource('cities.arrows', {}, ctx());
    expect(table.getChild('city')!.toJSON()).toEqual(['北京', '上海', '北京']);
    expect(String(table.schema.fields[0].type)).toBe('Utf8');
  });
});

describe('JSON, NDJSON and Parquet sources', () => {
  it('reads a JSON array of records and NDJSON, with nulls and late columns', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ a: 1, b: '甲' }, { a: null, c: true }]));
    writeFileSync(join(dir, 'a.ndjson'), '{"a":1,"b":"甲"}\r\n\n{"a":null,"c":true}\n');
    const expected = [{ a: 1, b: '甲', c: null }, { a: null, b: null, c: true }];
    expect(rowsOf((await readSource('a.json', {}, ctx())).table)).toEqual(expected);
    expect(rowsOf((await readSource('a.ndjson', {}, ctx())).table)).toEqual(expected);
  });

  it('names the file and line of bad JSON, and refuses a JSON object that is not records', async () => {
    writeFileSync(join(dir, 'bad.ndjson'), '{"a":1}\n{"a":\n');
    await expect(readSource('bad.ndjson', {}, ctx())).rejects.toMatchObject({ kind: 'JsonSyntaxError', message: expect.stringContaining('line 2') });
    writeFileSync(join(dir, 'obj.json'), '{"a":[1]}');
    await expect(readSource('obj.json', {}, ctx())).rejects.toMatchObject({ kind: 'JsonShapeError' });
  });

  it('reads a folder of Parquet part files as one table', async () => {
    mkdirSync(join(dir, 'pq'));
    await writeParquet(sample(3), join(dir, 'pq', 'part-0.parquet'));
    await writeParquet(sample(2), join(dir, 'pq', 'part-1.parquet'));
    expect((await readSource('pq', {}, ctx())).table.numRows).toBe(5);
  });

  it('a missing file is an error naming the absolute path it tried', async () => {
    await expect(readSource('data/none.csv', {}, ctx())).rejects.toMatchObject({ kind: 'SourceNotFound', message: `no file or folder at ${join(dir, 'data/none.csv')}` });
    writeFileSync(join(dir, 'x.bin'), 'a');
    await expect(readSource('x.bin', {}, ctx())).rejects.toMatchObject({ kind: 'UnknownSourceFormat', hint: expect.stringContaining('format:') });
  });
});

describe('sourceToParquet', () => {
  it('stores a CSV as Parquet inside DuckDB with the same types and rows as readSource', async () => {
    writeFileSync(join(dir, 'c.csv'), 'code,n,when\n007,1.5,2024-01-01\n12,NA,2024-01-02\n');
    const { rows, warnings } = await sourceToParquet('c.csv', {}, ctx(), join(dir, 'c.parquet'));
    expect(rows).toBe(2);
    expect(warnings).toEqual([]);
    const stored = (await readSource('c.parquet', {}, ctx())).table;
    expect(rowsOf(stored)).toEqual(rowsOf((await readSource('c.csv', {}, ctx())).table));
    expect(stored.getChild('code')!.toJSON()).toEqual(['007', '12']);
  });
});

describe('sourceToParquet for other formats', () => {
  it('stores a folder of Parquet parts as one file and JSON through Arrow, rows kept', async () => {
    mkdirSync(join(dir, 'pq'));
    await writeParquet(sample(3), join(dir, 'pq', 'part-0.parquet'));
    await writeParquet(sample(9), join(dir, 'pq', 'part-1.parquet'));
    expect((await sourceToParquet('pq', {}, ctx(), join(dir, 'all.parquet'))).rows).toBe(12);
    expect((await readSource('all.parquet', {}, ctx())).table.numRows).toBe(12);
    writeFileSync(join(dir, 'r.json'), JSON.stringify([{ a: 1 }, { a: null }]));
    expect((await sourceToParquet('r.json', {}, ctx(), join(dir, 'r.parquet'))).rows).toBe(2);
    expect(rowsOf((await readSource('r.parquet', {}, ctx())).table)).toEqual([{ a: 1 }, { a: null }]);
  });

  it('a folder mixing formats is an error asking for `format:`', async () => {
    mkdirSync(join(dir, 'mixed'));
    writeFileSync(join(dir, 'mixed', 'a.csv'), 'a\n1\n');
    writeFileSync(join(dir, 'mixed', 'b.json'), '[]');
    await expect(readSource('mixed', {}, ctx())).rejects.toMatchObject({ kind: 'UnknownSourceFormat', message: expect.stringContaining('.csv, .json') });
  });
});

describe('sourceIdentity', () => {
  it('changes with the file size, mtime, part files and options, without reading data', async () => {
    mkdirSync(join(dir, 'parts'));
    writeFileSync(join(dir, 'parts', 'p1.csv'), 'a\n1\n');
    const first = await sourceIdentity('parts', {}, ctx());
    expect(await sourceIdentity('parts', {}, ctx())).toBe(first);
    expect(await sourceIdentity(join(dir, 'parts'), {}, { baseDir: '/' })).toBe(first);
    expect(await sourceIdentity('parts', { header: false }, ctx())).not.toBe(first);
    utimesSync(join(dir, 'parts', 'p1.csv'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const touched = await sourceIdentity('parts', {}, ctx());
    expect(touched).not.toBe(first);
    writeFileSync(join(dir, 'parts', 'p2.csv'), 'a\n2\n');
    expect(await sourceIdentity('parts', {}, ctx())).not.toBe(touched);
  });
});
