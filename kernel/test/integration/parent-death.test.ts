/**
 * A kernel whose client process dies (kill -9 of jupyter_client's KernelManager) shuts down by itself,
 * as ipykernel does, instead of running on, reparented, for good (needs `npm run build`).
 */
import { isRunning, startKernelUnderParent, waitUntilGone } from './support/processes';
import type { KernelUnderParent } from './support/processes';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills the intermediate parent, and says how long the kernel took to be gone (undefined: it was not within `timeoutMs`). */
async function killParent(started: KernelUnderParent, timeoutMs: number): Promise<number | undefined> {
  expect(isRunning(started.kernelPid)).toBe(true);
  const killedAt = Date.now();
  started.client.kernel.process.kill('SIGKILL');
  return (await waitUntilGone(started.kernelPid, timeoutMs)) ? Date.now() - killedAt : undefined;
}

/** Sends a cell and returns once it has been running for a moment (past the first cell's compiler load). */
async function startCell(started: KernelUnderParent, code: string): Promise<void> {
  expect((await started.client.execute('var warm = 1;')).reply.content.status).toBe('ok');
  const id = started.client.send('shell', 'execute_request', { code, stop_on_error: false });
  for (const deadline = Date.now() + 10_000; !started.client.iopubFor(id).some((m) => m.header.msg_type === 'execute_input'); await sleep(50)) {
    if (Date.now() > deadline) throw new Error('the cell did not start');
  }
  await sleep(300);
}

const kernelLog = (started: KernelUnderParent) => started.client.kernel.stderr.join('');

describe('when the process that started the kernel dies', () => {
  let started: KernelUnderParent | undefined;
  afterEach(async () => {
    await started?.cleanup();
    started = undefined;
  });

  it('JPY_PARENT_PID: an idle kernel shuts down within a few seconds', async () => {
    started = await startKernelUnderParent('jpy');
    expect((await started.client.execute('1 + 1')).reply.content.status).toBe('ok');
    expect(await killParent(started, 4000)).toBeDefined();
    expect(kernelLog(started)).toMatch(/parent process \d+ \(JPY_PARENT_PID\) has exited; shutting down/);
  });

  it('JPY_PARENT_PID: a kernel spinning in while (true) {} shuts down too, the loop stopped (no hard kill)', async () => {
    started = await startKernelUnderParent('jpy');
    await startCell(started, 'while (true) {}');
    expect(await killParent(started, 4000)).toBeDefined();
    expect(kernelLog(started)).toMatch(/has exited; shutting down/);
    expect(kernelLog(started)).not.toMatch(/did not shut down within/);
  });

  it('no JPY_PARENT_PID: the kernel goes by its parent pid changing, and shuts down', async () => {
    started = await startKernelUnderParent('ppid');
    expect(await killParent(started, 4000)).toBeDefined();
    expect(kernelLog(started)).toMatch(/parent process \d+ has exited \(now parented by \d+\); shutting down/);
  });

  it('a main thread that cannot shut down (a regular expression with no interrupt point) is ended within a few seconds more', async () => {
    started = await startKernelUnderParent('jpy');
    // Outside vm's breakOnSigint (after the await) and with no loop to carry a check: nothing stops it.
    await startCell(started, "await new Promise(r => setTimeout(r, 10)); /(a+)+$/.test('a'.repeat(40) + 'b')");
    expect(await killParent(started, 8000)).toBeDefined();
    expect(kernelLog(started)).toMatch(/did not shut down within \d+ ms; ending the process/);
  });
});

describe('while the process that started the kernel lives', () => {
  it('the kernel keeps running and serving', async () => {
    const started = await startKernelUnderParent('jpy');
    try {
      await sleep(2500);
      expect(isRunning(started.kernelPid)).toBe(true);
      expect((await started.client.execute('2 + 2')).reply.content.status).toBe('ok');
      expect(kernelLog(started)).not.toMatch(/shutting down/);
    } finally {
      await started.cleanup();
    }
  });
});
