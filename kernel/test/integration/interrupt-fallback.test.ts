/**
 * K5's last resort over real sockets (needs `npm run build`): a cell no interrupt can stop is answered
 * by the socket worker, and the process ends so that Jupyter's restarter restarts the kernel visibly;
 * a cell that does stop in time keeps the kernel alive.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { KernelClient } from '../../src/client/kernel-client';
import type { Message } from '../../src/core/messages';
import { isRunning, waitUntilGone } from './support/processes';
import { msgTypes, startTestKernel } from './support/test-kernel';

jest.setTimeout(60_000);

const GRACE_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A kernel of its own for the describe block that calls this, with the short grace period. */
function shortGraceKernel(): () => KernelClient {
  let started: KernelClient | undefined;
  beforeAll(async () => {
    started = await startTestKernel({ FLOWBOOK_INTERRUPT_GRACE_MS: String(GRACE_MS) });
  });
  afterAll(async () => {
    await started?.close();
  });
  return () => started!;
}

describe('an interrupt the cell cannot take', () => {
  const client = shortGraceKernel();

  it('K5: a catastrophic regular expression after an await gets an InterruptFailed reply, idle, and the process ends', async () => {
    await client().execute('var lost = 1;');
    // Outside vm's breakOnSigint (after the await) and with no loop to carry a check: nothing stops it
    // (2^40 backtracking steps, far beyond this test).
    const id = client().send('shell', 'execute_request', {
      code: "await new Promise(r => setTimeout(r, 10)); /(a+)+$/.test('a'.repeat(40) + 'b')",
      stop_on_error: false,
    });
    let input: Message | undefined;
    for (const deadline = Date.now() + 5000; !input && Date.now() < deadline; await sleep(50)) {
      input = client().iopubFor(id).find((m) => m.header.msg_type === 'execute_input');
    }
    expect(input?.content.execution_count).toBe(2);
    await sleep(300);
    const interruptedAt = Date.now();
    expect((await client().interrupt(2000)).content).toEqual({ status: 'ok' });

    const reply = await client().reply('shell', id, GRACE_MS + 4000);
    const idle = await client().waitForIdle(id, 2000);
    expect(Date.now() - interruptedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(reply.content).toMatchObject({
      status: 'error',
      ename: 'InterruptFailed',
      execution_count: input?.content.execution_count,
    });
    expect(reply.content.evalue).toMatch(/could not be interrupted.*regular expression.*restarts.*variables are lost/);
    expect(reply.content.traceback).toEqual([expect.stringContaining('InterruptFailed')]);
    const iopub: Message[] = [...client().iopubFor(id), idle];
    expect(msgTypes(iopub)).toEqual(['status:busy', 'execute_input', 'error', 'status:idle']);
    expect(iopub[2].content).toMatchObject({ ename: 'InterruptFailed', evalue: reply.content.evalue });

    const exitedWithin = await Promise.race([client().kernel.exited.then(() => true), sleep(3000).then(() => false)]);
    expect(exitedWithin).toBe(true);
    expect(client().kernel.process.signalCode).toBe('SIGKILL');
    expect(client().kernel.stderr.join('')).toContain('did not stop within the grace period');
  });
});

describe('interrupts the cell can take, with a short grace period', () => {
  const client = shortGraceKernel();

  it('K5: a tight loop and a pending await are interrupted normally, and the kernel lives on past the grace period', async () => {
    await client().execute('var state = { n: 1 };');
    for (const code of ['let i = 0; while (true) { i++; }', 'await new Promise(r => setTimeout(r, 60_000));']) {
      const id = client().send('shell', 'execute_request', { code, stop_on_error: false });
      await sleep(300);
      await client().interrupt(2000);
      expect((await client().reply('shell', id, 5000)).content).toMatchObject({ status: 'error', ename: 'Interrupted' });
      await client().waitForIdle(id, 2000);
    }
    await sleep(GRACE_MS + 500);
    expect(client().kernel.hasExited()).toBe(false);
    const after = await client().execute('state.n');
    expect(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': '1' });
  });

  it('a cell that runs past the grace period without an interrupt finishes as usual', async () => {
    const result = await client().execute(`await new Promise(r => setTimeout(r, ${GRACE_MS + 500})); 'done'`);
    expect(result.reply.content).toMatchObject({ status: 'ok' });
    expect(client().kernel.hasExited()).toBe(false);
  });

  it('an interrupt while no cell runs changes nothing', async () => {
    await client().interrupt(2000);
    await sleep(GRACE_MS + 500);
    expect(client().kernel.hasExited()).toBe(false);
    expect((await client().execute('1 + 1')).reply.content).toMatchObject({ status: 'ok' });
  });
});

describe('when the kernel process is killed', () => {
  it('a training job worker notices the closed IPC channel and exits', async () => {
    const workerPath = join(__dirname, '..', '..', 'dist', 'train', 'worker.js');
    // A stand-in kernel that forks the worker the way TrainingJob does, then gets killed like a kernel
    // whose interrupt failed.
    const parent = spawn(process.execPath, ['-e', `
      const child = require('node:child_process').fork(process.argv[1], [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      process.stdout.write(child.pid + '\\n');
      setInterval(() => {}, 1000);
    `, workerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const workerPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    try {
      await sleep(500);
      expect(isRunning(workerPid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitUntilGone(workerPid, 10_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      if (isRunning(workerPid)) process.kill(workerPid, 'SIGKILL');
    }
  });
});
