import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** A TensorBoard the kernel started for one job. */
export interface TensorBoardProcess {
  url: string;
  pid: number | undefined;
  /** SIGTERM normally; SIGKILL when the kernel is exiting and cannot wait. */
  stop(signal?: NodeJS.Signals): void;
}

/** The `tensorboard` executable on PATH, if there is one. */
export function findTensorBoard(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'tensorboard');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `tensorboard --logdir DIR` on a free local port when the executable is on PATH; undefined
 * when it is not (TensorBoard is optional). The caller stops it when the job ends.
 */
export async function startTensorBoard(logDir: string): Promise<TensorBoardProcess | undefined> {
  const executable = findTensorBoard();
  if (!executable) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn(executable, ['--logdir', logDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
