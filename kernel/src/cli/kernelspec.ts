import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { FlowbookError } from '../errors';

export const KERNEL_NAME = 'flowbook';

/** Where a kernelspec goes, named as `jupyter kernelspec install` names it. */
export type SpecLocation = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; dir: string };

/** The kernels directory a location stands for; `--user` follows jupyter_core's data dir rules. */
export function kernelsDir(location: SpecLocation, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  switch (location.kind) {
    case 'prefix':
      return join(resolve(location.dir), 'share', 'jupyter', 'kernels');
    case 'sys-prefix': {
      const prefix = env.CONDA_PREFIX || env.VIRTUAL_ENV;
      if (!prefix) {
        throw new FlowbookError(
          'NoSysPrefix',
          '--sys-prefix needs an active Python environment, and none is active (no CONDA_PREFIX or VIRTUAL_ENV).',
          'Activate the environment that runs Jupyter first, or use --user or --prefix DIR.',
        );
      }
      return join(prefix, 'share', 'jupyter', 'kernels');
    }
    case 'user':
      return join(userDataDir(env, platform), 'kernels');
  }
}

function userDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'jupyter');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

export interface KernelSpecSource {
  /** The Node.js binary that runs the kernel (the one running this CLI). */
  node: string;
  /** Absolute path of the compiled kernel entry point, dist/main.js. */
  kernelMain: string;
  assetsDir: string;
  version: string;
}

export function kernelJson(source: KernelSpecSource): Record<string, unknown> {
  return {
    argv: [source.node, source.kernelMain, '{connection_file}'],
    display_name: 'Flowbook (TypeScript)',
    language: 'typescript',
    // The kernel answers interrupt_request on its control thread, which also stops awaits: a signal
    // from the client could only stop synchronous loops.
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false, flowbook: { version: source.version } },
  };
}

/** Writes kernel.json and the logos; returns the spec directory. */
export function installKernelSpec(location: SpecLocation, source: KernelSpecSource, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(kernelsDir(location, env), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(kernelJson(source), null, 2) + '\n');
  for (const logo of ['logo-32x32.png', 'logo-64x64.png']) copyFileSync(join(source.assetsDir, logo), join(dir, logo));
  return dir;
}

/** Removes the spec; returns its directory, or null when nothing was installed there. */
export function uninstallKernelSpec(location: SpecLocation, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = join(kernelsDir(location, env), KERNEL_NAME);
  if (!existsSync(dir)) return null;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
