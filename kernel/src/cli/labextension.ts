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

/** The package name of the extension in `extensionDir` (its `package.json`, also the built one's). */
function extensionName(extensionDir: string): string {
  return (JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as { name: string }).name;
}

/**
 * Copies the prebuilt extension of `extensionDir` (its `labextension/`) into the labextensions
 * folder, replacing an older copy; returns where it went. Not built: an error saying how to build it.
 */
export function installLabExtension(extensionDir: string, labextensions: string): string {
  const built = join(extensionDir, 'labextension');
  if (!existsSync(join(built, 'package.json')) || !existsSync(join(built, 'static'))) {
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
