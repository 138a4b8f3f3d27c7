import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { MetricsDisplay } from '@flowbook/magics';
import { readNotebook } from '../../src/runner/notebook';
import type { Notebook } from '../../src/runner/notebook';
import { notebookResults } from '../../src/runner/run-summary';

/**
 * CI for the examples: every notebook in examples/ runs with the real `flowbook run` CLI (a child
 * process, as a user types it) on a store of its own, and its held-out metrics, read back from the
 * executed notebook's `application/vnd.flowbook.metrics+json` outputs, must meet the model-nodes
 * issue's bars. One file, run in order, so the trainings do not compete for the cores. The CLI runs
 * from dist/, which `npm test` builds first.
 */

const REPO = resolve(__dirname, '../../..');
const EXAMPLES = join(REPO, 'examples');
const FLOWBOOK_BIN = join(REPO, 'kernel/bin/flowbook.js');
const run = promisify(execFile);

interface Bar {
  /** The node whose metrics are the held-out score (a %%predict on the test split). */
  node: string;
  task: MetricsDisplay['task'];
  description: string;
  met(metrics: MetricsDisplay): boolean;
}

const r2AtLeast80 = (node: string): Bar => ({
  node, task: 'regression', description: 'R² ≥ 0.80 on the held-out cars',
  met: (m) => m.task === 'regression' && m.r2 >= 0.8,
});

/** Every example must be listed: a model example with its bar, a data-only flow as such. */
const EXPECTED: Record<string, Bar | 'data flow'> = {
  'flow-cars.ipynb': 'data flow',
  'cars-regression.ipynb': r2AtLeast80('scored'),
  'gb18030-flow.ipynb': r2AtLeast80('scored'),
  'penguins-classification.ipynb': {
    node: 'scored', task: 'classification', description: 'accuracy ≥ 0.95 on the held-out penguins',
    met: (m) => m.task === 'classification' && m.accuracy >= 0.95,
  },
  'seattle-lstm.ipynb': {
    node: 'forecast', task: 'regression', description: 'a lower RMSE than yesterday\'s-value persistence on the latest days',
    met: (m) => m.task === 'regression' && m.persistenceBaseline != null && m.rmse < m.persistenceBaseline.rmse,
  },
  'tfscript-cars.ipynb': r2AtLeast80('custom_test'),
};

const NOTEBOOKS = readdirSync(EXAMPLES).filter((name) => name.endsWith('.ipynb') && !name.endsWith('.executed.ipynb')).sort();
const workDir = mkdtempSync(join(tmpdir(), 'flowbook-examples-'));

interface Executed {
  notebook: Notebook;
  path: string;
  stdout: string;
}

const executions = new Map<string, Promise<Executed>>();

/** Runs an example once per test run (the nbconvert check reuses the cars run), on a fresh store. */
function execute(name: string): Promise<Executed> {
  let execution = executions.get(name);
  if (!execution) {
    execution = (async () => {
      const out = join(workDir, name.replace(/\.ipynb$/, '.executed.ipynb'));
      const store = join(workDir, `${name}.store`);
      const { stdout } = await run(process.execPath, [FLOWBOOK_BIN, 'run', join(EXAMPLES, name), '--out', out, '--store', store], {
        cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`flowbook run ${name} failed: ${error.stderr || error.message}\n${error.stdout ?? ''}`);
      });
      return { notebook: readNotebook(out), path: out, stdout };
    })();
    executions.set(name, execution);
  }
  return execution;
}

describe('the example notebooks', () => {
  it('are all listed here, each saved with the Flowbook kernelspec and a cell id on every cell', () => {
    expect(NOTEBOOKS.filter((name) => !(name in EXPECTED))).toEqual([]);
    for (const name of NOTEBOOKS) {
      const notebook = readNotebook(join(EXAMPLES, name));
      expect([name, (notebook.metadata.kernelspec as { name?: string } | undefined)?.name]).toEqual([name, 'flowbook']);
      expect([name, notebook.cells.filter((cell) => typeof cell.id !== 'string').length]).toEqual([name, 0]);
    }
  });

  it.each(NOTEBOOKS)('%s runs headless with flowbook run on a fresh store and meets its bar', async (name) => {
    const { notebook, stdout } = await execute(name);
    const results = notebookResults(notebook);
    const outputs = notebook.cells.flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []));
    const showsDag = outputs.some((o) => o.output_type === 'display_data' && 'application/vnd.flowbook.dag+json' in o.data);
    expect({ notebook: name, showsDag }).toEqual({ notebook: name, showsDag: true });
    // Every code cell ran, so no output below is one the notebook was saved with.
    const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code').length;
    expect(stdout).toMatch(new RegExp(`\\n${codeCells} cells ran without error\\.\\n$`));

    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`${name} has no entry in EXPECTED: list it with its bar`);
    if (expected === 'data flow') {
      expect(results.trainings).toEqual([]);
      return;
    }
    expect(results.trainings.length).toBeGreaterThan(0);
    for (const { training } of results.trainings) expect(['completed', 'early_stopped']).toContain(training.status);
    const heldOut = results.metrics.find(({ metrics }) => metrics.nodeId === expected.node)?.metrics;
    expect(heldOut?.task).toBe(expected.task);
    if (!expected.met(heldOut!)) throw new Error(`${name}: ${expected.description} is not met: ${JSON.stringify(heldOut)}`);
    // The terminal shows the same held-out figures at the end of the run.
    expect(stdout).toContain(`${heldOut!.nodeId} on ${heldOut!.split}: `);
  }, 600_000);
});

describe('an executed example in plain nbconvert HTML (no Flowbook extension)', () => {
  it('shows the DAG as SVG, the training progress as text and the metrics as an HTML table', async () => {
    const { path } = await execute('cars-regression.ipynb');
    const html = join(workDir, 'cars-regression.html');
    await run('/usr/bin/python3', ['-m', 'nbconvert', '--to', 'html', '--output', html, path], { encoding: 'utf8' });
    const page = readFileSync(html, 'utf8');
    // The drawing itself, not only its labels (an inline SVG through nbconvert < 7.7's cleaner keeps just the text).
    const dag = dagSvgIn(page);
    expect(dag).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>$/);
    expect(dag).toContain('<rect ');
    expect(dag).toContain('<path ');
    for (const label of ['cars (source)', 'parts (split)', 'mpg (dnn_regressor)', 'scored (predict)']) expect(dag).toContain(label);
    expect(page).toMatch(/mpg: (completed|early_stopped) · job \w+ · \w+ · epoch \d+\/80/);
    expect(page).toMatch(/<div class="flowbook-metrics"><p>Evaluated on the input of scored \(78 rows\)<\/p><table>.*<td>R²<\/td>/);
    // The Flowbook mime JSON is for the extension; nbconvert falls back and never dumps it.
    expect(page).not.toContain('"persistenceBaseline"');
  }, 600_000);
});

/** The DAG's SVG in a converted page, decoded from its <img> data URI. */
function dagSvgIn(page: string): string {
  const embedded = /<img src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page);
  return embedded ? Buffer.from(embedded[1], 'base64').toString('utf8') : '';
}

afterAll(() => rmSync(workDir, { recursive: true, force: true }));
