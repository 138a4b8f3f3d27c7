import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Notebook } from '../../../src/runner/notebook';
import { runNotebook } from '../../../src/runner/run-notebook';
import { WebHdfsClient } from '../../../src/store/webhdfs';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';

const REPO = resolve(__dirname, '../../../..');

function notebookOf(sources: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'flowbook', display_name: 'Flowbook (TypeScript)', language: 'typescript' } },
    cells: sources.map((source, index) => ({ cell_type: 'code', id: `cell-${index}`, metadata: {}, source, execution_count: null, outputs: [] })),
  };
}

/** The text/plain of every output of a cell, as the executed notebook keeps it. */
function outputText(cell: unknown): string {
  const outputs = (cell as { outputs: { text?: string; data?: Record<string, unknown>; evalue?: string }[] }).outputs;
  return outputs.map((o) => o.text ?? String(o.data?.['text/plain'] ?? o.evalue ?? '')).join('\n');
}

let server: WebHdfsTestServer;
beforeAll(() => {
  // flowbook run starts the real kernel from dist/.
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel', 'magics'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);
beforeEach(async () => {
  server = await startWebHdfsServer();
});
afterEach(() => server.stop());

describe('flowbook run with an HDFS store (FLOWBOOK_STORE through the real kernel)', () => {
  it('a notebook uploads its data with %store put and keeps its outputs on HDFS; a second run reuses them', async () => {
    const store = `hdfs://${server.nameNodeAddresses[0]}/team/flowbook`;
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-run-hdfs-'));
    writeFileSync(join(dir, 'sales.csv'), 'city,qty\nBeijing,5\nShanghai,7\nBeijing,2\n');
    const flowCells = [`%%source sales\n${store}/raw/sales.csv`, '%%sql by_city --from sales\nSELECT city, sum(qty) AS qty FROM sales GROUP BY city ORDER BY city'];

    const first = await runNotebook(notebookOf(['%store put sales.csv raw/', ...flowCells]), join(dir, 'upload.ipynb'), { store });
    // A teammate's notebook in another folder: the same flow on the same store, no upload.
    const otherDir = mkdtempSync(join(tmpdir(), 'flowbook-run-hdfs-'));
    const second = await runNotebook(notebookOf(flowCells), join(otherDir, 'sales.ipynb'), { store });

    expect(first.failure).toBeUndefined();
    expect(outputText(first.notebook.cells[0])).toContain(`→ ${store}/raw/sales.csv`);
    expect(outputText(first.notebook.cells[2])).toMatch(/^by_city · sql · done/);
    expect(outputText(first.notebook.cells[2])).toContain('Shanghai');
    const hdfs = new WebHdfsClient({ nameNodes: server.nameNodeAddresses });
    expect((await hdfs.listStatus('/team/flowbook/nodes')).map((s) => s.pathSuffix)).toEqual(['by_city', 'sales']);
    expect(existsSync(join(dir, '.flowbook'))).toBe(false);

    expect(second.failure).toBeUndefined();
    expect(outputText(second.notebook.cells[0])).toMatch(/^sales · source · cached/);
    expect(outputText(second.notebook.cells[1])).toMatch(/^by_city · sql · cached/);
  }, 120_000);
});
