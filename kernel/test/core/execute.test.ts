import type { ExecuteOutcome } from '../../src/core/interpreter';
import { idleOf, replyOf, request, startHarness, types } from './support/fake-kernel';

describe('execute_request', () => {
  it('publishes busy, execute_input, outputs, execute_result, replies ok, then idle, all with the request as parent', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('print', (out) => {
      out.stream('stdout', 'hello, world\n');
      return { status: 'ok', result: { data: { 'text/plain': '4' }, metadata: {} } };
    });
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'print', silent: false }));
    expect(types(sent)).toEqual(['status:busy', 'execute_input', 'stream', 'execute_result', 'execute_reply', 'status:idle']);
    expect(sent.map((s) => s.channel)).toEqual(['iopub', 'iopub', 'iopub', 'iopub', 'shell', 'iopub']);
    expect(sent[3].message.content).toEqual({ execution_count: 1, data: { 'text/plain': '4' }, metadata: {} });
    expect(replyOf(sent).content).toEqual({ status: 'ok', execution_count: 1, payload: [], user_expressions: {} });
  });

  it('the reply goes back to the identities of the client that asked', async () => {
    const kernel = startHarness();
    const req = request('execute_request', { code: '1' });
    const sent = await kernel.roundTrip('shell', req);
    expect(replyOf(sent).identities).toEqual(req.identities);
  });

  it('an error publishes ename, evalue and traceback and the reply carries them with status error', async () => {
    const kernel = startHarness();
    const failure: ExecuteOutcome = { status: 'error', ename: 'TypeError', evalue: 'x is not a function', traceback: ['TypeError: x is not a function', '    at cell 1:1'] };
    kernel.interpreter.cells.set('x()', () => failure);
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'x()' }));
    expect(types(sent)).toEqual(['status:busy', 'execute_input', 'error', 'execute_reply', 'status:idle']);
    expect(sent[2].message.content).toEqual({ ename: 'TypeError', evalue: 'x is not a function', traceback: failure.traceback });
    expect(replyOf(sent).content).toMatchObject({ status: 'error', execution_count: 1, ename: 'TypeError', evalue: 'x is not a function' });
  });

  it('an interpreter that throws becomes an error reply instead of a lost request', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('boom', () => {
      throw new RangeError('too deep');
    });
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'boom' }));
    expect(replyOf(sent).content).toMatchObject({ status: 'error', ename: 'RangeError', evalue: 'too deep' });
  });

  it('code that is not text is an error naming what came, not an empty cell\'s ok', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 123 }));
    expect(replyOf(sent).content).toMatchObject({ status: 'error', ename: 'BadRequest', evalue: "execute_request's code is a number; the Jupyter protocol sends the cell's text as a string" });
    expect(kernel.interpreter.executed).toHaveLength(0);
    expect(types(sent)).toEqual(['status:busy', 'execute_input', 'error', 'execute_reply', 'status:idle']);
  });

  it('P2: silent shows nothing but busy/idle, store_history:false shows output without counting, missing fields take defaults', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set("globalThis.__setup = 1; console.log('setup')", (out) => {
      out.stream('stdout', 'setup\n');
      out.display({ 'text/plain': 'shown?' });
      return { status: 'ok', result: { data: { 'text/plain': '1' }, metadata: {} } };
    });
    kernel.interpreter.cells.set("console.log('hi'); 2+2", (out) => {
      out.stream('stdout', 'hi\n');
      return { status: 'ok', result: { data: { 'text/plain': '4' }, metadata: {} } };
    });
    const full = { user_expressions: {}, allow_stdin: false, stop_on_error: true };

    const silent = await kernel.roundTrip('shell', request('execute_request', { code: "globalThis.__setup = 1; console.log('setup')", silent: true, store_history: true, ...full }));
    expect(types(silent)).toEqual(['status:busy', 'execute_reply', 'status:idle']);
    expect(kernel.interpreter.executed[0].request).toMatchObject({ silent: true, storeHistory: false, executionCount: 0 });

    const unstored = await kernel.roundTrip('shell', request('execute_request', { code: "console.log('hi'); 2+2", silent: false, store_history: false, ...full }));
    expect(types(unstored)).toEqual(['status:busy', 'execute_input', 'stream', 'execute_result', 'execute_reply', 'status:idle']);
    expect(replyOf(unstored).content).toMatchObject({ status: 'ok', execution_count: 0 });

    const minimal = await kernel.roundTrip('shell', request('execute_request', { code: '', silent: true }));
    expect(replyOf(minimal).content).toMatchObject({ status: 'ok', execution_count: 0, user_expressions: {} });

    const bare = await kernel.roundTrip('shell', request('execute_request', {}));
    expect(kernel.interpreter.executed[3].request).toMatchObject({ silent: false, storeHistory: true, allowStdin: true });
    expect(replyOf(bare).content).toMatchObject({ status: 'ok', execution_count: 1 });
  });

  it('evaluates user_expressions after a successful cell and returns them in the reply', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'x = 1', user_expressions: { twice: 'x * 2' } }));
    expect(replyOf(sent).content.user_expressions).toEqual({ twice: { status: 'ok', data: { 'text/plain': '<x * 2>' }, metadata: {} } });
  });

  it('passes the payload of a cell (a help page) into the reply', async () => {
    const kernel = startHarness();
    const page = { source: 'page', data: { 'text/plain': 'Math.max(...values: number[]): number' }, start: 0 };
    kernel.interpreter.cells.set('Math.max?', () => ({ status: 'ok', payload: [page] }));
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'Math.max?' }));
    expect(replyOf(sent).content.payload).toEqual([page]);
  });

  it("hands the interpreter JupyterLab's cellId from the request metadata", async () => {
    const kernel = startHarness();
    await kernel.roundTrip('shell', request('execute_request', { code: '1' }, { cellId: 'cell-7' }));
    expect(kernel.interpreter.executed[0].request.cellId).toBe('cell-7');
  });

  it('a display is display_data; its handle\'s update is update_display_data with the display_id in transient', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('progress', (out) => {
      out.display({ 'text/plain': 'chart' });
      out.display({ 'text/plain': '0%' }, {}, { display_id: 'progress-1' });
      out.display({ 'text/plain': '100%' }, {}, { display_id: 'progress-1' }, true);
      return { status: 'ok' };
    });
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'progress' }));
    expect(types(sent)).toEqual(['status:busy', 'execute_input', 'display_data', 'display_data', 'update_display_data', 'execute_reply', 'status:idle']);
    expect(sent.slice(2, 5).map((s) => s.channel)).toEqual(['iopub', 'iopub', 'iopub']);
    expect(sent.slice(2, 5).map((s) => s.message.content)).toEqual([
      { data: { 'text/plain': 'chart' }, metadata: {}, transient: {} },
      { data: { 'text/plain': '0%' }, metadata: {}, transient: { display_id: 'progress-1' } },
      { data: { 'text/plain': '100%' }, metadata: {}, transient: { display_id: 'progress-1' } },
    ]);
  });

  it('K3: output a cell produces after its idle keeps that cell’s parent, never the next cell’s', async () => {
    const kernel = startHarness();
    let lateOutput: ((text: string) => void) | undefined;
    kernel.interpreter.cells.set('A', (out) => {
      lateOutput = (text) => out.stream('stdout', text);
      return { status: 'ok', result: { data: { 'text/plain': "'A done'" }, metadata: {} } };
    });
    kernel.interpreter.cells.set('B', (out) => {
      lateOutput?.('A: late line\n');
      out.stream('stdout', 'B\n');
      return { status: 'ok' };
    });
    const a = request('execute_request', { code: 'A' });
    await kernel.roundTrip('shell', a);
    const b = await kernel.roundTrip('shell', request('execute_request', { code: 'B' }));
    expect(b.filter((s) => s.message.header.msg_type === 'stream').map((s) => s.message.content.text)).toEqual(['B\n']);
    const late = kernel.transport.sent.find((s) => s.message.content.text === 'A: late line\n');
    expect(late?.message.parent_header).toEqual(a.header);
  });
});

