import { AsyncLocalStorage, createHook, type AsyncHook } from 'node:async_hooks';
import { Console } from 'node:console';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as vm from 'node:vm';
import { FlowbookError } from '../errors';
import { HELPERS, type CompiledCell } from './cell-transform';
import { InterruptedError, type CellRun } from './cell-run';
import { errorContent, errorText, type CellScript, type ThrowSite } from './error-report';
import { sessionImports, type SessionImports } from './kernel-packages';

/**
 * Constructors shared with the kernel's own realm, so that values a cell builds pass the
 * `instanceof` checks of the libraries it calls (tfjs tests `x instanceof Float32Array`). Objects
 * with literal syntax (arrays, plain objects, functions, promises) stay the context's own.
 */
const SHARED_CONSTRUCTORS = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array',
  'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

/** Host objects a cell expects to find, as in a Node.js module. */
const HOST_GLOBALS = [
  'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal',
  'EventTarget', 'Event', 'MessageChannel', 'BroadcastChannel', 'Blob', 'fetch', 'Headers', 'Request', 'Response',
  'FormData', 'structuredClone', 'atob', 'btoa', 'performance', 'crypto', 'queueMicrotask',
] as const;

/**
 * The host's `process`: the kernel's own, and the real one also when the runtime runs inside a vm
 * sandbox itself (jest hands its tests a copy of `process` that never receives process events).
 */
const hostProcess = vm.runInThisContext('process') as NodeJS.Process;

export interface SessionContextOptions {
  notebookDir: string;
  globals: Record<string, unknown>;
  interruptFlag: Int32Array;
}

/**
 * The persistent `vm` context cells run in, and everything that ties what a cell does back to it:
 * an AsyncLocalStorage carries the running `CellRun` through timers and promises, so console output,
 * late errors and unhandled rejections reach the cell that caused them. It also owns the process
 * hooks a kernel needs (no `process.exit()` from a cell, no death by unhandled rejection) and undoes
 * them on `dispose()`.
 */
export class SessionContext {
  readonly context: vm.Context;
  private readonly cellRuns = new AsyncLocalStorage<CellRun>();
  private readonly scripts = new Map<string, CellScript>();
  private readonly promiseOwners = new WeakMap<object, CellRun>();
  /** Every pending timer a cell started, with its cell. */
  private readonly timerOwners = new Map<unknown, CellRun>();
  private lastThrow: ThrowSite | undefined;
  private readonly undo: Array<() => void> = [];
  private scriptCount = 0;

  constructor(private readonly options: SessionContextOptions) {
    this.context = vm.createContext(this.sandbox());
    this.installProcessHooks();
  }

  /** The run whose code is executing now (also inside its timers and promise callbacks). */
  currentRun(): CellRun | undefined {
    return this.cellRuns.getStore();
  }

  /** Runs `work` as part of `run`: output, timers and errors started inside it belong to `run`. */
  within<T>(run: CellRun, work: () => T): T {
    return this.cellRuns.run(run, work);
  }

