import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCell } from '../flow/cells';
import { temporaryFolder } from '../flow/helpers';
import { buildKernel, CARS_TRAINING, carsSession, statusOf, tfscriptCell, until } from './cells';

beforeAll(buildKernel, 120_000);

/** A stand-in `tensorboard` executable: records its arguments and pid, and serves the port it is given. */
function fakeTensorBoard(): { bin: string; record: string } {
  const bin = join(temporaryFolder(), 'bin');
  mkdirSync(bin);
  const record = join(bin, 'started.json');
  writeFileSync(join(bin, 'tensorboard'), [
    `#!${process.execPath}`,
    "const args = process.argv.slice(2);",
    `require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, pid: process.pid }));`,
    "require('http').createServer((_q, r) => r.end('tensorboard')).listen(Number(args[args.indexOf('--port') + 1]), '127.0.0.1');",
  ].join('\n'));
  chmodSync(join(bin, 'tensorboard'), 0o755);
  return { bin, record };
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('TensorBoard for a job', () => {
  const path = process.env.PATH;
  afterEach(() => { process.env.PATH = path; });

  it('when `tensorboard` is on PATH: one starts on a free port over the job\'s log folder, is announced, and stops with the job', async () => {
    const { bin, record } = fakeTensorBoard();
    process.env.PATH = `${bin}${delimiter}${path}`;
    const { dir, session } = await carsSession();
    const cell = await runCell(session, tfscriptCell('custom', [...CARS_TRAINING, '  epochs: 2']));
    expect(cell.outcome).toEqual({ status: 'ok' });
    const url = /TensorBoard for this job: (http:\/\/127\.0\.0\.1:(\d+)\/) \(stops when the job ends\)/.exec(cell.stdout);
    expect(url).not.toBeNull();
    const started = JSON.parse(readFileSync(record, 'utf8')) as { args: string[]; pid: number };
    const jobId = /training job (\w+) started/.exec(cell.stdout)![1]!;
    expect(started.args).toEqual(['--logdir', join(dir, '.flowbook', 'jobs', jobId), '--port', url![2], '--host', '127.0.0.1']);
    await until(() => !running(started.pid), 5_000);
    expect(statusOf(dir, jobId).tensorboardUrl).toBeUndefined();
  }, 60_000);

  it('without it, the job runs and names only the log folder', async () => {
    process.env.PATH = temporaryFolder();
    const { session } = await carsSession();
    const cell = await runCell(session, tfscriptCell('custom', [...CARS_TRAINING, '  epochs: 1']));
    expect(cell.outcome).toEqual({ status: 'ok' });
    expect(cell.stdout).toMatch(/TensorBoard logs \S+\n/);
    expect(cell.stdout).not.toContain('TensorBoard for this job');
  }, 60_000);
});