describe('stop_on_error', () => {
  it('answers the execute requests queued behind an error with status aborted, each inside busy/idle, then runs new ones', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('fail', () => ({ status: 'error', ename: 'Error', evalue: 'no', traceback: [] }));
    const fail = request('execute_request', { code: 'fail' });
    const queued1 = request('execute_request', { code: 'queued 1' });
    const queued2 = request('execute_request', { code: 'queued 2' });
    const inspect = request('inspect_request', { code: 'x', cursor_pos: 1 });
    kernel.core.receive('shell', fail);
    kernel.core.receive('shell', queued1);
    kernel.core.receive('shell', inspect);
    const sent2 = await kernel.roundTrip('shell', queued2);
    const sent1 = kernel.transport.sent.filter((s) => s.message.parent_header === queued1.header);
    expect(types(sent1)).toEqual(['status:busy', 'execute_reply', 'status:idle']);
    expect(replyOf(sent1).content).toMatchObject({ status: 'aborted' });
    expect(replyOf(sent2).content).toMatchObject({ status: 'aborted' });
    expect(kernel.transport.sent.find((s) => s.message.parent_header === inspect.header && s.message.header.msg_type === 'inspect_reply')?.message.content.status).toBe('ok');
    expect(kernel.interpreter.executed.map((e) => e.code)).toEqual(['fail']);

    const later = await kernel.roundTrip('shell', request('execute_request', { code: 'later' }));
    expect(replyOf(later).content).toMatchObject({ status: 'ok', execution_count: 2 });
  });

  it('with stop_on_error:false the queued requests still run', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('fail', () => ({ status: 'error', ename: 'Error', evalue: 'no', traceback: [] }));
    kernel.core.receive('shell', request('execute_request', { code: 'fail', stop_on_error: false }));
    const next = await kernel.roundTrip('shell', request('execute_request', { code: 'next' }));
    expect(replyOf(next).content.status).toBe('ok');
  });

  it('requests still inside the transport when the error happens are aborted too', async () => {
    const kernel = startHarness();
    const inFlight = request('execute_request', { code: 'in flight' });
    let delivered = false;
    kernel.transport.drain = async () => {
      if (!delivered) kernel.core.receive('shell', inFlight);
      delivered = true;
    };
    kernel.interpreter.cells.set('fail', () => ({ status: 'error', ename: 'Error', evalue: 'no', traceback: [] }));
    kernel.core.receive('shell', request('execute_request', { code: 'fail' }));
    await idleOf(kernel.transport, inFlight.header.msg_id);
    const reply = kernel.transport.sent.find((s) => s.message.parent_header === inFlight.header && s.message.header.msg_type === 'execute_reply');
    expect(reply?.message.content.status).toBe('aborted');
  });

  it('a request that arrives once the error reply is out runs: the client sent it after seeing the error', async () => {
    const kernel = startHarness();
    const inFlight = request('execute_request', { code: 'in flight' });
    const afterReply = request('execute_request', { code: 'after the reply' });
    kernel.transport.drain = async () => kernel.core.receive('shell', inFlight);
    const send = kernel.transport.send.bind(kernel.transport);
    kernel.transport.send = (channel, message) => {
      send(channel, message);
      // The client answers the error reply at once; the transport delivers before any drain.
      if (message.header.msg_type === 'execute_reply' && message.content.status === 'error') kernel.core.receive('shell', afterReply);
    };
    kernel.interpreter.cells.set('fail', () => ({ status: 'error', ename: 'Error', evalue: 'no', traceback: [] }));
    kernel.core.receive('shell', request('execute_request', { code: 'fail' }));
    await idleOf(kernel.transport, afterReply.header.msg_id);
    const replyTo = (req: typeof inFlight) => kernel.transport.sent.find((s) => s.message.parent_header === req.header && s.message.header.msg_type === 'execute_reply');
    expect(replyTo(inFlight)?.message.content.status).toBe('aborted');
    expect(replyTo(afterReply)?.message.content.status).toBe('ok');
    expect(kernel.interpreter.executed.map((e) => e.code)).toEqual(['fail', 'after the reply']);
  });
});
