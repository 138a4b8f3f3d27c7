import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellOutput, ExecuteOutcome, ExecuteRequest } from '../../src/core/interpreter';
import type { MimeBundle } from '../../src/core/messages';
import { createFlowSession } from '../../src/runtime/flow-session';
import { createTypeScriptInterpreter } from '../../src/runtime/interpreter';
import { LocalStore } from '../../src/store/local';
import { temporaryFolder } from './helpers';

/** The flow inside the real TypeScript runtime, as the kernel composes them: magics, globals and their types. */
describe('the cars notebook in the TypeScript runtime', () => {
  it('runs every cell of examples/flow-cars.ipynb; %%node bodies are TypeScript; the flow global is typed', async () => {
    const dir = temporaryFolder();
    mkdirSync(join(dir, 'data'));
    copyFileSync(join(__dirname, '../../../examples/data/cars.json'), join(dir, 'data/cars.json'));
    const session = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
    const interpreter = createTypeScriptInterpreter({ notebookDir: dir, magics: session.magics, globals: session.globals, globalTypes: session.globalTypes });
    const notebook = JSON.parse(readFileSync(join(__dirname, '../../../examples/flow-cars.ipynb'), 'utf8')) as { cells: { cell_type: string; id: string; source: string[] }[] };
    let count = 0;
    const execute = async (code: string, cellId?: string): Promise<{ outcome: ExecuteOutcome; shown: MimeBundle[] }> => {
      const shown: MimeBundle[] = [];
      const output: CellOutput = {
        stream: (_n, text) => shown.push({ 'text/plain': text }),
        display: (data) => shown.push(data),
        clearOutput: () => undefined,
        input: async () => '',
      };
      const request: ExecuteRequest = { executionCount: ++count, silent: false, storeHistory: true, allowStdin: false, ...(cellId ? { cellId } : {}) };
      const outcome = await interpreter.execute(code, request, output);
      if (outcome.status === 'ok' && outcome.result) shown.push(outcome.result.data);
      return { outcome, shown };
    };
    try {
      for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
        const { outcome, shown } = await execute(cell.source.join(''), cell.id);
        expect([cell.id, outcome.status]).toEqual([cell.id, 'ok']);
        if (cell.id === 'flow-show') expect(shown[0]).toHaveProperty(['application/vnd.flowbook.dag+json']);
        if (cell.id === 'code-table') expect(String(shown.at(-1)!['text/plain'])).toContain('USA: 49 cars');
      }
      // The flow global is typed down to its tables, without apache-arrow beside the notebook.
      const wrong = await execute('const rows: string = (await flow.table("parts", "test")).numRows;');
      expect(wrong.outcome).toMatchObject({ status: 'error', evalue: expect.stringContaining("Type 'number' is not assignable to type 'string'") });
      const right = await execute('const t = await flow.table("parts", "test");\nt.toArray().filter((r) => r.Origin === "Japan").length');
      expect(right.outcome.status).toBe('ok');
      expect(right.shown.at(-1)!['text/plain']).toBe('16');
    } finally {
      await interpreter.shutdown(false);
    }
  });
});
