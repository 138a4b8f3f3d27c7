import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowEvent } from '../../src/flow/events';
import { testFlow } from './helpers';

const rows = '[{ id: 1, label: "a" }, { id: 2, label: "b" }, { id: 3, label: "a" }, { id: 4, label: "b" }, { id: 5, label: "a" }]';

/** raw → evens → parts (split) → test_count; raw → odds */
function defineChain(flow: ReturnType<typeof testFlow>['flow']): void {
  flow.define({ id: 'raw', kind: 'node', params: { code: rows } });
  flow.define({ id: 'evens', kind: 'sql', params: { query: 'SELECT * FROM raw WHERE id % 2 = 0 OR id = 5' }, inputs: [{ node: 'raw' }] });
  flow.define({ id: 'parts', kind: 'split', params: { test_ratio: 0.34, seed: 1 }, inputs: [{ node: 'evens' }] });
  flow.define({ id: 'test_count', kind: 'sql', params: { query: 'SELECT count(*) AS n FROM parts_test' }, inputs: [{ node: 'parts', port: 'test' }] });
  flow.define({ id: 'odds', kind: 'sql', params: { query: 'SELECT * FROM raw WHERE id % 2 = 1' }, inputs: [{ node: 'raw' }] });
}

describe('the scheduler', () => {
  it('runs stale upstream nodes first, in topological order, and only what the target needs', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    const started: string[] = [];
    flow.on((e: FlowEvent) => {
      if (e.type === 'node_started') started.push(e.node.id);
    });
    const records = await flow.run('test_count');
    expect(records.map((r) => [r.id, r.status])).toEqual([['raw', 'done'], ['evens', 'done'], ['parts', 'done'], ['test_count', 'done']]);
    expect(started).toEqual(['raw', 'evens', 'parts', 'test_count']);
    expect(flow.state('odds').status).toBe('stale');
    expect((await flow.table('test_count')).get(0)!.toJSON()).toEqual({ n: 1 });
  });

  it('a node asked for again while it computes is computed once: the second run shares the first\'s result', async () => {
    const { flow, kinds } = testFlow();
    defineChain(flow);
    const [first, second] = await Promise.all([flow.run('parts'), flow.run('test_count')]);
    expect(kinds.node.runs).toBe(1);
    expect(kinds.split.runs).toBe(1);
    expect(first.at(-1)).toMatchObject({ id: 'parts', status: 'done' });
    expect(second.map((r) => r.id)).toEqual(['raw', 'evens', 'parts', 'test_count']);
    expect((await flow.table('test_count')).get(0)!.toJSON()).toEqual({ n: 1 });
  });

  it('reuses every stored output on a second run: all cached, nothing recomputed', async () => {
    const { flow, kinds } = testFlow();
    defineChain(flow);
    await flow.run('test_count');
    const computed = kinds.node.runs + kinds.sql.runs + kinds.split.runs;
    const again = await flow.run('test_count');
    expect(again.map((r) => r.status)).toEqual(['cached', 'cached', 'cached', 'cached']);
    expect(kinds.node.runs + kinds.sql.runs + kinds.split.runs).toBe(computed);
  });

  it('in the graph, an upstream node computed earlier keeps "done"; the node a run targets reads "cached" when reused', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    await flow.run('evens');
    await flow.run('test_count');
    expect(['raw', 'evens', 'parts', 'test_count'].map((id) => flow.state(id).status)).toEqual(['done', 'done', 'done', 'done']);
    await flow.run('evens');
    expect(['raw', 'evens'].map((id) => flow.state(id).status)).toEqual(['done', 'cached']);
  });

  it('after a restart, a new Flow over the same store reports cached and serves the stored tables', async () => {
    const first = testFlow();
    defineChain(first.flow);
    await first.flow.run('test_count');
    const restarted = first.restart();
    defineChain(restarted);
    const runsBefore = first.kinds.sql.runs;
    const records = await restarted.run('test_count');
    expect(records.every((r) => r.status === 'cached')).toBe(true);
    expect(first.kinds.sql.runs).toBe(runsBefore);
    expect((await restarted.table('parts', 'train')).numRows + (await restarted.table('parts', 'test')).numRows).toBe(3);
  });

  it('a stored output carries its preview, so a restarted flow shows it without reading the tables', async () => {
    const first = testFlow();
    defineChain(first.flow);
    await first.flow.run('evens');
    const restarted = first.restart();
    defineChain(restarted);
    await restarted.run('evens');
    for (const file of readdirSync(join(first.storeDir, 'nodes/evens'), { recursive: true }) as string[]) {
      if (file.endsWith('.parquet')) rmSync(join(first.storeDir, 'nodes/evens', file));
    }
    const preview = await restarted.preview('evens');
    expect(preview['text/plain']).toContain('3 rows');
    await expect(restarted.output('evens')).rejects.toThrow();
  });

  it('a changed node makes itself and everything downstream stale; upstream stays reused', async () => {
    const { flow, kinds } = testFlow();
    defineChain(flow);
    await flow.run('test_count');
    await flow.run('odds');
    flow.define({ id: 'evens', kind: 'sql', params: { query: 'SELECT * FROM raw WHERE id % 2 = 0' }, inputs: [{ node: 'raw' }] });
    expect(['raw', 'evens', 'parts', 'test_count', 'odds'].map((id) => flow.state(id).status)).toEqual(['done', 'stale', 'stale', 'stale', 'done']);
    const nodeRuns = kinds.node.runs;
    const records = await flow.run('test_count');
    expect(records.map((r) => r.status)).toEqual(['cached', 'done', 'done', 'done']);
    expect(kinds.node.runs).toBe(nodeRuns);
  });

  it('redefining a node unchanged (a re-run cell) keeps its state and its downstream', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    await flow.run('test_count');
    flow.define({ id: 'raw', kind: 'node', params: { code: rows }, cellId: 'cell-1' });
    expect(flow.state('test_count').status).toBe('done');
  });

  it('--downstream also runs every node that depends on the target', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    const records = await flow.run('raw', { downstream: true });
    expect(records.map((r) => r.id).sort()).toEqual(['evens', 'odds', 'parts', 'raw', 'test_count']);
    expect(records[0]!.id).toBe('raw');
  });

  it('a failing node is marked failed with its reason, and nodes after it are not run', async () => {
    const { flow } = testFlow();
    flow.define({ id: 'raw', kind: 'node', params: { code: rows } });
    flow.define({ id: 'bad', kind: 'sql', params: { query: 'SELECT nope FROM raw' }, inputs: [{ node: 'raw' }] });
    flow.define({ id: 'after', kind: 'sql', params: { query: 'SELECT * FROM bad' }, inputs: [{ node: 'bad' }] });
    await expect(flow.run('after')).rejects.toThrow(/nope/);
    expect(flow.state('bad').status).toBe('failed');
    expect(flow.state('bad').error).toMatch(/nope/);
    expect(flow.state('after').status).toBe('stale');
    expect(flow.snapshot().nodes.find((n) => n.id === 'bad')).toMatchObject({ status: 'failed', error: expect.stringMatching(/nope/) });
  });

  it('stops before the next node when the run is aborted', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    const controller = new AbortController();
    flow.on((e) => {
      if (e.type === 'node_finished' && e.node.id === 'evens') controller.abort();
    });
    await expect(flow.run('test_count', { signal: controller.signal })).rejects.toThrow('interrupted before node `parts`');
    expect(flow.state('evens').status).toBe('done');
    expect(flow.state('parts').status).toBe('stale');
  });

  it('%flow clear empties the cache: the next run computes again', async () => {
    const { flow, kinds } = testFlow();
    defineChain(flow);
    await flow.run('evens');
    await flow.clear();
    expect(flow.state('evens').status).toBe('stale');
    const before = kinds.sql.runs;
    expect((await flow.run('evens')).map((r) => r.status)).toEqual(['done', 'done']);
    expect(kinds.sql.runs).toBe(before + 1);
  });

  it('a node whose value is a Promise is awaited before it counts as done', async () => {
    const { flow } = testFlow();
    flow.define({ id: 'later', kind: 'node', params: { code: 'new Promise((r) => setTimeout(() => r([{ x: 1 }, { x: 2 }]), 20))' } });
    await flow.run('later');
    expect(flow.state('later').status).toBe('done');
    expect((await flow.table('later')).numRows).toBe(2);
  });
});

