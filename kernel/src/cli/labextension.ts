import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FlowbookError } from '../errors';

/**
 * The prebuilt JupyterLab extension (`extension/labextension/`, made by `npm run build` in
 * `extension/`), installed as JupyterLab ≥ 4 looks for prebuilt extensions: in
 * `<jupyter data dir>/labextensions/<package name>/`, the data dir whose `kernels/` holds the spec.
 */
export function labExtensionsDir(kernelsDir: string): string {
  return join(dirname(kernelsDir), 'labextensions');
}

interface ExtensionPackage {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function extensionPackage(extensionDir: string): ExtensionPackage {
  return JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as ExtensionPackage;
}

/** The package name of the extension in `extensionDir` (its `package.json`, also the built one's). */
function extensionName(extensionDir: string): string {
  return extensionPackage(extensionDir).name;
}

function isBuilt(extensionDir: string): boolean {
  const built = join(extensionDir, 'labextension');
  return existsSync(join(built, 'package.json')) && existsSync(join(built, 'static'));
}

/**
 * Builds the prebuilt extension when a checkout has none yet (a fresh clone: the build is not
 * committed): its own `npm ci` when its packages are missing, then `npm run build`. Returns false
 * when it was built already; `say` hears what is happening, since it takes a minute.
 */
export function buildLabExtension(extensionDir: string, say: (line: string) => void): boolean {
  if (isBuilt(extensionDir)) return false;
  const pkg = extensionPackage(extensionDir);
  if (!pkg.scripts?.build) return false; // not a source checkout: installLabExtension says what is missing
  const hasPackages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0;
  const steps: string[][] = [];
  if (hasPackages && !existsSync(join(extensionDir, 'node_modules', '.package-lock.json'))) steps.push(['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  steps.push(['run', 'build', '--silent']);
  say(`Building the JupyterLab extension in ${extensionDir} (first install only; about a minute)…`);
  for (const args of steps) {
    const result = spawnSync('npm', args, { cwd: extensionDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new FlowbookError(
        'LabExtensionBuildFailed',
        `Building the JupyterLab extension failed at \`npm ${args.join(' ')}\` (${result.error ? result.error.message : `exit code ${result.status}`}), so only the kernel was installed.${output ? `\n${output}` : ''}`,
        `Run \`npm ${args[0]} ${args[0] === 'run' ? 'build ' : ''}\` in ${extensionDir} to see the whole error; \`npx flowbook install\` then installs the extension.`,
        { extensionDir },
      );
    }
  }
  return true;
}

/**
 * Copies the prebuilt extension of `extensionDir` (its `labextension/`) into the labextensions
 * folder, replacing an older copy; returns where it went. Not built: an error saying how to build it.
 */
export function installLabExtension(extensionDir: string, labextensions: string): string {
  const built = join(extensionDir, 'labextension');
  if (!isBuilt(extensionDir)) {
    throw new FlowbookError(
      'LabExtensionNotBuilt',
      `The JupyterLab extension is not built (no ${built}), so only the kernel was installed.`,
      `Build it with \`npm ci --prefix ${extensionDir} && npm run build --prefix ${extensionDir}\`, then run \`npx flowbook install\` again.`,
      { built },
    );
  }
  const target = join(labextensions, extensionName(extensionDir));
  rmSync(target, { recursive: true, force: true });
  cpSync(built, target, { recursive: true });
  return target;
}

/** Removes the installed copy of the extension of `extensionDir`; returns its folder, or null if absent. */
export function uninstallLabExtension(extensionDir: string, labextensions: string): string | null {
  const target = join(labextensions, extensionName(extensionDir));
  if (!existsSync(target)) return null;
  rmSync(target, { recursive: true, force: true });
  return target;
}