  /** Compiles and starts a transformed cell; the returned value is what its script evaluates to. */
  evaluate(compiled: CompiledCell, label: string): unknown {
    const fileName = path.join(this.options.notebookDir, `[${label}]`);
    this.scripts.set(fileName, { label, cellLine: compiled.cellLine });
    const script = new vm.Script(compiled.script, {
      filename: fileName,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    return script.runInContext(this.context, { breakOnSigint: true });
  }

  /** A label no other script of this session has, for scripts that are not numbered cells. */
  nextScriptLabel(kind: string): string {
    this.scriptCount += 1;
    return `${kind} ${this.scriptCount}`;
  }

  describeError(error: unknown) {
    return errorContent(error, (file) => this.scripts.get(file), this.lastThrow);
  }

  /** Says on the cell's stderr what failed after the cell's reply (a timer, an unawaited promise). */
  reportLateError(run: CellRun | undefined, error: unknown, what: string): void {
    const text = `${what}:\n${errorText(this.describeError(error))}`;
    if (run) run.output.stream('stderr', text);
    else hostProcess.stderr.write(text);
  }

  /** Stops every timer any cell left running: on shutdown. */
  clearAllTimers(): void {
    for (const run of this.timerOwningRuns()) run.clearTimers();
  }

  /**
   * Stops the timers that cells other than `running` left pending (an interrupt: field case K3 says
   * a leftover `setInterval` stops on interrupt, also when no cell runs), and says so on the stream of
   * the cell that owns them. `running`'s own timers are its interrupt's to clear.
   */
  stopLeftTimers(running: CellRun | undefined): void {
    for (const run of this.timerOwningRuns()) {
      if (run === running) continue;
      const count = run.timers.size;
      run.clearTimers();
      run.output.stream('stderr', `interrupt: stopped ${count} timer${count === 1 ? '' : 's'} left by ${run.label}\n`);
    }
  }

  private timerOwningRuns(): Set<CellRun> {
    return new Set(this.timerOwners.values());
  }

  dispose(): void {
    this.clearAllTimers();
    for (const undo of this.undo.splice(0).reverse()) undo();
  }

  private sandbox(): Record<string, unknown> {
    const sandbox: Record<string, unknown> = Object.create(null);
    sandbox.process = hostProcess;
    for (const name of [...SHARED_CONSTRUCTORS, ...HOST_GLOBALS]) {
      // From the realm packages load into (`import` and `require` run there), not this module's.
      const value: unknown = vm.runInThisContext(`typeof ${name} === 'undefined' ? undefined : ${name}`);
      if (value !== undefined) sandbox[name] = value;
    }
    sandbox.console = this.cellConsole();
    const imports = sessionImports(this.options.notebookDir, () => this.currentRun() !== undefined);
    sandbox.require = imports.require;
    Object.assign(sandbox, this.timerGlobals(), this.options.globals);
    Object.defineProperty(sandbox, HELPERS, { value: this.helpers(imports), enumerable: false });
    return sandbox;
  }

  /** What the transformed cell code calls (see cell-transform.ts). */
  private helpers(imports: SessionImports) {
    const flag = this.options.interruptFlag;
    const thrown = <T>(value: T): T => {
      if (!(value instanceof Error) && Object.prototype.toString.call(value) !== '[object Error]') {
        const site: { stack?: string } = {};
        Error.captureStackTrace(site, thrown);
        this.lastThrow = { value, stack: site.stack ?? '' };
      }
      return value;
    };
    return {
      interruptFlag: flag,
      interrupted: (): never => {
        this.currentRun()?.interrupt();
        throw new InterruptedError();
      },
      resumed: <T>(value: T): T => {
        if (this.currentRun()?.interrupted) throw new InterruptedError();
        return value;
      },
      thrown,
      interop: (namespace: Record<string, unknown>) => interop(namespace),
      import: imports.load,
    };
  }

  private cellConsole(): Console {
    const route = (name: 'stdout' | 'stderr') =>
      new Writable({
        decodeStrings: false,
        write: (chunk: unknown, _encoding, done) => {
          this.write(name, chunk);
          done();
        },
      });
    const stdout = route('stdout');
    const stderr = route('stderr');
    // A Writable queues synchronously-written chunks; `write` above runs at once, so order is kept.
    return new Console({ stdout, stderr, colorMode: false });
  }

  private write(name: 'stdout' | 'stderr', chunk: unknown): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const run = this.currentRun();
    if (run) run.output.stream(name, text);
    else hostProcess[name].write(text);
  }

  /** Timers that remember their cell: a late throw is reported there, and interrupt clears them. */
  private timerGlobals() {
    const owners = this.timerOwners;
    const guard = (run: CellRun | undefined, callback: (...args: unknown[]) => unknown, args: unknown[]) => {
      try {
        callback(...args);
      } catch (error) {
        this.reportLateError(run, error, `Uncaught error in a timer of ${run?.label ?? 'a cell'}`);
      }
    };
    const track = (handle: unknown, clear: () => void) => {
      const run = this.currentRun();
      if (!run) return;
      owners.set(handle, run);
      run.timers.set(handle, () => {
        owners.delete(handle);
        clear();
      });
    };
    const untrack = (handle: unknown) => {
      owners.get(handle)?.timers.delete(handle);
      owners.delete(handle);
    };
    return {
      setTimeout: (callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]) => {
        const run = this.currentRun();
        const handle = setTimeout(() => {
          untrack(handle);
          guard(run, callback, args);
        }, ms);
        track(handle, () => clearTimeout(handle));
        return handle;
      },
      setInterval: (callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]) => {
        const run = this.currentRun();
        const handle = setInterval(() => guard(run, callback, args), ms);
        track(handle, () => clearInterval(handle));
        return handle;
      },
      setImmediate: (callback: (...args: unknown[]) => unknown, ...args: unknown[]) => {
        const run = this.currentRun();
        const handle = setImmediate(() => {
          untrack(handle);
          guard(run, callback, args);
        });
        track(handle, () => clearImmediate(handle));
        return handle;
      },
      clearTimeout: (handle?: NodeJS.Timeout) => {
        untrack(handle);
        clearTimeout(handle);
      },
      clearInterval: (handle?: NodeJS.Timeout) => {
        untrack(handle);
        clearInterval(handle);
      },
      clearImmediate: (handle?: NodeJS.Immediate) => {
        untrack(handle);
        clearImmediate(handle);
      },
    };
  }

  private installProcessHooks(): void {
    const hook: AsyncHook = createHook({
      init: (_id, type, _trigger, resource) => {
        if (type !== 'PROMISE') return;
        const run = this.currentRun();
        if (run) this.promiseOwners.set(resource as object, run);
      },
    }).enable();
    this.undo.push(() => hook.disable());

    const onRejection = (reason: unknown, promise: Promise<unknown>) => {
      const run = this.promiseOwners.get(promise) ?? this.currentRun();
      this.reportLateError(run, reason, `Unhandled promise rejection in ${run?.label ?? 'a cell'}`);
    };
    const onException = (error: unknown) => {
      const run = this.currentRun();
      this.reportLateError(run, error, `Uncaught error in ${run?.label ?? 'a cell'}`);
    };
    hostProcess.on('unhandledRejection', onRejection);
    hostProcess.on('uncaughtException', onException);
    this.undo.push(() => {
      hostProcess.off('unhandledRejection', onRejection);
      hostProcess.off('uncaughtException', onException);
    });

    for (const name of ['stdout', 'stderr'] as const) {
      const stream = hostProcess[name];
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        const run = this.currentRun();
        if (!run) return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
        this.write(name, chunk);
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
      this.undo.push(() => (stream.write = original));
    }

    const exit = hostProcess.exit;
    hostProcess.exit = ((code?: number) => {
      if (!this.currentRun()) return exit.call(hostProcess, code);
      throw new FlowbookError(
        'ProcessExit',
        `process.exit(${code ?? ''}) was called from a cell; the kernel keeps running`,
        'to start over, restart the kernel; to stop a cell early, throw an error',
      );
    }) as typeof hostProcess.exit;
    this.undo.push(() => (hostProcess.exit = exit));

    const emitWarning = hostProcess.emitWarning;
    hostProcess.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      // Importing inside the vm context uses the main loader, which Node 20 flags as experimental.
      if (String(typeof warning === 'string' ? warning : warning.message).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
      (emitWarning as (...args: unknown[]) => void).call(hostProcess, warning, ...rest);
    }) as typeof hostProcess.emitWarning;
    this.undo.push(() => (hostProcess.emitWarning = emitWarning));
  }
}

/**
 * A module namespace whose missing names fall back to its CommonJS `default` export: Node cannot
 * always detect a CommonJS module's named exports, yet `import { decode } from "iconv-lite"` should work.
 */
function interop(namespace: Record<string, unknown>): Record<string, unknown> {
  const fallback = namespace.default;
  if (fallback === null || (typeof fallback !== 'object' && typeof fallback !== 'function')) return namespace;
  return new Proxy(namespace, {
    get: (target, key) => (key in target ? target[key as string] : (fallback as Record<PropertyKey, unknown>)[key]),
    has: (target, key) => key in target || key in (fallback as object),
  });
}
