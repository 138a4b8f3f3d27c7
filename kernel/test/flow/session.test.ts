import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataNodeKinds } from '../../src/nodes/data-kinds';
import { createFlowSession } from '../../src/runtime/flow-session';
import type { FlowEvent } from '../../src/flow/events';
import { LocalStore } from '../../src/store/local';
import { runCell, startCell, text } from './cells';
import { temporaryFolder } from './helpers';

function session(): { dir: string; session: ReturnType<typeof createFlowSession> } {
  const dir = temporaryFolder();
  writeFileSync(join(dir, 'sales.csv'), 'city,qty\nBeijing,5\nShanghai,\nBeijing,7\nShenzhen,2\nShanghai,4\n');
  return { dir, session: createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) }) };
}

describe('node cells', () => {
  it('show the node status, timing and a table preview as HTML and text', async () => {
    const { session: s } = session();
    const record = await runCell(s, '%%source sales\nsales.csv');
    expect(record.outcome).toEqual({ status: 'ok' });
    expect(record.displays).toHaveLength(1);
    expect(text(record)).toMatch(/^sales · source · done · \d+ ms/);
    expect(text(record)).toContain('5 rows × 2 columns');
    expect(String(record.displays[0]!['text/html'])).toContain('<strong>sales</strong>');
  });

  it('show the node running while it computes, then replace that line with the result in the same output', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    const cell = startCell(s, '%%node slow --from sales\nnew Promise((resolve) => setTimeout(() => resolve(sales), 300))');
    let settled = false;
    void cell.done.then(() => (settled = true));
    while (!settled && !text(cell.shown()).includes('slow: running')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    expect(text(cell.shown())).toBe('sales: done\nslow: running');
    const record = await cell.done;
    expect(record.displays).toHaveLength(1);
    expect(text(record)).toMatch(/^slow · node · done/);
  });

  it('a failing node ends its status line as failed, and the cell fails with the node\'s error', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    const record = await runCell(s, '%%sql totals --from sales\nSELECT city, sum(quantity) FROM sales GROUP BY city');
    expect(text(record)).toBe('sales: done\ntotals: failed');
    expect(record.outcome).toMatchObject({ status: 'error', ename: 'SqlError', evalue: expect.stringContaining('"quantity" not found') });
    expect(s.flow.state('totals')).toMatchObject({ status: 'failed', error: expect.stringContaining('"quantity" not found') });
  });

  it('escape every name and value in the HTML', async () => {
    const { session: s } = session();
    const record = await runCell(s, '%%node evil\n[{ "<b>name</b>": "<script>alert(1)</script>" }]');
    const html = String(record.displays[0]!['text/html']);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('report a grammar error as a cell error naming the token', async () => {
    const { session: s } = session();
    const record = await runCell(s, '%%sql clean --form sales\nSELECT 1');
    expect(record.outcome).toMatchObject({ status: 'error', ename: 'MagicSyntaxError', evalue: expect.stringContaining('"--form"') });
  });

  it('report an unknown upstream with the known node ids', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    const record = await runCell(s, '%%sql totals --from sale\nSELECT 1');
    expect(record.outcome).toMatchObject({ status: 'error', ename: 'UnknownUpstream', evalue: expect.stringContaining('known nodes: sales') });
  });

  it('report bad YAML with its line', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    const record = await runCell(s, '%%split parts --from sales\nseed: 1\nmethod: [random\n');
    expect(record.outcome).toMatchObject({ status: 'error', ename: 'NodeYamlError' });
  });

  it('a kind the session was not given is named with the kinds it has', async () => {
    const dir = temporaryFolder();
    const s = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')), kinds: dataNodeKinds() });
    const record = await runCell(s, '%%dnn_regressor mpg --from sales\ntarget: qty');
    expect(record.outcome).toMatchObject({ status: 'error', ename: 'UnknownNodeKind', evalue: expect.stringContaining('%%split') });
  });

  it('re-running a changed cell redefines its node and marks what follows stale', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv', 'c1');
    await runCell(s, '%%sql totals --from sales\nSELECT city, sum(qty) AS qty FROM sales GROUP BY city', 'c2');
    await runCell(s, '%%sql top --from totals\nSELECT * FROM totals ORDER BY qty DESC LIMIT 1', 'c3');
    await runCell(s, '%%sql totals --from sales\nSELECT city, count(*) AS qty FROM sales GROUP BY city', 'c2');
    expect(s.flow.state('top').status).toBe('stale');
    const top = await runCell(s, '%%sql top --from totals\nSELECT * FROM totals ORDER BY qty DESC, city LIMIT 1', 'c3');
    expect(text(top)).toContain('Beijing');
  });

  it('a %%node cell runs in the session evaluate and the result is stored', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    const record = await runCell(s, '%%node doubled --from sales\nsales.toArray().map((r) => ({ city: r.city, qty2: r.qty === null ? null : r.qty * 2 }))');
    expect(text(record)).toMatch(/doubled · node · done/);
    expect((await s.globals.flow.table('doubled')).getChild('qty2')!.toJSON()).toEqual([10, null, 14, 4, 8]);
  });
});

