import { History } from '../../src/core/history';
import { KernelCore } from '../../src/core/kernel-core';
import { FakeInterpreter, FakeTransport, idleOf, replyOf, request, startHarness, tempHistoryFile, types } from './support/fake-kernel';

describe('kernel_info_request', () => {
  it('P4: busy, reply, idle with the request as parent, and a complete language_info', async () => {
    const kernel = startHarness();
    const req = request('kernel_info_request', {});
    const sent = await kernel.roundTrip('shell', req);
    expect(types(sent)).toEqual(['status:busy', 'kernel_info_reply', 'status:idle']);
    expect(sent.every((s) => s.message.parent_header === req.header)).toBe(true);
    const content = replyOf(sent).content;
    expect(content).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'flowbook',
      implementation_version: '0.0.0-test',
      language_info: {
        name: 'typescript',
        version: '5.9.3',
        mimetype: 'text/typescript',
        file_extension: '.ts',
        codemirror_mode: 'typescript',
        pygments_lexer: 'typescript',
      },
    });
    expect(typeof content.banner).toBe('string');
    expect(Array.isArray(content.help_links)).toBe(true);
  });

  it('an unknown message type is still wrapped in busy/idle and does not stop the kernel', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('frobnicate_request', {}));
    expect(types(sent)).toEqual(['status:busy', 'status:idle']);
    const after = await kernel.roundTrip('shell', request('kernel_info_request', {}));
    expect(replyOf(after).header.msg_type).toBe('kernel_info_reply');
  });
});

describe('warm-up', () => {
  it('is started once, after the first kernel_info reply and its idle', async () => {
    const transport = new FakeTransport();
    const seenAtWarmUp: string[][] = [];
    const core = new KernelCore({
      transport,
      interpreter: new FakeInterpreter(),
      history: new History(tempHistoryFile()),
      kernelInfo: { status: 'ok' },
      exit: () => undefined,
      afterFirstKernelInfo: () => seenAtWarmUp.push(types(transport.sent)),
    });
    for (const req of [request('kernel_info_request', {}), request('kernel_info_request', {})]) {
      core.receive('shell', req);
      await idleOf(transport, req.header.msg_id);
    }
    expect(seenAtWarmUp).toEqual([['status:busy', 'kernel_info_reply', 'status:idle']]);
  });
});
