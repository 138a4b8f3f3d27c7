import * as arrow from 'apache-arrow';
import { transformKind } from '../../src/nodes/transform';
import { sqlKind } from '../../src/nodes/sql';
import { evaluateInVm } from '../flow/helpers';
import { runContext } from './fakes';

describe('%%node', () => {
  const cars = arrow.tableFromArrays({ hp: Float64Array.from([100, 150]), kg: Float64Array.from([1000, 1500]) });

  it('puts upstream tables in scope by node id and turns returned rows into a table', async () => {
    const code = 'cars.toArray().map((r) => ({ ratio: r.hp / r.kg }))';
    const result = await transformKind.run(runContext({ code }, { cars }, { evaluate: evaluateInVm }));
    expect(Array.from(result.tables.out!.getChild('ratio')!)).toEqual([0.1, 0.1]);
  });

  it('accepts an object of columns and an Arrow table', async () => {
    const columns = await transformKind.run(runContext({ code: '({ a: [1, null, 3] })' }, {}, { evaluate: evaluateInVm }));
    expect(columns.tables.out!.getChild('a')!.toJSON()).toEqual([1, null, 3]);
    const table = await transformKind.run(runContext({ code: 'cars' }, { cars }, { evaluate: evaluateInVm }));
    expect(table.tables.out!.numRows).toBe(2);
  });

  it('says what to do when the cell ends without a value', async () => {
    await expect(transformKind.run(runContext({ code: 'const x = 1;' }, { cars }, { evaluate: evaluateInVm }))).rejects.toMatchObject({
      kind: 'NodeReturnedNothing',
      hint: expect.stringContaining('cars'),
    });
  });

  it('needs a TypeScript session', async () => {
    await expect(transformKind.run(runContext({ code: 'cars' }, { cars }))).rejects.toMatchObject({ kind: 'NoTypeScriptSession' });
  });

  it('A2: a count(*) BIGINT from %%sql reaches the node as a number and JSON-serializes', async () => {
    const counted = await sqlKind.run(runContext({ query: 'SELECT count(*) AS n, sum(hp)::BIGINT AS total FROM cars' }, { cars }));
    let seen: unknown;
    const evaluate = async (code: string, scope: Record<string, unknown>): Promise<unknown> => {
      const value = await evaluateInVm(code, scope);
      seen = value;
      return value;
    };
    const code = 'const row = counts.get(0); ({ n: [row.n], half: [row.n / 2], json: [JSON.stringify({ n: row.n, total: row.total })] })';
    const result = await transformKind.run(runContext({ code }, { counts: counted.tables.out! }, { evaluate }));
    expect(seen).toBeDefined();
    expect(result.tables.out!.get(0)!.toJSON()).toEqual({ n: 2, half: 1, json: '{"n":2,"total":250}' });
  });

  it('A2: returned 64-bit integers become numbers when exact, and one beyond 2^53 is an error naming its column; nulls stay null', async () => {
    const exact = await transformKind.run(runContext({ code: '[{ id: 7n, n: null }, { id: -3n, n: 2 }]' }, {}, { evaluate: evaluateInVm }));
    expect(exact.tables.out!.toArray().map((row) => row.toJSON())).toEqual([
      { id: 7, n: null },
      { id: -3, n: 2 },
    ]);
    await expect(transformKind.run(runContext({ code: '({ id: [1n, 2n ** 60n] })' }, {}, { evaluate: evaluateInVm }))).rejects.toMatchObject({
      kind: 'Int64OutOfRange',
      message: expect.stringContaining('column `id` holds 1152921504606846976'),
    });
  });
});
