import * as fs from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import * as path from 'node:path';

/**
 * Import policy of code cells: a package resolves from the notebook's folder (its `node_modules` and
 * those of the folders above it), as Node resolves it; a package none of them holds comes from the
 * kernel's own packages (`@tensorflow/tfjs`, `apache-arrow`, `yaml`… and what they depend on), as
 * the very instances the kernel uses, so a notebook folder needs no `npm install` for them. The type
 * checker follows the same rule (language-service.ts), so completion and checks see their types.
 */

/** The package a specifier names (`name` or `@scope/name`); undefined for builtins, paths, URLs and `#imports`. */
export function packageName(specifier: string): string | undefined {
  if (isBuiltin(specifier) || /^(\.{1,2}(\/|$)|\/|#|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return undefined;
  const [first, second] = specifier.split('/');
  if (!first.startsWith('@')) return first;
  return second ? `${first}/${second}` : undefined;
}

/** Whether a `node_modules` folder of the notebook's folder, or of one above it, holds the package. */
export function notebookHasPackage(notebookDir: string, name: string): boolean {
  for (let dir = path.resolve(notebookDir); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules' && fs.existsSync(path.join(dir, 'node_modules', name))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** A file name in the kernel's own folder, for resolving modules as the kernel does. */
export const KERNEL_RESOLUTION_FILE = path.join(__dirname, '__flowbook_kernel__.ts');

/** The kernel's packages do not change while it runs, so what it can resolve is looked up once. */
const kernelResolutions = new Map<string, boolean>();

function kernelHas(specifier: string): boolean {
  let found = kernelResolutions.get(specifier);
  if (found === undefined) {
    try {
      require.resolve(specifier);
      found = true;
    } catch {
      found = false;
    }
    kernelResolutions.set(specifier, found);
  }
  return found;
}

/** Whether a cell's `specifier` is to come from the kernel: a package the notebook's folders lack and the kernel has. */
export function fromKernel(notebookDir: string, specifier: unknown): specifier is string {
  if (typeof specifier !== 'string') return false;
  const name = packageName(specifier);
  return name !== undefined && !notebookHasPackage(notebookDir, name) && kernelHas(specifier);
}

/** What a cell's `import` and `require` call: the kernel's package when the policy says so, else Node's own resolution. */
export interface SessionImports {
  /** `import(specifier)` for a cell; `nativeImport` is an `import()` written in the cell's own script (resolved from the notebook). */
  load(specifier: unknown, nativeImport: (specifier: unknown) => Promise<unknown>): Promise<unknown>;
  /** `require` for a cell, resolved from the notebook's folder first. */
  require: NodeJS.Require;
}

/** `running` tells whether one of this session's cells is executing now (in its async context). */
export function sessionImports(notebookDir: string, running: () => boolean): SessionImports {
  const notebookRequire = createRequire(path.join(notebookDir, '[session]'));
  let modelUrlsEnabled = false;
  const supply = (specifier: string): unknown => {
    if (specifier.startsWith('@tensorflow/') && !modelUrlsEnabled) {
      // tfjs is heavy: the model URL routers are loaded with it, never at kernel start.
      const { enableModelUrls } = require('../train/model-urls') as typeof import('../train/model-urls');
      enableModelUrls({ folder: notebookDir, active: running });
      modelUrlsEnabled = true;
    }
    return require(specifier);
  };
  const resolve = Object.assign(
    (id: string, options?: { paths?: string[] }) => (!options && fromKernel(notebookDir, id) ? require.resolve(id) : notebookRequire.resolve(id, options)),
    { paths: notebookRequire.resolve.paths },
  );
  const cellRequire = Object.assign((id: string) => (fromKernel(notebookDir, id) ? supply(id) : notebookRequire(id)), {
    resolve,
    cache: notebookRequire.cache,
    extensions: notebookRequire.extensions,
    main: notebookRequire.main,
  });
  return {
    load: async (specifier, nativeImport) => (fromKernel(notebookDir, specifier) ? asNamespace(supply(specifier)) : nativeImport(specifier)),
    require: cellRequire as NodeJS.Require,
  };
}

/**
 * What `import()` of a loaded module gives: an ES module's namespace as it is; for CommonJS, Node's
 * shape, its exports as names (read live) and `module.exports` as `default`.
 */
function asNamespace(exports: unknown): unknown {
  if (isModuleNamespace(exports)) return exports;
  const namespace: Record<string, unknown> = Object.create(null);
  if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
    for (const key of Object.keys(exports)) {
      if (key !== 'default') Object.defineProperty(namespace, key, { enumerable: true, get: () => (exports as Record<string, unknown>)[key] });
    }
  }
  Object.defineProperty(namespace, 'default', { enumerable: true, value: exports });
  Object.defineProperty(namespace, Symbol.toStringTag, { value: 'Module' });
  return Object.freeze(namespace);
}

function isModuleNamespace(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module';
}
