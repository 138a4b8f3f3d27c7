import { replyOf, request, startHarness } from './support/fake-kernel';

describe('shutdown_request', () => {
  it.each([false, true])('with restart %s: replies first, then shuts the interpreter down, then exits', async (restart) => {
    const kernel = startHarness();
    const sent = await kernel.roundTrip('control', request('shutdown_request', { restart }));
    expect(replyOf(sent).content).toEqual({ status: 'ok', restart });
    expect(kernel.interpreter.shutdowns).toEqual([restart]);
    expect(kernel.exits).toEqual([restart]);
  });

  it('a second shutdown (control after the worker already asked) frees the interpreter only once', async () => {
    const kernel = startHarness();
    await Promise.all([kernel.core.shutdown(false), kernel.core.shutdown(false)]);
    expect(kernel.interpreter.shutdowns).toEqual([false]);
    expect(kernel.exits).toEqual([false]);
  });
});
