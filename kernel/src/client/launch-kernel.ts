import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The compiled kernel entry point of this package (the same path from `src/client` and `dist/client`, so tests run from source reach the build). */
export const KERNEL_MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface KernelPorts {
  shell: number;
  control: number;
  stdin: number;
  iopub: number;
  hb: number;
}

/** A kernel process started on free loopback ports, with its own connection file and key. */
export interface LaunchedKernel {
  process: ChildProcess;
  ports: KernelPorts;
  key: string;
  /** Everything the kernel wrote on stderr (its log), for error reports. */
  stderr: string[];
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  hasExited(): boolean;
  /** Deletes the connection file folder; the process must already be gone. */
  cleanup(): void;
}

export interface LaunchOptions {
  /** The kernel's working directory: the notebook's folder, against which relative paths resolve. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  kernelMain?: string;
}

export async function launchKernel(options: LaunchOptions): Promise<LaunchedKernel> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'flowbook-kernel-'));
  const [shell, control, stdin, iopub, hb] = await freePorts(5);
  const key = randomBytes(32).toString('hex');
  const connectionFile = join(runtimeDir, 'connection.json');
  writeFileSync(
    connectionFile,
    JSON.stringify({
      shell_port: shell, control_port: control, stdin_port: stdin, iopub_port: iopub, hb_port: hb,
      ip: '127.0.0.1', transport: 'tcp', signature_scheme: 'hmac-sha256', key, kernel_name: 'flowbook',
    }),
    { mode: 0o600 },
  );
  const child = spawn(process.execPath, [options.kernelMain ?? KERNEL_MAIN, connectionFile], {
    cwd: options.cwd,
    // The kernel watches JPY_PARENT_PID and ends with it: its parent is this process, whoever started us.
    env: { ...process.env, JPY_PARENT_PID: String(process.pid), ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let exited = false;
  const exitedPromise = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exited = true;
    resolve(code);
  }));
  return {
    process: child,
    ports: { shell, control, stdin, iopub, hb },
    key,
    stderr,
    exited: exitedPromise,
    hasExited: () => exited,
    cleanup: () => rmSync(runtimeDir, { recursive: true, force: true }),
  };
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
