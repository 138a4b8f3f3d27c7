import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../../../src/client/kernel-client';
import { KERNEL_MAIN } from '../../../src/client/launch-kernel';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends with the process: a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '')[0];
  return state !== 'Z' && state !== 'X';
}

export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (!isRunning(pid)) return true;
  }
  return false;
}

/**
 * The process jupyter_client's KernelManager stands for: it spawns the kernel on the connection file
 * it is given, with JPY_PARENT_PID set to its own pid (`jpy`) or removed (`ppid`: the kernel has only
 * its parent pid to go by), writes the kernel's pid on stderr and exits when the kernel does.
 */
const INTERMEDIATE_PARENT = `
const env = { ...process.env };
if (env.FLOWBOOK_TEST_PARENT === 'jpy') env.JPY_PARENT_PID = String(process.pid);
else delete env.JPY_PARENT_PID;
const kernel = require('node:child_process').spawn(process.execPath, [${JSON.stringify(KERNEL_MAIN)}, process.argv[2]], { env, stdio: 'inherit' });
process.stderr.write('kernel pid ' + kernel.pid + '\\n');
kernel.on('exit', (code) => process.exit(code ?? 1));
`;

export interface KernelUnderParent {
  /** Talks to the kernel; `client.kernel.process` is the intermediate parent, not the kernel. */
  client: KernelClient;
  /** The kernel's own pid. */
  kernelPid: number;
  /** Kills whatever is left (the kernel included) and closes the client. */
  cleanup(): Promise<void>;
}

/** A kernel (kernel/dist/main.js) started by an intermediate parent process, connected to a client. */
export async function startKernelUnderParent(parent: 'jpy' | 'ppid', env: NodeJS.ProcessEnv = {}): Promise<KernelUnderParent> {
  const folder = mkdtempSync(join(tmpdir(), 'flowbook-parent-'));
  const script = join(folder, 'intermediate-parent.js');
  writeFileSync(script, INTERMEDIATE_PARENT);
  const client = await KernelClient.start({
    cwd: folder,
    kernelMain: script,
    env: { FLOWBOOK_HISTORY_FILE: join(folder, 'history.jsonl'), FLOWBOOK_TEST_PARENT: parent, ...env },
  });
  const kernelPid = Number(/kernel pid (\d+)/.exec(client.kernel.stderr.join(''))?.[1]);
  return {
    client,
    kernelPid,
    cleanup: async () => {
      if (kernelPid && isRunning(kernelPid)) process.kill(kernelPid, 'SIGKILL');
      await client.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
