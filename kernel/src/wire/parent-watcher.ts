import { readFileSync } from 'node:fs';

/** How often the parent is looked at: its death is noticed within this long (ipykernel: 1 s). */
export const PARENT_POLL_MS = 500;

/** What the watcher asks of the system; tests swap it. */
export interface ProcessProbe {
  /** The current parent pid of this process (it changes when the parent dies and we are reparented). */
  ppid(): number;
  /** False once `pid` has exited (gone, or a zombie nobody reaped yet). */
  isAlive(pid: number): boolean;
}

export const systemProbe: ProcessProbe = {
  ppid: () => process.ppid,
  isAlive: (pid) => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      // EPERM: it exists, under another user.
      return (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
    return !isZombie(pid);
  },
};

/** Linux only: an exited parent whose own parent has not reaped it yet still answers kill(pid, 0). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which may hold spaces and parentheses.
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false;
  }
}

/** The parent to watch, as ipykernel chooses it: JPY_PARENT_PID (jupyter_client sets it) when it names one, else none. */
export function jupyterParentPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.JPY_PARENT_PID?.trim();
  const pid = value && /^\d+$/.test(value) ? Number(value) : 0;
  // PID 1 (init) never goes away, it only adopts.
  return pid > 1 ? pid : undefined;
}

/**
 * Calls `orphaned` once when the process that started the kernel is gone: the JPY_PARENT_PID process
 * has exited, or (that one being our direct parent, or none being named) our parent pid has changed
 * from the one we started with, because the kernel was reparented. A kernel started by init (parent
 * pid 1) with no JPY_PARENT_PID is never orphaned. Returns a function that stops the watching.
 */
export function watchParent(
  orphaned: (reason: string) => void,
  { parentPid = jupyterParentPid(), probe = systemProbe, intervalMs = PARENT_POLL_MS }: { parentPid?: number; probe?: ProcessProbe; intervalMs?: number } = {},
): () => void {
  const startPpid = probe.ppid();
  const watchesPpid = startPpid > 1 && (parentPid === undefined || parentPid === startPpid);
  if (parentPid === undefined && !watchesPpid) return () => undefined;
  const timer = setInterval(() => {
    let reason: string | undefined;
    if (parentPid !== undefined && !probe.isAlive(parentPid)) reason = `the parent process ${parentPid} (JPY_PARENT_PID) has exited`;
    else if (watchesPpid && probe.ppid() !== startPpid) reason = `the parent process ${startPpid} has exited (now parented by ${probe.ppid()})`;
    if (reason === undefined) return;
    clearInterval(timer);
    orphaned(reason);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
