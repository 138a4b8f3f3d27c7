import * as path from 'node:path';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { Session, errorOf, notebookFolder } from './session-harness';

describe('type checking cells', () => {
  let session: Session;
  let dataFile: string;
  beforeAll(() => {
    const notebookDir = notebookFolder();
    dataFile = JSON.stringify(path.join(notebookDir, 'data.txt'));
    session = new Session({ notebookDir });
  });
  afterAll(() => session.shutdown());

  it('K2: the checker holds exactly the latest version of each cell, imports included', async () => {
    const cell1 = 'import { readFileSync } from "fs";\nfunction scale(x: number): number { return x / 10; }';
    const cell2 = `const n = readFileSync(${dataFile}, "utf8").length;\nscale(n);`;
    expect((await session.run(cell1, { cellId: 'c1' })).outcome.status).toBe('ok');
    expect((await session.run(cell2, { cellId: 'c2' })).outcome).toMatchObject({ status: 'ok', result: { data: { 'text/plain': '0.3' } } });

    const edited = 'import { readFileSync } from "fs";\nfunction scale(x: number, k: number): number { return x / k; }';
    expect((await session.run(edited, { cellId: 'c1' })).outcome.status).toBe('ok');
    const error = errorOf((await session.run(cell2, { cellId: 'c2' })).outcome);
    expect(error.ename).toBe('TypeScriptError');
    expect(error.evalue).toBe('line 2: Expected 2 arguments, but got 1. (TS2554)');

    expect((await session.run(cell2.replace('scale(n)', 'scale(n, 3)'), { cellId: 'c2' })).outcome.status).toBe('ok');
  });

  it('K2: a %%js cell runs and is never blocked by type errors', async () => {
    const { outcome } = await session.run('%%js\nconst join = (x, y) => x.concat(y);\njoin([1], [2]).length', { cellId: 'js' });
    expect(outcome).toMatchObject({ status: 'ok', result: { data: { 'text/plain': '2' } } });
    expect((await session.run('%%js\nconst wrong: number = "text";\nwrong')).outcome.status).toBe('ok');
  });

  it('K2: a %%js cell runs as JavaScript also beside the flow magics, which claim every other %%WORD cell', async () => {
    // As the kernel composes them (main.ts): the flow session's magics see every cell first.
    const notebookDir = notebookFolder();
    const flow = createFlowSession({ notebookDir, store: new LocalStore(path.join(notebookDir, '.flowbook')) });
    const withFlow = new Session({ notebookDir, magics: flow.magics, globals: flow.globals, globalTypes: flow.globalTypes });
    try {
      const { outcome } = await withFlow.run('%%js\nconst join = (x, y) => x.concat(y);\njoin([1], [2]).length', { cellId: 'js' });
      expect(outcome).toMatchObject({ status: 'ok', result: { data: { 'text/plain': '2' } } });
      expect((await withFlow.run('%%js\nconst wrong: number = "text";\nwrong')).outcome.status).toBe('ok');
      expect(errorOf((await withFlow.run('%%jss\nlet a = 1')).outcome).ename).toBe('MagicSyntaxError');
    } finally {
      await withFlow.shutdown();
    }
  });

  it('blocks a cell with type errors and runs none of it', async () => {
    const error = errorOf((await session.run('globalThis.sideEffect = 1;\nconst count: number = "three";', { cellId: 'bad' })).outcome);
    expect(error.evalue).toBe("line 2: Type 'string' is not assignable to type 'number'. (TS2322)");
    expect(await session.value('typeof (globalThis as any).sideEffect')).toBe("'undefined'");
  });

  it('checks against a name redeclared by another cell with its newest type', async () => {
    await session.run('const label = 42;', { cellId: 'first' });
    await session.run('const label = "text";', { cellId: 'second' });
    expect(await session.value('label.toUpperCase()')).toBe("'TEXT'");
  });

  it('knows the display and input globals', async () => {
    const error = errorOf((await session.run('display.html(42);')).outcome);
    expect(error.evalue).toMatch(/^line 1: Argument of type 'number' is not assignable to parameter of type 'string'/);
  });
});

describe('warming up the checker', () => {
  it('goes in steps that let other work run in between', async () => {
    const session = new Session();
    const order: string[] = [];
    const warming = session.interpreter.warmUp().then(() => order.push('warmed up'));
    setImmediate(() => order.push('other work'));
    await warming;
    expect(order).toEqual(['other work', 'warmed up']);
    await session.shutdown();
  });

  it('checks a cell that arrives while it is under way in full', async () => {
    const session = new Session();
    const warming = session.interpreter.warmUp();
    const error = errorOf((await session.run('const count: number = "three";')).outcome);
    expect(error.evalue).toMatch(/^line 1: Type 'string' is not assignable to type 'number'/);
    await warming;
    await session.shutdown();
  });
});
