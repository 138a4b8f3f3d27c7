import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notebook } from '../../src/runner/notebook';
import { runNotebook } from '../../src/runner/run-notebook';

const FLOWBOOK_BIN = join(__dirname, '..', '..', 'bin', 'flowbook.js');

function notebookOf(cells: Array<{ type: 'code' | 'markdown'; source: string }>): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'flowbook', display_name: 'Flowbook (TypeScript)', language: 'typescript' } },
    cells: cells.map((cell, index) =>
      cell.type === 'code'
        ? { cell_type: 'code', id: `cell-${index}`, metadata: {}, source: cell.source, execution_count: null, outputs: [] }
        : { cell_type: 'markdown', id: `cell-${index}`, metadata: {}, source: cell.source }),
  };
}

describe('flowbook run: a notebook executed headless through the real kernel', () => {
  it('fills outputs and execution counts, and stops at the first error naming its cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-run-'));
    const path = join(dir, 'n.ipynb');
    const notebook = notebookOf([
      { type: 'markdown', source: '# A notebook' },
      { type: 'code', source: 'console.log("hi from cell 2")' },
      { type: 'code', source: 'const answer: number = 6 * 7;\nanswer' },
      { type: 'code', source: 'throw new Error("boom")' },
      { type: 'code', source: 'console.log("never runs")' },
    ]);
    const result = await runNotebook(notebook, path);
    const [, hello, answer, boom, never] = result.notebook.cells as any[];
    expect(hello.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'hi from cell 2\n' }]);
    expect(answer.execution_count).toBe(2);
    expect(answer.outputs[0]).toMatchObject({ output_type: 'execute_result', data: { 'text/plain': '42' } });
    expect(boom.outputs[0]).toMatchObject({ output_type: 'error', ename: 'Error', evalue: 'boom' });
    expect(never.outputs).toEqual([]);
    expect(result.failure).toMatchObject({ cellNumber: 4, ename: 'Error', evalue: 'boom' });
    expect(result.cellNumbersRun).toEqual([2, 3, 4]);
  }, 60_000);

  it('exits non-zero with the cell number and writes the executed notebook beside the source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-run-'));
    const path = join(dir, 'failing.ipynb');
    writeFileSync(path, JSON.stringify(notebookOf([
      { type: 'code', source: 'let total = 1 + 2;' },
      { type: 'code', source: 'total.nope()' },
    ])));
    const run = spawnSync(process.execPath, [FLOWBOOK_BIN, 'run', path], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cell 2 failed: .*nope/);
    const executed = JSON.parse(readFileSync(join(dir, 'failing.executed.ipynb'), 'utf8')) as Notebook;
    expect((executed.cells[1] as any).outputs[0].output_type).toBe('error');
    expect(run.stdout).toContain('[2/2] cell 2: total.nope()');
  }, 60_000);
});
