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

/** What a notebook saved from an old run holds: every code cell with an execution count and an output,
 * here a trained model's metrics display (what the Results summary reports) that this run must not claim. */
function withSavedOutputs(notebook: Notebook): Notebook {
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    cell.execution_count = 100 + index;
    cell.outputs = [{
      output_type: 'display_data',
      data: {
        'text/plain': `old output of cell ${index + 1}`,
        'application/vnd.flowbook.metrics+json': { task: 'regression', nodeId: 'old', split: 'an old run', rows: 1, r2: 0.9, rmse: 1, mae: 1 },
      },
      metadata: {},
    }];
  });
  return notebook;
}

const cleared = { execution_count: null, outputs: [] };

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

  it('after a failure, the cells that did not run lose the outputs saved by an old run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flowbook-run-')), 'n.ipynb');
    const notebook = withSavedOutputs(notebookOf([
      { type: 'markdown', source: '# A notebook' },
      { type: 'code', source: 'console.log("ran")' },
      { type: 'code', source: 'throw new Error("boom")' },
      { type: 'code', source: 'console.log("never runs")' },
      { type: 'code', source: 'console.log("nor this")' },
    ]));
    const { notebook: executed } = await runNotebook(notebook, path);
    const [markdown, ran, boom, never, nor] = executed.cells as any[];
    expect(markdown).toEqual({ cell_type: 'markdown', id: 'cell-0', metadata: {}, source: '# A notebook' });
    expect(ran).toMatchObject({ execution_count: 1, outputs: [{ output_type: 'stream', text: 'ran\n' }] });
    expect(boom).toMatchObject({ execution_count: 2, outputs: [{ output_type: 'error', evalue: 'boom' }] });
    expect(never).toMatchObject(cleared);
    expect(nor).toMatchObject(cleared);
  }, 60_000);

  it('with --node, the cells it skipped lose the outputs saved by an old run', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flowbook-run-')), 'n.ipynb');
    const notebook = withSavedOutputs(notebookOf([
      { type: 'code', source: 'console.log("setup")' },
      { type: 'code', source: '%%node a\n[{ x: 1 }]' },
      { type: 'code', source: '%%node b\n[{ y: 2 }]' },
      { type: 'code', source: 'console.log("after")' },
    ]));
    const result = await runNotebook(notebook, path, { node: 'a' });
    expect(result.failure).toBeUndefined();
    expect(result.cellNumbersRun).toEqual([1, 2]);
    const [setup, a, b, after] = result.notebook.cells as any[];
    expect(setup).toMatchObject({ execution_count: 1, outputs: [{ output_type: 'stream', text: 'setup\n' }] });
    expect(a.execution_count).toBe(2);
    expect(JSON.stringify(a.outputs)).not.toContain('old output');
    expect(b).toMatchObject(cleared);
    expect(after).toMatchObject(cleared);
  }, 60_000);

  it('K3: output a cell sends after its idle goes to that cell, in the notebook and on the console, not to the cell running', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-run-'));
    const path = join(dir, 'late.ipynb');
    writeFileSync(path, JSON.stringify(notebookOf([
      {
        type: 'code',
        source: 'setTimeout(() => console.log("A: late line"), 300);\n' +
          'Promise.resolve().then(() => new Promise(r => setTimeout(r, 100))).then(() => console.log("A: then"));\n"A done";',
      },
      { type: 'code', source: 'await new Promise(r => setTimeout(r, 1000));\nconsole.log("B")' },
    ])));
    const run = spawnSync(process.execPath, [FLOWBOOK_BIN, 'run', path], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const [a, b] = (JSON.parse(readFileSync(join(dir, 'late.executed.ipynb'), 'utf8')) as Notebook).cells as any[];
    expect(a.outputs).toEqual([
      { output_type: 'stream', name: 'stderr', text: expect.stringMatching(/^cell \[1\] left 2 pending timers/) },
      expect.objectContaining({ output_type: 'execute_result', data: { 'text/plain': "'A done'" } }),
      { output_type: 'stream', name: 'stdout', text: 'A: then\nA: late line\n' },
    ]);
    expect(b.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'B\n' }]);
    expect(run.stdout).toContain('[2/2] cell 2: await new Promise(r => setTimeout(r, 1000));\n' +
      '    [cell 1, late] A: then\n    [cell 1, late] A: late line\n    B\n    done in');
  }, 60_000);

  it('exits non-zero with the cell number and writes the executed notebook beside the source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-run-'));
    const path = join(dir, 'failing.ipynb');
    writeFileSync(path, JSON.stringify(withSavedOutputs(notebookOf([
      { type: 'code', source: 'let total = 1 + 2;' },
      { type: 'code', source: 'total.nope()' },
      { type: 'code', source: 'console.log(total)' },
    ]))));
    const run = spawnSync(process.execPath, [FLOWBOOK_BIN, 'run', path], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cell 2 failed: .*nope/);
    const executed = JSON.parse(readFileSync(join(dir, 'failing.executed.ipynb'), 'utf8')) as Notebook;
    expect((executed.cells[1] as any).outputs[0].output_type).toBe('error');
    expect(executed.cells[2]).toMatchObject(cleared);
    expect(run.stdout).toContain('[2/3] cell 2: total.nope()');
    expect(run.stdout).not.toContain('Results:'); // the old run's metrics are gone, not summarized as this run's
  }, 60_000);
});
