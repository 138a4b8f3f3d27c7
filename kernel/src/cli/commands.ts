import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FlowbookError, isFlowbookError } from '../errors';
import { installKernelSpec, kernelsDir, uninstallKernelSpec } from './kernelspec';
import type { SpecLocation } from './kernelspec';
import { buildLabExtension, installLabExtension, labExtensionsDir, uninstallLabExtension } from './labextension';
import { run } from './run';

/** One `flowbook <name>` subcommand. */
export interface Command {
  usage: string;
  summary: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

const PACKAGE_ROOT = join(__dirname, '..', '..');
/** The JupyterLab extension's folder (its build lands in `labextension/`); FLOWBOOK_EXTENSION_DIR overrides it. */
const extensionDir = (env: NodeJS.ProcessEnv): string => env.FLOWBOOK_EXTENSION_DIR ?? join(PACKAGE_ROOT, '..', 'extension');

/** `--user` (the default) | `--sys-prefix` | `--prefix DIR`, as `jupyter kernelspec install` takes them. */
export function parseLocation(args: string[]): SpecLocation {
  let location: SpecLocation = { kind: 'user' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--user') location = { kind: 'user' };
    else if (arg === '--sys-prefix') location = { kind: 'sys-prefix' };
    else if (arg === '--prefix' || arg.startsWith('--prefix=')) {
      const dir = arg === '--prefix' ? args[++i] : arg.slice('--prefix='.length);
      if (!dir) throw new FlowbookError('MissingPrefix', '--prefix needs a directory.', 'Write it as --prefix DIR, e.g. --prefix /opt/conda.');
      location = { kind: 'prefix', dir };
    } else {
      throw new FlowbookError('UnknownOption', `Unknown option ${JSON.stringify(arg)}.`, 'Use --user, --sys-prefix or --prefix DIR.');
    }
  }
  return location;
}

const KERNEL_ONLY = '--kernel-only';

const install: Command = {
  usage: `install [--user | --sys-prefix | --prefix DIR] [${KERNEL_ONLY}]`,
  summary: 'install the Flowbook kernelspec and JupyterLab extension for Jupyter (default: --user); the extension is built first on a fresh checkout',
  async run(args, io) {
    const kernelOnly = args.includes(KERNEL_ONLY);
    const dir = installKernelSpec(
      parseLocation(args.filter((arg) => arg !== KERNEL_ONLY)),
      {
        node: process.execPath,
        kernelMain: join(PACKAGE_ROOT, 'dist', 'main.js'),
        assetsDir: join(PACKAGE_ROOT, 'assets'),
        version: (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      },
      io.env,
    );
    io.out(`Installed the Flowbook kernelspec in ${dir}`);
    if (kernelOnly) return 0;
    try {
      const extension = extensionDir(io.env);
      buildLabExtension(extension, io.err);
      io.out(`Installed the Flowbook JupyterLab extension in ${installLabExtension(extension, labExtensionsDir(dirname(dir)))}`);
    } catch (error) {
      // The kernel is installed and works without the extension (notebooks, `flowbook run`), but
      // the command did not do all it says: say how to finish, and fail.
      if (!isFlowbookError(error)) throw error;
      io.err(error.describe());
      return 1;
    }
    return 0;
  },
};

const uninstall: Command = {
  usage: 'uninstall [--user | --sys-prefix | --prefix DIR]',
  summary: 'remove the Flowbook kernelspec and JupyterLab extension',
  async run(args, io) {
    const location = parseLocation(args);
    const dir = uninstallKernelSpec(location, io.env);
    io.out(dir ? `Removed the Flowbook kernelspec from ${dir}` : 'No Flowbook kernelspec was installed there.');
    const extension = uninstallLabExtension(extensionDir(io.env), labExtensionsDir(kernelsDir(location, io.env)));
    if (extension) io.out(`Removed the Flowbook JupyterLab extension from ${extension}`);
    return 0;
  },
};

/** The subcommand table; other features add their entries here. */
export const COMMANDS: Record<string, Command> = { install, uninstall, run };
