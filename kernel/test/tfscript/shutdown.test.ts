import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryFolder } from '../flow/helpers';
import { buildKernel, CARS_TRAINING, childrenOf, REPO, tfscriptCell, until } from './cells';

beforeAll(buildKernel, 120_000);

/**
 * A stand-in kernel process: the compiled flow session runs a long tfscript job; once the job trains
 * it prints the job id and worker pid, then ends as told: `exit` is the kernel's shutdown or restart
 * (the core calls process.exit), `kill` a kernel killed outright.
 */
const KERNEL = `
const { createFlowSession } = require(${JSON.stringify(join(REPO, 'kernel/dist/runtime/flow-session'))});
const { jobRegistry } = require(${JSON.stringify(join(REPO, 'kernel/dist/train/jobs/registry'))});
const [dir, cellFile, ending] = process.argv.slice(2);
const session = createFlowSession({ notebookDir: dir });
const cell = { output: { stream() {}, display() {}, clearOutput() {}, input: async () => '' }, signal: new AbortController().signal, evaluate: async () => undefined };
(async () => {
  await session.magics.run('%%source cars\\ncars.json', cell);
  await session.magics.run('%%split parts --from cars\\ntest_ratio: 0.2\\nseed: 1', cell);
  void session.magics.run(require('fs').readFileSync(cellFile, 'utf8'), cell);
  const timer = setInterval(() => {
    const record = jobRegistry.running()[0];
    if (!record || !record.logText().includes('training rows')) return;
    clearInterval(timer);
    process.stdout.write(JSON.stringify({ jobId: record.job.id, pid: record.job.pid }) + '\\n');
    if (ending === 'exit') process.exit(0);
  }, 50);
})();
`;

async function runKernelUntilTraining(ending: 'exit' | 'kill'): Promise<{ dir: string; jobId: string; pid: number; kernelPid: number; exited: Promise<void> }> {
  const dir = temporaryFolder();
  copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
  writeFileSync(join(dir, 'kernel.js'), KERNEL);
  writeFileSync(join(dir, 'cell.txt'), tfscriptCell('long', [...CARS_TRAINING, '  epochs: 100000']));
  const kernel = spawn(process.execPath, [join(dir, 'kernel.js'), dir, join(dir, 'cell.txt'), ending], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => kernel.on('exit', () => resolve()));
  let out = '';
  kernel.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  await until(() => out.includes('\n'));
  const { jobId, pid } = JSON.parse(out) as { jobId: string; pid: number };
  return { dir, jobId, pid, kernelPid: kernel.pid!, exited };
}

function status(dir: string, jobId: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, '.flowbook', 'jobs', jobId, 'status.json'), 'utf8')) as Record<string, unknown>;
}

describe('a kernel that ends while a tfscript job trains', () => {
  it('on shutdown or restart (process exit): the worker is ended and the job recorded failed, naming why', async () => {
    const { dir, jobId, pid, exited } = await runKernelUntilTraining('exit');
    await exited;
    await until(() => !isRunning(pid), 1_000);
    expect(status(dir, jobId)).toMatchObject({ jobId, state: 'failed', error: 'the kernel shut down while the job was running' });
    expect(readFileSync(join(dir, '.flowbook', 'jobs', jobId, 'log.txt'), 'utf8')).toMatch(/the kernel shut down while the job was running\n$/);
  }, 90_000);

  it('killed outright: the worker notices its kernel is gone and exits; %jobs then reads the job as lost', async () => {
    const { dir, jobId, pid, kernelPid, exited } = await runKernelUntilTraining('kill');
    expect(childrenOf(kernelPid)).toContain(pid);
    process.kill(kernelPid, 'SIGKILL');
    await exited;
    await until(() => !isRunning(pid), 10_000);
    expect(status(dir, jobId)).toMatchObject({ jobId, state: 'running' });
    const { createFlowSession } = await import('../../src/runtime/flow-session');
    const { runCell, text } = await import('../flow/cells');
    const listing = text(await runCell(createFlowSession({ notebookDir: dir }), '%jobs'));
    expect(listing).toMatch(new RegExp(`${jobId}\\s+long\\s+lost`));
  }, 90_000);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