describe('%flow', () => {
  it('shows the DAG as the flowbook mime type with SVG and text', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    await runCell(s, '%%split parts --from sales');
    const record = await runCell(s, '%flow');
    const bundle = record.displays[0]!;
    expect(bundle['application/vnd.flowbook.dag+json']).toEqual({
      nodes: [expect.objectContaining({ id: 'sales', kind: 'source', status: 'done', rows: 5 }), expect.objectContaining({ id: 'parts', kind: 'split', status: 'done', rows: 4 })],
      edges: [{ from: 'sales', to: 'parts' }],
    });
    expect(String(bundle['image/svg+xml'])).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(String(bundle['text/plain'])).toMatch(/parts +split +done +4 rows .*← sales/);
  });

  it('run, status, export, rm and clear', async () => {
    const { dir, session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    await runCell(s, '%%sql totals --from sales\nSELECT city, sum(qty) AS qty FROM sales GROUP BY city');
    const run = await runCell(s, '%flow run sales --downstream');
    expect(text(run)).toMatch(/^ran: sales cached \(\d+ ms\), totals cached/);

    const status = await runCell(s, '%flow status');
    expect(String(status.displays[0]!['text/html'])).toContain('<td style="text-align:left">totals</td>');

    const exported = await runCell(s, '%flow export flow.json');
    expect(exported.stdout).toContain(join(dir, 'flow.json'));
    expect(JSON.parse(readFileSync(join(dir, 'flow.json'), 'utf8')).nodes.map((n: { id: string }) => n.id)).toEqual(['sales', 'totals']);

    expect((await runCell(s, '%flow rm sales')).outcome).toMatchObject({ status: 'error', ename: 'NodeInUse' });
    expect((await runCell(s, '%flow rm totals')).stdout).toBe('removed node totals\n');

    await runCell(s, '%flow clear');
    expect(s.flow.state('sales').status).toBe('stale');
    const again = await runCell(s, '%flow run sales');
    expect(text(again)).toMatch(/^ran: sales done/);
  });

  it('forwards node events to listeners', async () => {
    const { session: s } = session();
    const events: string[] = [];
    s.on((e: FlowEvent) => events.push(e.type === 'graph_changed' ? e.type : `${e.type}:${e.node.id}`));
    await runCell(s, '%%source sales\nsales.csv');
    expect(events).toEqual(['graph_changed', 'node_started:sales', 'node_finished:sales']);
  });

});

