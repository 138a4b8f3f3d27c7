import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The two kinds of process a training cluster has besides its chief. */
export type ClusterRole = 'ps' | 'worker';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

/** A launched process, wherever it runs: enough for the chief to watch it and to end it. */
export interface ProcessHandle {
  readonly pid: number | undefined;
  /** Resolves (never rejects) when the process has ended, however it ended. */
  readonly exited: Promise<ProcessExit>;
  /** Ends the process and everything it started, at once. Safe to call after it has ended. */
  kill(): void;
}

export interface LaunchOptions {
  /** The JavaScript heap limit of the process (--max-old-space-size). */
  memoryMb?: number;
  /** Each line the process prints, on stdout or stderr. */
  onLine?: (line: string) => void;
}

/**
 * Places the cluster's processes. Training code only talks to this interface, so a cluster scheduler
 * (YARN, Kubernetes) can replace the local implementation; `env` carries everything a process needs to
 * find its chief, so a launcher has nothing to add but placement.
 */
export interface Launcher {
  launch(role: ClusterRole, index: number, env: Record<string, string>, options?: LaunchOptions): ProcessHandle;
}

/** The compiled cluster process: beside this file when running from dist, else in dist (tests run from src). */
export function defaultClusterEntry(): string {
  const beside = path.join(__dirname, 'process-main.js');
  if (fs.existsSync(beside)) return beside;
  return path.resolve(__dirname, '../../../dist/train/parallel/process-main.js');
}

/**
 * Node processes on this machine. Each starts in a process group of its own, so `kill` ends it with
 * anything it spawned; the launching process's pid travels in the environment so the child can end
 * itself when its chief disappears (FLOWBOOK_PARENT_PID).
 */
export class LocalLauncher implements Launcher {
  constructor(private readonly entry: string = defaultClusterEntry()) {}

  launch(role: ClusterRole, index: number, env: Record<string, string>, options: LaunchOptions = {}): ProcessHandle {
    const args = [...(options.memoryMb ? [`--max-old-space-size=${options.memoryMb}`] : []), this.entry];
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, FLOWBOOK_PARENT_PID: String(process.pid) },
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.trim()) options.onLine?.(line);
      });
    }
    const exited = new Promise<ProcessExit>((resolve) => {
      child.on('error', (e) => resolve({ code: null, signal: null, error: e.message }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    return {
      pid: child.pid,
      exited,
      kill: () => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone: nothing to end.
        }
      },
    };
  }
}
