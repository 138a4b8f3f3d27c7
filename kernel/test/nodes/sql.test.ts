import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { sqlKind } from '../../src/nodes/sql';
import { runContext } from './fakes';

describe('%%sql', () => {
  it('reads its body as the query and refuses an empty one', () => {
    expect(sqlKind.paramsFromBody('\nSELECT 1\n')).toEqual({ query: 'SELECT 1' });
    expect(sqlKind.validate(sqlKind.paramsFromBody('  \n')).ok).toBe(false);
  });

  it('joins several upstream tables by their node ids', async () => {
    const cars = arrow.tableFromArrays({ id: Int32Array.from([1, 2, 3]), origin: ['USA', 'Japan', 'USA'] });
    const names = arrow.tableFromArrays({ origin: ['USA', 'Japan'], label: ['United States', '日本'] });
    const result = await sqlKind.run(runContext({ query: 'SELECT id, label FROM cars JOIN names USING (origin) ORDER BY id' }, { cars, names }));
    expect(result.tables.out!.toArray().map((r) => r.toJSON())).toEqual([
      { id: 1, label: 'United States' },
      { id: 2, label: '日本' },
      { id: 3, label: 'United States' },
    ]);
  });

  it("names DuckDB's complaint and the tables in scope when a table is unknown", async () => {
    const cars = arrow.tableFromArrays({ id: Int32Array.from([1]) });
    await expect(sqlKind.run(runContext({ query: 'SELECT * FROM carz' }, { cars }))).rejects.toMatchObject({
      message: expect.stringContaining('carz'),
      hint: expect.stringContaining('cars'),
    });
  });

  it('C1: a GBK file read with DuckDB\'s own read_csv is pointed to a %%source node, which decodes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-sql-'));
    const file = join(dir, 'gbk.csv');
    writeFileSync(file, Buffer.from('b3c7cad02ccffacadbb6ee0d0ab1b1bea92c313230300d0a', 'hex'));
    await expect(sqlKind.run(runContext({ query: `SELECT * FROM read_csv('${file}')` }, {}))).rejects.toMatchObject({
      hint: expect.stringContaining('the file is not UTF-8 (GB18030/GBK or UTF-16, as Excel writes them): read it with a %%source node'),
    });
  });
});
