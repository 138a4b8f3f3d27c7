import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readArrowIpc, tableToIpcFile } from '../../src/data/ipc';
import { readParquet, writeParquet } from '../../src/data/parquet';
import { runSql } from '../../src/data/sql';
import { writeFileSync } from 'node:fs';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowbook-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mixed = () =>
  new arrow.Table({
    i: arrow.vectorFromArray([1, null, -3], new arrow.Int32()),
    f: arrow.vectorFromArray([1.5, 2.25, null], new arrow.Float64()),
    b: arrow.vectorFromArray([true, null, false], new arrow.Bool()),
    s: arrow.vectorFromArray(['北京', null, 'a"b\'c'], new arrow.Utf8()),
    d: arrow.vectorFromArray([new Date('2024-01-31'), null, new Date('1969-12-31')], new arrow.DateDay()),
    t: arrow.vectorFromArray([new Date('2024-01-31T12:34:56.789Z'), null, new Date(0)], new arrow.TimestampMillisecond()),
  });

describe('Parquet through DuckDB', () => {
  it('round-trips ints, floats, bools, strings, dates, timestamps and nulls with their types', async () => {
    const file = join(dir, 'mixed.parquet');
    await writeParquet(mixed(), file);
    const back = await readParquet(file);
    expect(back.schema.fields.map((f) => String(f.type))).toEqual(['Int32', 'Float64', 'Bool', 'Utf8', 'Date32<DAY>', 'Timestamp<MILLISECOND>']);
    expect(back.toArray().map((r) => r.toJSON())).toEqual(mixed().toArray().map((r) => r.toJSON()));
  });

  it('round-trips 5,000 rows across DuckDB chunks with nulls in every column', async () => {
    const n = 5000;
    const pick = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : f(i)));
    const table = new arrow.Table({
      i: arrow.vectorFromArray(pick((i) => i - 2500), new arrow.Int32()),
      f: arrow.vectorFromArray(pick((i) => i / 3), new arrow.Float64()),
      b: arrow.vectorFromArray(pick((i) => i % 2 === 0), new arrow.Bool()),
      s: arrow.vectorFromArray(pick((i) => (i % 5 ? `row ${i}` : `行 ${i} <b>`)), new arrow.Utf8()),
      d: arrow.vectorFromArray(pick((i) => new Date(Date.UTC(2000, 0, 1 + i))), new arrow.DateDay()),
    });
    const file = join(dir, 'many.parquet');
    await writeParquet(table.slice(1, n), file);
    const back = await readParquet(file);
    expect(back.numRows).toBe(n - 1);
    for (const name of ['i', 'f', 'b', 's', 'd']) expect(back.getChild(name)!.toJSON()).toEqual(table.getChild(name)!.toJSON().slice(1));
  });

  it('A4: dictionary columns that change between batches are written as their values', async () => {
    const dict = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const b1 = new arrow.Table({ city: arrow.vectorFromArray(['北京'], dict()) });
    const b2 = new arrow.Table({ city: arrow.vectorFromArray(['北京', '上海'], dict()) });
    const t = b1.concat(b2);
    expect(() => arrow.tableToIPC(t, 'file')).toThrow(/replacement dictionaries/); // the trap
    const file = join(dir, 'dict.parquet');
    await writeParquet(t, file);
    expect((await readParquet(file)).getChild('city')!.toJSON()).toEqual(['北京', '北京', '上海']);
    const ipc = join(dir, 'dict.arrow');
    writeFileSync(ipc, tableToIpcFile(t));
    expect((await readArrowIpc(ipc)).getChild('city')!.toJSON()).toEqual(['北京', '北京', '上海']);
    const stream = arrow.tableFromIPC(arrow.tableToIPC(t, 'stream'));
    expect(stream.getChild('city')!.toJSON()).toEqual(['北京', '北京', '上海']);
  });

  it('A2: Int64 columns come back as exact numbers', async () => {
    const file = join(dir, 'int64.parquet');
    await writeParquet(new arrow.Table({ n: arrow.vectorFromArray([2n ** 53n - 1n, null], new arrow.Int64()) }), file);
    const back = await readParquet(file);
    expect(String(back.schema.fields[0].type)).toBe('Float64');
    expect(back.getChild('n')!.toJSON()).toEqual([2 ** 53 - 1, null]);
  });
});

describe('runSql', () => {
  const cars = new arrow.Table({
    name: arrow.vectorFromArray(['a', 'b', 'c'], new arrow.Utf8()),
    hp: arrow.vectorFromArray([100, null, 150], new arrow.Float64()),
  });
  const origin = new arrow.Table({
    name: arrow.vectorFromArray(['a', 'c'], new arrow.Utf8()),
    country: arrow.vectorFromArray(['中国', 'US'], new arrow.Utf8()),
  });

  it('joins several inputs named by node id', async () => {
    const t = await runSql('SELECT cars.name, hp, country FROM cars JOIN origin USING (name) ORDER BY name', { cars, origin });
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { name: 'a', hp: 100, country: '中国' },
      { name: 'c', hp: 150, country: 'US' },
    ]);
  });

  it('keeps every column when the query repeats an output name', async () => {
    const t = await runSql('SELECT cars.name, origin.name, country FROM cars JOIN origin USING (name) ORDER BY 1', { cars, origin });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['name', 'name_2', 'country']);
    expect(t.numCols).toBe(3);
  });

  it('A2: count(*) and sums come back as numbers, not BigInts', async () => {
    const t = await runSql('SELECT count(*) AS n, sum(CAST(hp AS BIGINT)) AS s FROM cars', { cars });
    expect(t.get(0)!.toJSON()).toEqual({ n: 3, s: 250 });
    expect(typeof t.getChild('n')!.get(0)).toBe('number');
  });

  it('A2: a BIGINT beyond 2^53 is an error naming the column and value', async () => {
    await expect(runSql('SELECT 9007199254740993::BIGINT AS id', {})).rejects.toThrow(/`id` holds 9007199254740993/);
  });

  it('reports DuckDB\'s message with the offending SQL line', async () => {
    const query = 'SELECT name\nFROM cars\nWHERE horsepower > 100';
    await expect(runSql(query, { cars })).rejects.toMatchObject({
      kind: 'SqlError',
      message: expect.stringMatching(/horsepower[\s\S]*SQL line 3: WHERE horsepower > 100/),
    });
    await expect(runSql('SELECT * FROM trucks', { cars })).rejects.toMatchObject({ hint: expect.stringContaining('cars') });
  });
});
