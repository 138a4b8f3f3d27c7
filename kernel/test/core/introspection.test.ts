import { replyOf, request, startHarness, types } from './support/fake-kernel';

const P1_CODE = 'const 名称 = 1; // 😀\n名';

describe('complete, inspect and is_complete', () => {
  it('P1: cursor_pos reaches the interpreter in code points, and 0 stays the start of the cell', async () => {
    const kernel = startHarness();
    await kernel.roundTrip('shell', request('complete_request', { code: P1_CODE, cursor_pos: 20 }));
    await kernel.roundTrip('shell', request('complete_request', { code: P1_CODE, cursor_pos: 0 }));
    await kernel.roundTrip('shell', request('complete_request', { code: P1_CODE }));
    expect(kernel.interpreter.completeCalls).toEqual([
      [P1_CODE, 20],
      [P1_CODE, 0],
      [P1_CODE, 20],
    ]);
  });

  it('complete_reply carries status, matches and the cursor range inside busy/idle', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('complete_request', { code: 'al', cursor_pos: 2 }));
    expect(types(sent)).toEqual(['status:busy', 'complete_reply', 'status:idle']);
    expect(replyOf(sent).content).toEqual({ status: 'ok', matches: ['alpha'], cursor_start: 2, cursor_end: 2, metadata: {} });
  });

  it('a failing completion answers status error with ename, evalue and traceback', async () => {
    const kernel = startHarness();
    kernel.interpreter.complete = async () => {
      throw new Error('language service crashed');
    };
    const sent = await kernel.roundTrip('shell', request('complete_request', { code: 'x', cursor_pos: 1 }));
    expect(replyOf(sent).content).toMatchObject({ status: 'error', ename: 'Error', evalue: 'language service crashed' });
  });

  it('inspect_reply says what was found at the cursor', async () => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('shell', request('inspect_request', { code: 'Math.max', cursor_pos: 3, detail_level: 1 }));
    expect(replyOf(sent).content).toEqual({ status: 'ok', found: true, data: { 'text/plain': 'Math.max@3' }, metadata: {} });
  });

  it('is_complete_reply puts the verdict in status, with the indent when incomplete', async () => {
    const kernel = startHarness();
    const incomplete = await kernel.roundTrip('shell', request('is_complete_request', { code: 'function f() {' }));
    expect(replyOf(incomplete).content).toEqual({ status: 'incomplete', indent: '  ' });
    const complete = await kernel.roundTrip('shell', request('is_complete_request', { code: 'f()' }));
    expect(replyOf(complete).content).toEqual({ status: 'complete' });
  });

  it('an interpreter that cannot judge completeness is answered with unknown, never silence', async () => {
    const kernel = startHarness();
    kernel.interpreter.isComplete = async () => {
      throw new Error('parser failed');
    };
    const sent = await kernel.roundTrip('shell', request('is_complete_request', { code: 'x' }));
    expect(replyOf(sent).content).toEqual({ status: 'unknown' });
  });
});
