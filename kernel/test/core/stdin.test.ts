import { idleOf, replyOf, request, startHarness } from './support/fake-kernel';

describe('stdin', () => {
  it('input_request goes on stdin to the asking client with the cell as parent; input_reply resolves it', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('ask', async (out) => {
      const name = await out.input('name? ', false);
      out.stream('stdout', `hello ${name}\n`);
      return { status: 'ok' };
    });
    const cell = request('execute_request', { code: 'ask', allow_stdin: true });
    kernel.core.receive('shell', cell);
    await new Promise((resolve) => setImmediate(resolve));
    const asked = kernel.transport.sent.find((s) => s.message.header.msg_type === 'input_request');
    expect(asked?.channel).toBe('stdin');
    expect(asked?.message.identities).toEqual(cell.identities);
    expect(asked?.message.parent_header).toEqual(cell.header);
    expect(asked?.message.content).toEqual({ prompt: 'name? ', password: false });

    kernel.core.receive('stdin', { ...request('input_reply', { value: 'Ada' }), parent_header: asked!.message.header });
    await idleOf(kernel.transport, cell.header.msg_id);
    expect(kernel.transport.sent.some((s) => s.message.content.text === 'hello Ada\n')).toBe(true);
  });

  it('when the request disallows stdin, input fails with a clear error instead of waiting forever', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('ask', async (out) => {
      try {
        await out.input('pw: ', true);
        return { status: 'ok' };
      } catch (error) {
        const e = error as Error;
        return { status: 'error', ename: e.name, evalue: e.message, traceback: [] };
      }
    });
    const sent = await kernel.roundTrip('shell', request('execute_request', { code: 'ask', allow_stdin: false }));
    expect(replyOf(sent).content).toMatchObject({ status: 'error', ename: 'StdinNotAllowed' });
    expect(kernel.transport.sent.some((s) => s.message.header.msg_type === 'input_request')).toBe(false);
  });
});