describe('%jobs', () => {
  /** A job record as a finished (or cut-off) job leaves it in the store. */
  function recordJob(dir: string, status: Record<string, unknown>, log?: string): void {
    const folder = join(dir, '.flowbook', 'jobs', String(status.jobId));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'status.json'), JSON.stringify(status));
    if (log !== undefined) writeFileSync(join(folder, 'log.txt'), log);
  }

  it('lists the store\'s jobs with node, state, start and duration; one left running by a gone kernel reads lost', async () => {
    const { dir, session: s } = session();
    expect(text(await runCell(s, '%jobs'))).toMatch(/jobs: 0 jobs/);
    recordJob(dir, { jobId: 'b2', node: 'custom', kind: 'tfscript', state: 'running', startedAt: '2026-12-03T10:05:00.000Z', pid: 999999 });
    recordJob(dir, { jobId: 'a1', node: 'mpg', kind: 'dnn_regressor', state: 'completed', startedAt: '2026-12-03T10:00:00.000Z', durationMs: 83_400 });
    const listing = text(await runCell(s, '%jobs'));
    expect(listing).toMatch(/jobs: 2 jobs/);
    const lines = listing.split('\n');
    const header = lines.findIndex((l) => /^job\s+node\s+state\s+started\s+duration/.test(l));
    expect(lines[header + 1]).toMatch(/^a1\s+mpg\s+completed\s+2026-12-03T10:00:00.000Z\s+1 min 23 s$/);
    expect(lines[header + 2]).toMatch(/^b2\s+custom\s+lost\s+2026-12-03T10:05:00.000Z/);
  });

  it('shows a job\'s record and its log, and says plainly when a job is unknown or not running', async () => {
    const { dir, session: s } = session();
    recordJob(dir, { jobId: 'a1', node: 'mpg', state: 'failed', startedAt: '2026-12-03T10:00:00.000Z', error: 'loss became NaN' }, 'backend: wasm\nepoch 1\n');
    expect((await runCell(s, '%jobs log a1')).stdout).toBe('backend: wasm\nepoch 1\n');
    expect(JSON.parse((await runCell(s, '%jobs show a1')).stdout)).toMatchObject({ jobId: 'a1', state: 'failed', error: 'loss became NaN' });
    expect((await runCell(s, '%jobs logs nope')).outcome).toMatchObject({ status: 'error', ename: 'UnknownJob', evalue: expect.stringContaining('the store has no job `nope`') });
    expect((await runCell(s, '%jobs stop a1')).outcome).toMatchObject({ status: 'error', ename: 'JobNotRunning', evalue: expect.stringContaining('job `a1` is not running in this kernel') });
  });
});

