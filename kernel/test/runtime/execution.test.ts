import { Session, errorOf } from './session-harness';

describe('executing cells', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session();
  });
  afterAll(() => session.shutdown());

  it('shows the value of the final expression and nothing for undefined', async () => {
    expect(await session.value('6 * 7')).toBe('42');
    expect(await session.value('const nothing = undefined;\nnothing')).toBeUndefined();
    expect(await session.value('console.log("side effect")')).toBeUndefined();
  });

  it('keeps variables, functions and classes across cells', async () => {
    await session.run('let total = 1;\nfunction double(x: number) { return x * 2; }\nclass Box { constructor(readonly v: number) {} }');
    expect(await session.value('total = double(total) + new Box(3).v;\ntotal')).toBe('5');
  });

  it('supports top-level await and awaits a final promise', async () => {
    expect(await session.value('const waited = await new Promise<number>((r) => setTimeout(() => r(7), 5));\nwaited + 1')).toBe('8');
    expect(await session.value('Promise.resolve("later")')).toBe("'later'");
  });

  it('routes console output to the cell', async () => {
    const { output } = await session.run('console.log("out", 1); console.error("err"); process.stdout.write("raw\\n");');
    expect(output.stdout).toBe('out 1\nraw\n');
    expect(output.stderr).toBe('err\n');
  });

  it('K1: re-running a cell that declares const/let/class replaces its bindings', async () => {
    const load = 'const source = "sales.csv";\nlet rows = 0;\nclass Scaler { fit(x: number[]) { return x; } }\nsource';
    expect((await session.run(load, { cellId: 'load' })).outcome.status).toBe('ok');
    const again = await session.run(load.replace('sales', 'sales-2024'), { cellId: 'load' });
    expect(again.outcome.status).toBe('ok');
    expect(again.output.stderr).toBe('');
    expect(await session.value('[source, rows, new Scaler().fit([1]).length]')).toBe("[ 'sales-2024.csv', 0, 1 ]");
  });

  it('K1: a different cell redeclaring a name replaces it with a one-line warning naming the earlier cell', async () => {
    await session.run('const source = "sales.csv";', { cellId: 'load' });
    const other = await session.run('const source = "other.csv";\nsource', { cellId: 'other' });
    expect(other.outcome.status).toBe('ok');
    expect(other.output.stderr).toMatch(/^warning: `source` was defined by another cell \(cell \[\d+\]\); this cell's definition replaces it\n$/);
    expect(await session.value('source.toUpperCase()')).toBe("'OTHER.CSV'");
    expect((await session.run('const source = 3;\nsource + 1', { cellId: 'load' })).outcome.status).toBe('ok');
  });

  it('reports runtime errors with the cell\'s own line numbers', async () => {
    const { outcome } = await session.run('const a: number = 1;\n\ninterface Unused { x: number }\nfunction fail(): never {\n  throw new RangeError("too far");\n}\nfail();');
    const error = errorOf(outcome);
    expect(error.ename).toBe('RangeError');
    expect(error.evalue).toBe('too far');
    expect(error.traceback[0]).toBe('RangeError: too far');
    expect(error.traceback[1]).toMatch(/at fail \(cell \[\d+\], line 5\)/);
    expect(error.traceback[2]).toMatch(/at cell \[\d+\], line 7/);
  });

  it('reports thrown non-Errors with their value and line', async () => {
    const text = errorOf((await session.run('const ok = 1;\nthrow "x";')).outcome);
    expect(text).toMatchObject({ ename: 'Uncaught', evalue: "'x'" });
    expect(text.traceback[1]).toMatch(/cell \[\d+\], line 2/);
    const object = errorOf((await session.run('\n\nthrow { a: 1 };')).outcome);
    expect(object.evalue).toBe('{ a: 1 }');
    expect(object.traceback[1]).toMatch(/line 3/);
  });

  it('process.exit() in a cell is a clear error and the kernel stays alive', async () => {
    const error = errorOf((await session.run('process.exit(1)')).outcome);
    expect(error.ename).toBe('ProcessExit');
    expect(error.evalue).toMatch(/process.exit\(1\) was called from a cell; the kernel keeps running\n  fix: /);
    expect(error.traceback).toHaveLength(1);
    expect(await session.value('1 + 1')).toBe('2');
  });

  it('reports syntax errors with the cell line', async () => {
    const error = errorOf((await session.run('const fine = 1;\nconst a = ;')).outcome);
    expect(error.ename).toBe('SyntaxError');
    expect(error.evalue).toBe('line 2: Expression expected.');
  });
});
