/**
 * stop_on_error's boundary over real sockets (needs `npm run build`): the requests queued when a cell
 * fails are aborted, and a request the client sends only after it saw the error reply runs.
 */
import type { KernelClient } from '../../src/client/kernel-client';
import { startTestKernel } from './support/test-kernel';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stop_on_error over real sockets', () => {
  let kernel: KernelClient;
  beforeAll(async () => {
    kernel = await startTestKernel();
  });
  afterAll(async () => {
    await kernel.close();
  });

  /** Sends `code`, waits for its reply, and sends the follow-up the moment the reply is in. */
  async function failThenFollow(code: string, round: number, whileRunning?: () => Promise<void>): Promise<unknown> {
    const failing = kernel.send('shell', 'execute_request', { code, stop_on_error: true });
    await whileRunning?.();
    const error = await kernel.reply('shell', failing, 20_000);
    const follow = kernel.send('shell', 'execute_request', { code: `${round}`, stop_on_error: true });
    expect(error.content.status).toBe('error');
    const answer = await kernel.reply('shell', follow, 20_000);
    await kernel.waitForIdle(follow);
    return answer.content.status;
  }

  it('a cell sent right after a failing cell\'s error reply runs (throw, type error), 20 times in a row', async () => {
    const statuses: unknown[] = [];
    for (let round = 0; round < 20; round++) {
      const code = round % 2 === 0 ? `throw new Error("round ${round}")` : `const n${round}: number = "not a number";`;
      statuses.push(await failThenFollow(code, round));
    }
    expect(statuses).toEqual(Array(20).fill('ok'));
  });

  it('a cell sent right after an interrupted while (true) {} reply runs', async () => {
    const statuses: unknown[] = [];
    for (let round = 0; round < 5; round++) {
      statuses.push(
        await failThenFollow('while (true) {}', round, async () => {
          await sleep(200);
          await kernel.interrupt();
        }),
      );
    }
    expect(statuses).toEqual(Array(5).fill('ok'));
  });

  it('the requests queued before the error are still aborted, and the one after the reply runs', async () => {
    const failing = kernel.send('shell', 'execute_request', { code: 'await new Promise(r => setTimeout(r, 300)); throw new Error("fails")', stop_on_error: true });
    const queued = [kernel.send('shell', 'execute_request', { code: '"queued 1"' }), kernel.send('shell', 'execute_request', { code: '"queued 2"' })];
    expect((await kernel.reply('shell', failing)).content.status).toBe('error');
    const after = kernel.send('shell', 'execute_request', { code: '"after"' });
    for (const id of queued) expect((await kernel.reply('shell', id)).content.status).toBe('aborted');
    expect((await kernel.reply('shell', after)).content.status).toBe('ok');
  });
});
