import * as vm from 'node:vm';
import { Session, errorOf } from './session-harness';

const hostProcess = vm.runInThisContext('process') as NodeJS.Process;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('output routing', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session();
  });
  afterAll(() => session.shutdown());

  it('K3: late output keeps its cell; "B" appears only in B', async () => {
    const a = await session.run(
      'setTimeout(() => console.log("A: late line"), 300);\n' +
        'Promise.resolve().then(() => new Promise(r => setTimeout(r, 100))).then(() => console.log("A: then"));\n"A done";',
    );
    expect(a.outcome).toMatchObject({ status: 'ok', result: { data: { 'text/plain': "'A done'" } } });
    const b = await session.run('console.log("B")');
    await sleep(450);
    expect(b.output.stdout).toBe('B\n');
    expect(a.output.stdout).toBe('A: then\nA: late line\n');
    expect(a.output.stderr).toMatch(/cell \[1\] left 2 pending timers/);
  });

  it('K3: an unhandled rejection is reported on the stderr of the cell that caused it, and the kernel lives', async () => {
    // jest fails a test on any unhandled rejection; here the kernel's own handling is under test.
    const jestHandlers = hostProcess.listeners('unhandledRejection');
    hostProcess.removeAllListeners('unhandledRejection');
    const own = new Session();
    try {
      const a = await own.run('Promise.resolve().then(() => { throw new Error("nobody awaited me"); });\n1');
      const b = await own.run('await new Promise(r => setTimeout(r, 50)); "B"');
      await sleep(50);
      expect(a.output.stderr).toMatch(/Unhandled promise rejection in cell \[1\]:\nError: nobody awaited me\n {4}at cell \[1\], line 1/);
      expect(b.output.stderr).toBe('');
      expect(await own.value('"alive"')).toBe("'alive'");
    } finally {
      await own.shutdown();
      for (const handler of jestHandlers) hostProcess.on('unhandledRejection', handler as (...args: unknown[]) => void);
    }
  });

  it('K3: a late throw from a timer is reported on its cell and does not kill the kernel', async () => {
    const a = await session.run('setTimeout(() => { throw new TypeError("late"); }, 20);');
    await sleep(60);
    expect(a.output.stderr).toMatch(/Uncaught error in a timer of cell \[\d+\]:\nTypeError: late\n {4}at cell \[\d+\], line 1/);
    expect(await session.value('"alive"')).toBe("'alive'");
  });

  it('K3: a setInterval left running does not hold the reply; interrupt stops it', async () => {
    const { output, done } = session.start('let ticks = 0;\nsetInterval(() => { ticks++; }, 5);\nawait new Promise(r => setTimeout(r, 60_000));');
    await sleep(100);
    session.interpreter.interrupt();
    expect(errorOf(await done).ename).toBe('Interrupted');
    const stopped = Number(await session.value('ticks'));
    await sleep(50);
    expect(Number(await session.value('ticks'))).toBe(stopped);
    expect(stopped).toBeGreaterThan(0);
    expect(output.stderr).toBe('');
    const left = await session.run('setInterval(() => {}, 1000);\n"returned"');
    expect(left.outcome.status).toBe('ok');
    expect(left.output.stderr).toMatch(/left 1 pending timer;/);
  });

  it('K3: an interrupt also stops the timers earlier cells left, when no cell runs or while another does', async () => {
    const own = new Session();
    try {
      const left = await own.run('var ticks = 0;\nsetInterval(() => { ticks++; }, 5);');
      expect(left.output.stderr).toMatch(/cell \[1\] left 1 pending timer;/);
      await sleep(50);
      own.interpreter.interrupt(); // nothing runs
      const stopped = Number(await own.value('ticks'));
      await sleep(50);
      expect(Number(await own.value('ticks'))).toBe(stopped);
      expect(stopped).toBeGreaterThan(0);
      expect(left.output.stderr).toContain('interrupt: stopped 1 timer left by cell [1]\n');

      const again = await own.run('setInterval(() => { ticks++; }, 5);\nsetTimeout(() => console.log("never"), 200);');
      expect(again.output.stderr).toMatch(/cell \[4\] left 2 pending timers;/);
      const running = own.start('await new Promise(r => setTimeout(r, 60_000));');
      await sleep(50);
      own.interpreter.interrupt();
      expect(errorOf(await running.done).ename).toBe('Interrupted');
      const after = Number(await own.value('ticks'));
      await sleep(250);
      expect(Number(await own.value('ticks'))).toBe(after);
      expect(again.output.stdout).toBe('');
      expect(again.output.stderr).toContain('interrupt: stopped 2 timers left by cell [4]\n');
      // The interrupted cell's own timer is its interrupt's: no note there.
      expect(running.output.stderr).toBe('');

      own.interpreter.interrupt(); // nothing is left: nothing more is said
      expect(left.output.stderr.match(/interrupt: stopped/g)).toHaveLength(1);
      expect(again.output.stderr.match(/interrupt: stopped/g)).toHaveLength(1);
    } finally {
      await own.shutdown();
    }
  });

  it('caps a flood of output with a note', async () => {
    const small = new Session({ outputLimitBytes: 1024 });
    try {
      const { outcome, output } = await small.run('for (let i = 0; i < 10_000; i++) console.log("line", i);\n"done"');
      expect(outcome.status).toBe('ok');
      expect(output.stdout.length).toBeLessThanOrEqual(1024);
      expect(output.stderr).toMatch(/output truncated after 1 KB; the rest of this cell's output is dropped/);
    } finally {
      await small.shutdown();
    }
  });
});
