import type { KernelEvent } from '@flowbook/protocol';
import { FlowbookConnection, FlowbookRequestError } from '../../src/comm/connection';
import { FakeComm, IRIS_FLOW } from '../fake-comm';

describe('FlowbookConnection', () => {
  it('matches each reply to its request by request id, whatever the order', async () => {
    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    const graph = connection.request<'get_graph'>({ type: 'get_graph' });
    const columns = connection.request<'get_columns'>({ type: 'get_columns', nodeId: 'parts', port: 'train' });
    const [graphReq, columnsReq] = comm.sent;
    expect(graphReq.requestId).not.toEqual(columnsReq.requestId);

    comm.push({ type: 'reply', requestId: columnsReq.requestId, ok: true, result: { columns: [{ name: 'sepalLength', type: 'float64' }] } });
    comm.push({ type: 'reply', requestId: graphReq.requestId, ok: true, result: IRIS_FLOW });

    await expect(columns).resolves.toEqual({ columns: [{ name: 'sepalLength', type: 'float64' }] });
    await expect(graph).resolves.toEqual(IRIS_FLOW);
  });

  it('rejects with the kernel message and hint when the kernel refuses a request', async () => {
    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    const run = connection.request<'run_node'>({ type: 'run_node', nodeId: 'ghost', downstream: false });
    comm.push({
      type: 'reply',
      requestId: comm.last().requestId,
      ok: false,
      error: { message: 'There is no node "ghost" in this flow.', hint: 'Run the cell that defines it first.' }
    });
    const error = await run.catch(e => e);
    expect(error).toBeInstanceOf(FlowbookRequestError);
    expect(error.message).toBe('There is no node "ghost" in this flow.');
    expect(error.hint).toBe('Run the cell that defines it first.');
  });

  it('re-emits kernel events and ignores messages of unknown shape', () => {
    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    const seen: KernelEvent[] = [];
    connection.event.connect((_, e) => seen.push(e));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    comm.push({ type: 'node_status', nodeId: 'iris', status: 'running' });
    comm.push({ hello: 'world' });
    warn.mockRestore();
    expect(seen).toEqual([{ type: 'node_status', nodeId: 'iris', status: 'running' }]);
  });

  it('rejects pending requests when the kernel closes the comm, and refuses new ones', async () => {
    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    const pending = connection.request<'get_schema'>({ type: 'get_schema', kind: 'dnn_classifier' });
    comm.closeFromKernel();
    await expect(pending).rejects.toThrow(/closed the connection/);
    await expect(connection.request<'get_graph'>({ type: 'get_graph' })).rejects.toThrow(/not connected/);
    expect(connection.isClosed).toBe(true);
  });
});
