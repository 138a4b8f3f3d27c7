import Module from 'node:module';
import { FlowbookError } from '../../errors';
import type { TfscriptModule } from './types';

/** A `%%tfscript` cell compiled to CommonJS with an inline source map whose lines are the cell's own. */
export interface CompiledTfscript {
  nodeId: string;
  /** A virtual file name; stack frames name it, and `cellLine` reads lines back from them. */
  filename: string;
  javascript: string;
  /** Cell line of each exported function, for errors that have no stack (a NaN returned). */
  exportLines: Record<string, number>;
}

const REQUIRED = ['buildGraph', 'processStep'] as const;
const OPTIONAL = ['evaluate', 'predict'] as const;

/**
 * Loads a compiled tfscript module in this process and returns its functions. Imports resolve from
 * the kernel's own packages first, so `@tensorflow/tfjs` is the instance whose backend the job chose.
 * The parallel engine's workers call this too.
 */
export function loadTfscriptModule(compiled: CompiledTfscript): TfscriptModule {
  const loaded = new Module(compiled.filename);
  loaded.filename = compiled.filename;
  const paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths;
  loaded.paths = [...paths(__dirname), ...paths(process.cwd())];
  try {
    (loaded as unknown as { _compile(code: string, filename: string): void })._compile(compiled.javascript, compiled.filename);
  } catch (e) {
    throw userCodeError(e, compiled, 'loading the module');
  }
  const exports = loaded.exports as Record<string, unknown>;
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const value = exports[name];
    const required = (REQUIRED as readonly string[]).includes(name);
    if (value === undefined && !required) continue;
    if (typeof value !== 'function') {
      throw new FlowbookError(
        'TfscriptMissingExport',
        value === undefined ? `node \`${compiled.nodeId}\` exports no \`${name}\` function` : `\`${name}\` of node \`${compiled.nodeId}\` is a ${typeof value}, not a function`,
        `export it: \`export function ${name}(ctx${name === 'buildGraph' ? '' : ', batch'}) { … }\``,
        { node: compiled.nodeId, export: name },
      );
    }
  }
  return exports as unknown as TfscriptModule;
}

/**
 * The cell line of the innermost stack frame in the user's code, if any: the frame's position in the
 * compiled JavaScript read back through the cell's inline source map. (Node's own stack mapping is
 * left off, so frames are always in compiled positions, whoever formats the stack.)
 */
export function cellLine(error: unknown, compiled: CompiledTfscript): number | undefined {
  const stack = typeof (error as { stack?: unknown } | null)?.stack === 'string' ? (error as { stack: string }).stack : '';
  const escaped = compiled.filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!frame) return undefined;
  const entry = sourceMapOf(compiled).findEntry(Number(frame[1]) - 1, Number(frame[2]) - 1) as { originalLine?: number };
  return entry.originalLine !== undefined ? entry.originalLine + 1 : undefined;
}

const maps = new WeakMap<CompiledTfscript, Module.SourceMap>();

function sourceMapOf(compiled: CompiledTfscript): Module.SourceMap {
  let map = maps.get(compiled);
  if (!map) {
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(compiled.javascript);
    map = new Module.SourceMap(inline ? JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8')) : { version: 3, sources: [], names: [], mappings: '' });
    maps.set(compiled, map);
  }
  return map;
}

/** An error thrown by the user's code, as a FlowbookError naming the function and the cell line. */
export function userCodeError(error: unknown, compiled: CompiledTfscript, during: string): FlowbookError {
  if (error instanceof FlowbookError) return error;
  const line = cellLine(error, compiled);
  // Duck-typed: user code runs in the main realm, which need not be this module's (tests run in a vm).
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  const text = typeof message === 'string' ? `${typeof name === 'string' && name !== 'Error' ? `${name}: ` : ''}${message}` : String(error);
  return new FlowbookError(
    'TfscriptUserError',
    `${during} of node \`${compiled.nodeId}\` failed${line !== undefined ? ` at cell line ${line}` : ''}: ${text}`,
    line !== undefined ? `fix line ${line} of the %%tfscript cell` : 'check the %%tfscript cell',
    { node: compiled.nodeId, ...(line !== undefined ? { line } : {}) },
  );
}
