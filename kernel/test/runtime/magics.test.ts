import type { ExecuteOutcome } from '../../src/core/interpreter';
import type { CellMagics, MagicCell } from '../../src/runtime/cell-magic';
import * as path from 'node:path';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { Session, errorOf, notebookFolder } from './session-harness';

/** `%%double name` evaluates its body with `base` in scope and stores twice the value in a global. */
class DoublingMagics implements CellMagics {
  readonly cells: MagicCell[] = [];
  handles(code: string): boolean {
    return code.startsWith('%%double') || code.startsWith('%%hang') || code.startsWith('%%train');
  }
  /** Set by `%%train` once it has "saved its model" after an abort. */
  saved = false;
  async run(code: string, cell: MagicCell): Promise<ExecuteOutcome> {
    this.cells.push(cell);
    if (code.startsWith('%%train')) {
      // Like a training node: on abort it takes a moment to save its best model, then finishes.
      await new Promise((resolve) => cell.signal.addEventListener('abort', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      this.saved = true;
      cell.output.stream('stdout', 'stopped; kept the best model\n');
      return { status: 'ok' };
    }
    if (code.startsWith('%%hang')) {
      await new Promise((resolve) => cell.signal.addEventListener('abort', resolve));
      return { status: 'ok' };
    }
    const body = code.split('\n').slice(1).join('\n');
    const value = (await cell.evaluate(body, { base: 21 })) as number;
    cell.output.stream('stdout', `doubled ${value * 2}\n`);
    return { status: 'ok' };
  }
}

describe('cell magics', () => {
  const magics = new DoublingMagics();
  let session: Session;
  beforeAll(() => {
    session = new Session({ magics });
  });
  afterAll(() => session.shutdown());

  it('hands a magic cell to the magics with its output and cell id, and evaluate sees the scope and the session', async () => {
    await session.run('const offset = 0.5;');
    const { outcome, output } = await session.run('%%double\nconst local: number = base + offset;\nconsole.log("inside");\nlocal', { cellId: 'm1' });
    expect(outcome).toEqual({ status: 'ok' });
    expect(output.stdout).toBe('inside\ndoubled 43\n');
    expect(magics.cells.at(-1)!.cellId).toBe('m1');
    expect(await session.value('typeof (globalThis as Record<string, unknown>).local')).toBe("'undefined'");
  });

  it('aborts the magic\'s signal on interrupt', async () => {
    const { done } = session.start('%%hang');
    setTimeout(() => session.interpreter.interrupt(), 100);
    expect(errorOf(await done).ename).toBe('Interrupted');
    expect(magics.cells.at(-1)!.signal.aborted).toBe(true);
  });

  it('on interrupt, waits for the magic to stop cleanly (a node storing what it kept) before the reply', async () => {
    magics.saved = false;
    const { output, done } = session.start('%%train');
    setTimeout(() => session.interpreter.interrupt(), 100);
    expect(errorOf(await done).ename).toBe('Interrupted');
    expect(magics.saved).toBe(true);
    expect(output.stdout).toBe('stopped; kept the best model\n');
  });

  it('evaluates user_expressions in the session', async () => {
    await session.run('const answer = 42;');
    const results = await session.interpreter.evaluateExpressions({ a: 'answer + 1', b: 'missing.x' });
    expect(results.a).toEqual({ status: 'ok', data: { 'text/plain': '43' }, metadata: {} });
    expect(results.b).toMatchObject({ status: 'error', ename: 'ReferenceError' });
  });

  it('a %%node that throws names the node and the cell\'s own line in its traceback', async () => {
    const notebookDir = notebookFolder();
    const flow = createFlowSession({ notebookDir, store: new LocalStore(path.join(notebookDir, '.flowbook')) });
    const withFlow = new Session({ notebookDir, magics: flow.magics, globals: flow.globals, globalTypes: flow.globalTypes });
    try {
      expect((await withFlow.run('%%node t\n({ a: [1, 2, 3] })')).outcome.status).toBe('ok');
      const error = errorOf((await withFlow.run('%%node u --from t\nconst rows = t.toArray();\nrows.map((r) => r.missing.field)')).outcome);
      expect(error.traceback.join('\n')).toContain('at node u, line 3');
    } finally {
      await withFlow.shutdown();
    }
  });
});
