import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExtensionRequest, KernelMessage, ReplyMessage } from '@flowbook/magics';
import type { JsonObject } from '../../src/core/messages';
import { registerFlowComm, lazyFlowSession } from '../../src/runtime/flow-comm';
import type { FlowSessionSource } from '../../src/runtime/flow-comm';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { request, startHarness } from '../core/support/fake-kernel';
import type { Harness } from '../core/support/fake-kernel';
import { runCell } from '../flow/cells';
import { temporaryFolder } from '../flow/helpers';

const REPO = resolve(__dirname, '../../..');

beforeAll(() => {
  // Training jobs run dist/train/worker.js.
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);

interface Connected {
  kernel: Harness;
  source: FlowSessionSource;
  dir: string;
  /** Everything the kernel sent on the comm so far. */
  received(): KernelMessage[];
  ask(body: Omit<ExtensionRequest, 'requestId'> | JsonObject): Promise<ReplyMessage>;
}

let requests = 0;

async function connect(): Promise<Connected> {
  const dir = temporaryFolder();
  writeFileSync(join(dir, 'sales.csv'), 'city,qty\nBeijing,5\nShanghai,\nBeijing,7\nShenzhen,2\nShanghai,4\n');
  copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
  const kernel = startHarness();
  const source = lazyFlowSession(() => createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) }));
  registerFlowComm(kernel.core.comms, source);
  await kernel.roundTrip('shell', request('comm_open', { comm_id: 'fb', target_name: 'flowbook', data: { type: 'hello', protocol: 1 } }));
  const received = (): KernelMessage[] =>
    kernel.transport.sent
      .filter((s) => s.message.header.msg_type === 'comm_msg' && s.message.content.comm_id === 'fb')
      .map((s) => s.message.content.data as unknown as KernelMessage);
  const ask = async (body: JsonObject | Omit<ExtensionRequest, 'requestId'>): Promise<ReplyMessage> => {
    const requestId = `r${++requests}`;
    kernel.core.receive('shell', request('comm_msg', { comm_id: 'fb', data: { ...body, requestId } as JsonObject }));
    const reply = await until(() => received().find((m): m is ReplyMessage => m.type === 'reply' && m.requestId === requestId));
    return reply;
  };
  return { kernel, source, dir, received, ask };
}

/** Polls until `find` returns something; the kernel answers comms asynchronously. */
async function until<T>(find: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error('timed out waiting for a comm message');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the flowbook comm', () => {
  it('answers its opening with the empty graph without loading the flow engine', async () => {
    const { source, received, ask } = await connect();
    expect(received()).toEqual([{ type: 'graph', graph: { nodes: [], edges: [] } }]);
    expect(await ask({ type: 'get_graph' })).toMatchObject({ ok: true, result: { nodes: [], edges: [] } });
    expect(source.loaded()).toBeUndefined();
  });

  it('forwards the graph and node statuses of cells run after it opened', async () => {
    const { source, received } = await connect();
    const cell = await runCell(source.load(), '%%source sales\nsales.csv', 'cell-1');
    expect(cell.outcome).toEqual({ status: 'ok' });
    const graphs = received().filter((m) => m.type === 'graph');
    expect(graphs.at(-1)).toEqual({ type: 'graph', graph: { nodes: [expect.objectContaining({ id: 'sales', kind: 'source', cellId: 'cell-1' })], edges: [] } });
    const statuses = received().flatMap((m) => (m.type === 'node_status' ? [[m.nodeId, m.status, m.rows]] : []));
    expect(statuses).toEqual([
      ['sales', 'running', undefined],
      ['sales', 'done', 5],
    ]);
  });

  it('answers get_schema with the grouped form of a kind, get_columns with a node output, errors with their fix', async () => {
    const { source, ask } = await connect();
    await runCell(source.load(), '%%source sales\nsales.csv');
    const schema = await ask({ type: 'get_schema', kind: 'dnn_regressor' });
    expect(schema.ok && 'groups' in schema.result && schema.result.groups.map((g) => g.id)).toEqual(['data', 'preprocessing', 'network', 'training', 'cluster']);
    const columns = await ask({ type: 'get_columns', nodeId: 'sales' });
    expect(columns).toMatchObject({ ok: true, result: { columns: [{ name: 'city' }, { name: 'qty' }] } });
    const unknownKind = await ask({ type: 'get_schema', kind: 'nope' });
    expect(unknownKind).toMatchObject({ ok: false, error: { message: expect.stringContaining('%%nope'), hint: expect.stringContaining('%%source') } });
    const malformed = await ask({ type: 'get_columns', node: 'sales' });
    expect(malformed).toMatchObject({ ok: false, error: { message: expect.stringContaining('does not understand') } });
  });

  it('runs a node and what follows it outside any cell, replying when the run ends', async () => {
    const { source, ask, received } = await connect();
    const session = source.load();
    await runCell(session, '%%source sales\nsales.csv');
    session.globals.flow.node({ id: 'totals', kind: 'sql', from: 'sales', body: 'SELECT city, sum(qty) AS qty FROM sales GROUP BY city' });
    expect(session.flow.state('totals').status).toBe('stale');
    const before = received().length;
    expect(await ask({ type: 'run_node', nodeId: 'sales', downstream: true })).toMatchObject({ ok: true, result: { accepted: true } });
    expect(session.flow.state('totals').status).toBe('done');
    const finished = received().slice(before).flatMap((m) => (m.type === 'node_status' && m.status !== 'running' ? [[m.nodeId, m.status]] : []));
    expect(finished).toEqual([
      ['sales', 'cached'],
      ['totals', 'done'],
    ]);
    const unknown = await ask({ type: 'run_node', nodeId: 'missing', downstream: false });
    expect(unknown).toMatchObject({ ok: false, error: { message: expect.stringContaining('missing') } });
  });

  it('streams a training job (started, metrics per epoch) and Stop ends it while its cell runs, keeping the model', async () => {
    const { source, ask, received, dir } = await connect();
    const session = source.load();
    await runCell(session, '%%source cars\ncars.json');
    const cell = runCell(session, [
      '%%dnn_regressor mpg --from cars',
      'target: Miles_per_Gallon',
      'features: [Horsepower, Weight_in_lbs]',
      'training: {epochs: 400, batch_size: 64, early_stopping: {patience: 400}}',
    ].join('\n'));
    const started = await until(() => received().find((m) => m.type === 'job_started'));
    expect(started).toMatchObject({ nodeId: 'mpg', epochs: 400, logPath: expect.stringContaining(started.type === 'job_started' ? started.jobId : '?') });
    const jobId = started.type === 'job_started' ? started.jobId : '';
    const epochs = () => received().filter((m) => m.type === 'job_metrics' && m.jobId === jobId);
    await until(() => (epochs().length >= 2 ? true : undefined));
    expect(epochs()[0]).toMatchObject({ epoch: 1, logs: { loss: expect.any(Number), val_loss: expect.any(Number) } });

    expect(await ask({ type: 'stop_job', jobId })).toMatchObject({ ok: true, result: { stopped: true } });
    expect((await cell).outcome).toEqual({ status: 'ok' });
    const finished = received().find((m) => m.type === 'job_finished');
    expect(finished).toMatchObject({ jobId, state: 'stopped', best: { epoch: expect.any(Number), metric: 'val_loss' } });
    expect(epochs().length).toBeLessThan(400);
    expect(session.flow.state('mpg').status).toBe('done');
    expect(readdirSync(join(dir, '.flowbook', 'models', 'mpg'))).toHaveLength(1);
    expect(await ask({ type: 'stop_job', jobId })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not running') } });
  }, 120_000);
});