describe('%store', () => {
  it('names the store, lists it, and moves the flow to another store', async () => {
    const { dir, session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    expect((await runCell(s, '%store')).stdout).toBe(`store: ${join(dir, '.flowbook')}\n`);
    const listing = await runCell(s, '%store ls nodes');
    expect(text(listing)).toContain('sales/');
    await runCell(s, '%store use other-store');
    expect(s.flow.store.uri).toBe(join(dir, 'other-store'));
    const rerun = await runCell(s, '%flow run sales');
    expect(text(rerun)).toMatch(/^ran: sales done/);
  });
});

describe('the flow object of code cells', () => {
  it('defines nodes from code and reads their tables', async () => {
    const { session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    s.globals.flow.node({ id: 'by_city', kind: 'sql', from: 'sales', body: 'SELECT city, count(*) AS n FROM sales GROUP BY city ORDER BY city' });
    const records = await s.globals.flow.run('by_city');
    expect(records.map((r) => r.status)).toEqual(['cached', 'done']);
    const table = await s.globals.flow.table('by_city');
    expect(JSON.stringify(table.toArray())).toBe('[{"city":"Beijing","n":2},{"city":"Shanghai","n":2},{"city":"Shenzhen","n":1}]');
    expect(s.globalTypes).toContain('declare const flow');
  });

  it('A2: a count(*) BIGINT from %%sql reaches a %%node as a number and JSON-serializes, also from the stored cache', async () => {
    const { dir, session: s } = session();
    const cells = [
      '%%source sales\nsales.csv',
      '%%sql counts --from sales\nSELECT count(*) AS n, sum(qty)::BIGINT AS total FROM sales',
      '%%node report --from counts\nconst row = counts.get(0);\n[{ kind: typeof row.n, half: row.n / 2, json: JSON.stringify(row.toJSON()) }]',
    ];
    for (const cell of cells) expect((await runCell(s, cell)).outcome).toEqual({ status: 'ok' });
    const expected = [{ kind: 'number', half: 2.5, json: '{"n":5,"total":18}' }];
    expect((await s.globals.flow.table('report')).toArray().map((r) => r.toJSON())).toEqual(expected);
    // After a restart the node reads `counts` back from Parquet: still numbers.
    const restarted = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
    for (const cell of cells.slice(0, 2)) await runCell(restarted, cell);
    await runCell(restarted, cells[2]!.replace('[{', '[{ again: true, '));
    expect((await restarted.globals.flow.table('report')).toArray().map((r) => r.toJSON())).toEqual([{ again: true, ...expected[0] }]);
  });

  it('A1: a null in an int column stays null through source, sql, node and split, also from the stored cache', async () => {
    const { dir, session: s } = session();
    await runCell(s, '%%source sales\nsales.csv');
    await runCell(s, '%%sql kept --from sales\nSELECT * FROM sales');
    await runCell(s, '%%node rows --from kept\nkept.toArray().map((r) => r.toJSON())');
    await runCell(s, '%%split parts --from rows\ntest_ratio: 0.4\nseed: 3');
    const qtyOf = async (flow: typeof s.globals.flow): Promise<(number | null)[]> => {
      const parts = [await flow.table('parts', 'train'), await flow.table('parts', 'test')];
      return parts.flatMap((t) => t.toArray().map((r) => r.toJSON())).sort((a, b) => String(a.qty).localeCompare(String(b.qty))).map((r) => r.qty as number | null);
    };
    expect(await qtyOf(s.globals.flow)).toEqual([2, 4, 5, 7, null]);
    const restarted = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
    for (const cell of ['%%source sales\nsales.csv', '%%sql kept --from sales\nSELECT * FROM sales', '%%node rows --from kept\nkept.toArray().map((r) => r.toJSON())', '%%split parts --from rows\ntest_ratio: 0.4\nseed: 3']) {
      await runCell(restarted, cell);
    }
    expect(restarted.flow.state('parts').status).toBe('cached');
    expect(await qtyOf(restarted.globals.flow)).toEqual([2, 4, 5, 7, null]);
  });
});

describe('what the extension asks for', () => {
  it("a kind's form: a source cell's YAML options, a split's parameters", () => {
    const { session: s } = session();
    const source = s.kindSchema('source');
    expect(source).toMatchObject({ kind: 'source', title: 'Source', schema: { title: 'Source options' } });
    expect(source.groups[0]!.properties).toContain('encoding');
    const split = s.kindSchema('split');
    expect(split.schema).toMatchObject({ properties: { method: { enum: ['random', 'stratified', 'chronological'] } } });
    expect(split.groups).toEqual([{ id: 'parameters', title: 'Split', properties: ['method', 'test_ratio', 'seed', 'column', 'order_by'] }]);
    expect(() => s.kindSchema('dnn_regresor')).toThrow('no %%dnn_regresor node kind');
  });

  it("a node's columns with their types, running it first when needed", async () => {
    const { session: s } = session();
    s.globals.flow.node({ id: 'sales', kind: 'source', body: 'sales.csv' });
    expect(await s.columns('sales')).toEqual([{ name: 'city', type: expect.stringMatching(/string|utf8/) }, { name: 'qty', type: expect.any(String) }]);
    s.globals.flow.node({ id: 'parts', kind: 'split', from: 'sales', body: 'seed: 1' });
    expect((await s.columns('parts', 'test')).map((c) => c.name)).toEqual(['city', 'qty']);
    // Asked again (the form follows every edit), a current output is read as it is: no run, no event.
    const events: string[] = [];
    s.on((event) => events.push(event.type));
    expect((await s.columns('parts', 'train')).map((c) => c.name)).toEqual(['city', 'qty']);
    expect(events).toEqual([]);
    await expect(s.columns('parts', 'validation')).rejects.toThrow('no output port `validation`');
  });
});
