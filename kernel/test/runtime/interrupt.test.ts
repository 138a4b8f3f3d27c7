import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { Session, errorOf } from './session-harness';

const hostProcess = vm.runInThisContext('process') as NodeJS.Process;

/** Does from another thread, after `delayMs`, what the kernel's socket worker does on interrupt_request. */
function interruptFromAnotherThread(flag: Int32Array, delayMs: number, how: 'flag' | 'signal'): Worker {
  const code = `
    const { workerData } = require('node:worker_threads');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
    if (workerData.how === 'flag') Atomics.store(workerData.flag, 0, 1);
    else process.kill(process.pid, 'SIGINT');`;
  return new Worker(code, { eval: true, workerData: { flag, delayMs, how } });
}

describe('K5: interrupt during await or a tight loop', () => {
  let session: Session;
  beforeAll(async () => {
    session = new Session();
    await session.run('var state = { n: 1 };');
  });
  afterAll(() => session.shutdown());

  it('stops a pending await, and the state is kept', async () => {
    const { done } = session.start('await new Promise(r => setTimeout(r, 60_000));\nstate.n = 2;');
    setTimeout(() => session.interpreter.interrupt(), 200);
    const error = errorOf(await done);
    expect(error.ename).toBe('Interrupted');
    expect(await session.value('state.n')).toBe('1');
  });

  it('stops a synchronous tight loop through the shared flag', async () => {
    const worker = interruptFromAnotherThread(session.interpreter.interruptFlag, 300, 'flag');
    const { outcome } = await session.run('let i = 0; while (true) { i++; }');
    await worker.terminate();
    expect(errorOf(outcome).ename).toBe('Interrupted');
    expect(Number(await session.value('i'))).toBeGreaterThan(0);
    expect(await session.value('state.n')).toBe('1');
  });

  it('stops a synchronous tight loop through SIGINT (breakOnSigint)', async () => {
    // A stray SIGINT after the loop must not end the test process.
    const ignore = () => undefined;
    hostProcess.on('SIGINT', ignore);
    try {
      const worker = interruptFromAnotherThread(session.interpreter.interruptFlag, 300, 'signal');
      const { outcome } = await session.run('%%js\nlet k = 0; for (;;) k++;');
      await worker.terminate();
      expect(errorOf(outcome).ename).toBe('Interrupted');
    } finally {
      hostProcess.off('SIGINT', ignore);
    }
  });

  it('stops a tight loop that runs after an await, outside the vm call', async () => {
    const worker = interruptFromAnotherThread(session.interpreter.interruptFlag, 400, 'flag');
    const { outcome } = await session.run('await new Promise(r => setTimeout(r, 10));\nlet j = 0;\nwhile (true) j++;');
    await worker.terminate();
    expect(errorOf(outcome).ename).toBe('Interrupted');
    expect(await session.value('state.n')).toBe('1');
  });

  it('stops a loop inside a function defined by an earlier cell', async () => {
    await session.run('function spin() { let x = 0; do { x++; } while (x > 0); return x; }');
    const worker = interruptFromAnotherThread(session.interpreter.interruptFlag, 300, 'flag');
    const { outcome } = await session.run('await Promise.resolve();\nspin()');
    await worker.terminate();
    expect(errorOf(outcome).ename).toBe('Interrupted');
  });

  it('resets the flag when the next cell starts', async () => {
    Atomics.store(session.interpreter.interruptFlag, 0, 1);
    expect(await session.value('let sum = 0; for (const x of [1, 2, 3]) sum += x; sum')).toBe('6');
  });
});