describe('the graph', () => {
  it('refuses a cycle and names it', () => {
    const { flow } = testFlow();
    flow.define({ id: 'a', kind: 'node', params: { code: '[{ x: 1 }]' } });
    flow.define({ id: 'b', kind: 'sql', params: { query: 'SELECT * FROM a' }, inputs: [{ node: 'a' }] });
    expect(() => flow.define({ id: 'a', kind: 'sql', params: { query: 'SELECT * FROM b' }, inputs: [{ node: 'b' }] })).toThrow('this would make a cycle: a → b → a');
    expect(() => flow.define({ id: 'c', kind: 'sql', params: { query: 'SELECT 1' }, inputs: [{ node: 'c' }] })).toThrow('c → c');
    expect(flow.definition('a').kind).toBe('node');
  });

  it('names an unknown upstream together with the known ids', () => {
    const { flow } = testFlow();
    flow.define({ id: 'cars', kind: 'node', params: { code: '[{ x: 1 }]' } });
    let error: unknown;
    try {
      flow.define({ id: 'clean', kind: 'sql', params: { query: 'SELECT 1' }, inputs: [{ node: 'carz' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'UnknownUpstream', message: expect.stringContaining('`carz`'), hint: 'known nodes: cars' });
  });

  it('names a wrong port with the ports the upstream has', () => {
    const { flow } = testFlow();
    flow.define({ id: 'raw', kind: 'node', params: { code: '[{ x: 1 }]' } });
    flow.define({ id: 'parts', kind: 'split', params: {}, inputs: [{ node: 'raw' }] });
    expect(() => flow.define({ id: 'q', kind: 'sql', params: { query: 'SELECT 1' }, inputs: [{ node: 'parts', port: 'val' }] })).toThrow('no port `val`');
  });

  it('checks the number of inputs a kind takes', () => {
    const { flow } = testFlow();
    expect(() => flow.define({ id: 'parts', kind: 'split', params: {} })).toThrow('%%split takes 1 input; `parts` has 0');
  });

  it('names invalid parameters with field, value and allowed values', () => {
    const { flow } = testFlow();
    flow.define({ id: 'raw', kind: 'node', params: { code: '[{ x: 1 }]' } });
    expect(() => flow.define({ id: 'parts', kind: 'split', params: { method: 'shuffled' }, inputs: [{ node: 'raw' }] })).toThrow(
      'method: "shuffled" is not one of "random", "stratified", "chronological"',
    );
  });

  it('%flow rm removes a node, but not while another node reads from it', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    expect(() => flow.remove('parts')).toThrow('node `parts` feeds `test_count`');
    flow.remove('test_count');
    flow.remove('parts');
    expect(flow.snapshot().nodes.map((n) => n.id)).toEqual(['raw', 'evens', 'odds']);
    expect(() => flow.state('parts')).toThrow('the flow has no node `parts`');
  });

  it('a cell that renames its node drops the old node', () => {
    const { flow } = testFlow();
    flow.define({ id: 'first', kind: 'node', params: { code: '[{ x: 1 }]' }, cellId: 'c1' });
    flow.define({ id: 'second', kind: 'node', params: { code: '[{ x: 1 }]' }, cellId: 'c1' });
    expect(flow.snapshot().nodes.map((n) => n.id)).toEqual(['second']);
  });

  it('snapshots nodes with kind, status, rows, timing and edges with ports', async () => {
    const { flow } = testFlow();
    defineChain(flow);
    await flow.run('test_count');
    const snapshot = flow.snapshot();
    expect(snapshot.nodes.find((n) => n.id === 'parts')).toMatchObject({ kind: 'split', status: 'done', rows: 2, metric: { name: 'test rows', value: 1 } });
    expect(snapshot.nodes.find((n) => n.id === 'raw')!.timing).toEqual({ startedAt: expect.any(String), durationMs: expect.any(Number) });
    expect(snapshot.edges).toContainEqual({ from: 'parts', fromPort: 'test', to: 'test_count' });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('exports nodes, edges and parameters as JSON', async () => {
    const { flow, storeDir } = testFlow();
    defineChain(flow);
    const path = await flow.export('flow.json');
    const exported = JSON.parse(require('node:fs').readFileSync(path, 'utf8'));
    expect(path).toBe(`${storeDir}/flow.json`);
    expect(exported.nodes.find((n: { id: string }) => n.id === 'test_count')).toEqual({ id: 'test_count', kind: 'sql', inputs: ['parts:test'], params: { query: 'SELECT count(*) AS n FROM parts_test' } });
    expect(exported.nodes.find((n: { id: string }) => n.id === 'parts').params).toEqual({ method: 'random', test_ratio: 0.34, seed: 1 });
    expect(exported.edges).toHaveLength(4);
  });
});
