import type { Comm } from '../../src/core/comms';
import { idleOf, isStatus, parentId, replyOf, request, startHarness } from './support/fake-kernel';

describe('comms', () => {
  it('comm_open to a registered target hands the handler a Comm that sends and receives', async () => {
    const kernel = startHarness();
    const received: unknown[] = [];
    let opened: Comm | undefined;
    kernel.core.comms.registerTarget('flowbook', (comm, data) => {
      opened = comm;
      received.push(data);
      comm.onMessage((msg) => {
        received.push(msg);
        comm.send({ echo: msg.n });
      });
    });
    await kernel.roundTrip('shell', request('comm_open', { comm_id: 'c1', target_name: 'flowbook', data: { hello: 1 } }));
    const msg = request('comm_msg', { comm_id: 'c1', data: { n: 2 } });
    const sent = await kernel.roundTrip('shell', msg);
    expect(opened?.id).toBe('c1');
    expect(received).toEqual([{ hello: 1 }, { n: 2 }]);
    const echo = sent.find((s) => s.message.header.msg_type === 'comm_msg');
    expect(echo?.channel).toBe('iopub');
    expect(echo?.message.content).toEqual({ comm_id: 'c1', data: { echo: 2 } });
  });

  it('comm_open to an unknown target is answered with comm_close', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('comm_open', { comm_id: 'c9', target_name: 'nobody', data: {} }));
    const close = sent.find((s) => s.message.header.msg_type === 'comm_close');
    expect(close?.message.content).toEqual({ comm_id: 'c9', data: {} });
  });

  it('comm_info lists open comms, filtered by target_name; closed comms leave the list', async () => {
    const kernel = startHarness();
    const closes: unknown[] = [];
    kernel.core.comms.registerTarget('a', (comm) => comm.onClose((data) => closes.push(data)));
    kernel.core.comms.registerTarget('b', () => undefined);
    await kernel.roundTrip('shell', request('comm_open', { comm_id: 'a1', target_name: 'a' }));
    await kernel.roundTrip('shell', request('comm_open', { comm_id: 'b1', target_name: 'b' }));
    const all = await kernel.roundTrip('shell', request('comm_info_request', {}));
    expect(replyOf(all).content).toEqual({ status: 'ok', comms: { a1: { target_name: 'a' }, b1: { target_name: 'b' } } });
    const onlyA = await kernel.roundTrip('shell', request('comm_info_request', { target_name: 'a' }));
    expect(replyOf(onlyA).content.comms).toEqual({ a1: { target_name: 'a' } });
    await kernel.roundTrip('shell', request('comm_close', { comm_id: 'a1', data: { bye: true } }));
    expect(closes).toEqual([{ bye: true }]);
    const after = await kernel.roundTrip('shell', request('comm_info_request', {}));
    expect(replyOf(after).content.comms).toEqual({ b1: { target_name: 'b' } });
  });

  it('a comm the kernel opens is announced on iopub and closing it sends comm_close once', () => {
    const kernel = startHarness();
    const comm = kernel.core.comms.open('flowbook', { version: 1 });
    comm.close();
    comm.close();
    comm.send({ ignored: true });
    const sent = kernel.transport.sent.map((s) => [s.channel, s.message.header.msg_type, s.message.content]);
    expect(sent).toEqual([
      ['iopub', 'comm_open', { comm_id: comm.id, target_name: 'flowbook', data: { version: 1 } }],
      ['iopub', 'comm_close', { comm_id: comm.id, data: {} }],
    ]);
    expect(comm.isOpen).toBe(false);
  });

  it('a comm message reaches its handler while a cell still runs, without an idle that would hide the running cell', async () => {
    const kernel = startHarness();
    let finishCell: () => void = () => undefined;
    kernel.interpreter.cells.set('train()', () => new Promise((resolve) => (finishCell = () => resolve({ status: 'ok' }))));
    const received: unknown[] = [];
    kernel.core.comms.registerTarget('flowbook', (comm) => comm.onMessage((data) => received.push(data)));
    await kernel.roundTrip('shell', request('comm_open', { comm_id: 'f1', target_name: 'flowbook', data: {} }));
    const cell = request('execute_request', { code: 'train()', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    kernel.core.receive('shell', cell);
    await new Promise((resolve) => setImmediate(resolve));
    const stop = request('comm_msg', { comm_id: 'f1', data: { type: 'stop_job' } });
    kernel.core.receive('shell', stop);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([{ type: 'stop_job' }]);
    expect(kernel.transport.sent.filter((s) => parentId(s) === stop.header.msg_id && isStatus(s, 'idle'))).toEqual([]);
    finishCell();
    await idleOf(kernel.transport, cell.header.msg_id);
  });
});
