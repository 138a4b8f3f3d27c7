import type {
  CellOutput,
  Completion,
  CompletenessVerdict,
  ExecuteOutcome,
  ExecuteRequest,
  Inspection,
  Interpreter,
  UserExpressionResult,
} from '../core/interpreter';
import type { JsonObject } from '../core/messages';
import { JS_MODE, type CellMagics, type MagicCell } from './cell-magic';
import { CellRun } from './cell-run';
import { compileCell } from './cell-transform';
import { completeness } from './completeness';
import { DISPLAY_TYPES, DisplayHandle, createDisplay, mimeBundleOf } from './display';
import { TypeScriptError } from './error-report';
import { SessionLanguageService } from './language-service';
import { SessionContext } from './session-context';

export interface TypeScriptInterpreterOptions {
  /** Where imports, `require` and relative paths of the notebook resolve from. */
  notebookDir: string;
  /** Handlers of `%`/`%%` cells (the flow magics). */
  magics?: CellMagics;
  /** Extra globals for every cell. */
  globals?: Record<string, unknown>;
  /** `.d.ts` text declaring `globals` for checking and completion. */
  globalTypes?: string;
  /** Stream output one cell may produce before the rest is dropped with a note; 16 MiB by default. */
  outputLimitBytes?: number;
}

export interface TypeScriptInterpreter extends Interpreter {
  /** Set to 1 (from any thread) to stop the running cell's loops; reset when a cell starts. */
  readonly interruptFlag: Int32Array;
  /** Loads TypeScript and builds the checker's program in short steps, so the kernel keeps answering: call after the first kernel_info. */
  warmUp(): Promise<void>;
}

/** IPython's help forms: `name?`, `?name`, `name??`. */
const HELP_REQUEST = /^\s*(\?{1,2})?\s*([\p{ID_Start}$_][\p{ID_Continue}$]*(?:\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*)\s*(\?{1,2})?\s*$/u;

const STDIN_TYPES = `
/** Asks the user for a line of text (the notebook shows an input box). */
declare function input(prompt?: string): Promise<string>;
/** Asks the user for a secret; what they type is not echoed. */
declare function password(prompt?: string): Promise<string>;
`;

/**
 * Creates the TypeScript interpreter of a Flowbook kernel session.
 *
 * Bindings policy (field case K1): re-running a cell replaces the bindings it declared, `const` and
 * `class` included. When a *different* cell (by JupyterLab's cellId) declares a name another cell
 * declared, the new definition replaces the old one, and the cell's stderr gets a one-line warning naming
 * the earlier cell; the name stays usable. Cells without a cellId (consoles, scripts) replace silently.
 *
 * Type-checking policy (K2): see `SessionLanguageService`. Cells are checked against exactly the
 * latest version of every cell that ran; type errors block the cell (ename `TypeScriptError`, one
 * `line N: …` per problem, N counted in the cell). `%%js` cells are not checked.
 *
 * Interrupts (K5): `interrupt()` rejects a pending `await` and clears the cell's timers, and those
 * earlier cells left pending (K3), also when no cell runs, with a note on each such cell; a SIGINT
 * stops a synchronous loop (`breakOnSigint`); setting `interruptFlag[0]` stops any loop, also one that
 * runs after an `await`. Each ends the cell with ename `Interrupted`; variables are kept.
 */
export function createTypeScriptInterpreter(options: TypeScriptInterpreterOptions): TypeScriptInterpreter {
  return new TypeScriptSession(options);
}

interface BindingOwner {
  cellId: string;
  label: string;
}

class TypeScriptSession implements TypeScriptInterpreter {
  readonly interruptFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly session: SessionContext;
  private readonly language: SessionLanguageService;
  private readonly owners = new Map<string, BindingOwner>();
  private readonly outputLimitBytes: number;
  private running: CellRun | undefined;
  private executions = 0;

  constructor(private readonly options: TypeScriptInterpreterOptions) {
    this.outputLimitBytes = options.outputLimitBytes ?? 16 * 1024 * 1024;
    const currentOutput = () => this.session.currentRun()?.output;
    const inputFrom = (password: boolean) => (prompt = '') => {
      const output = currentOutput();
      return output ? output.input(String(prompt), password) : Promise.reject(new Error('input() needs a running cell'));
    };
    this.session = new SessionContext({
      notebookDir: options.notebookDir,
      interruptFlag: this.interruptFlag,
      globals: {
        display: createDisplay(currentOutput),
        input: inputFrom(false),
        password: inputFrom(true),
        ...options.globals,
      },
    });
    this.language = new SessionLanguageService({
      notebookDir: options.notebookDir,
      globalTypes: [DISPLAY_TYPES, STDIN_TYPES, options.globalTypes ?? ''].join('\n'),
    });
  }

  async warmUp(): Promise<void> {
    await this.language.warmUp();
  }

  async execute(code: string, request: ExecuteRequest, output: CellOutput): Promise<ExecuteOutcome> {
    Atomics.store(this.interruptFlag, 0, 0);
    this.executions += 1;
    const run = new CellRun(`cell [${request.executionCount}]`, output, this.outputLimitBytes);
    this.running = run;
    try {
      if (this.options.magics?.handles(code)) return await this.runMagic(this.options.magics, code, request, run);
      const help = HELP_REQUEST.exec(code);
      if (help && (help[1] || help[3])) return this.helpPage(help[2]!, (help[1] ?? help[3])!.length === 2);
      return await this.runCode(code, request, run);
    } catch (error) {
      if (isInterruption(error)) run.interrupt();
      return { status: 'error', ...this.session.describeError(error) };
    } finally {
      this.running = undefined;
      if (run.timers.size > 0) {
        const count = run.timers.size;
        run.output.stream('stderr', `${run.label} left ${count} pending timer${count === 1 ? '' : 's'}; their output will appear here (interrupt or restart to stop them)\n`);
      }
    }
  }

  private async runCode(code: string, request: ExecuteRequest, run: CellRun): Promise<ExecuteOutcome> {
    const jsMode = JS_MODE.test(code);
    // The `%%js` line stays as an empty line, so line numbers remain the cell's own.
    const source = jsMode ? code.replace(/^[^\n]*/, '') : code;
    const compiled = compileCell(source, { kind: 'cell' });
    const cellId = request.cellId ?? `anonymous-${this.executions}`;
    if (!jsMode) {
      const problems = this.language.check(cellId, source);
      if (problems.length > 0) throw new TypeScriptError(problems);
    }
    this.claimNames(compiled.declaredNames, request, run);
    this.language.cells.commit(cellId, source);

    const completion = this.session.within(run, () => this.session.evaluate(compiled, run.label)) as Promise<unknown>;
    const value = await Promise.race([completion, run.interruption]);
    if (value === undefined || value instanceof DisplayHandle) return { status: 'ok' };
    return { status: 'ok', result: { data: mimeBundleOf(value), metadata: {} } };
  }

  /** Records which cell defines each name, and warns on stderr when another cell's name is replaced. */
  private claimNames(names: string[], request: ExecuteRequest, run: CellRun): void {
    for (const name of names) {
      const previous = this.owners.get(name);
      if (request.cellId && previous && previous.cellId !== request.cellId && !previous.cellId.startsWith('anonymous-')) {
        run.output.stream('stderr', `warning: \`${name}\` was defined by another cell (${previous.label}); this cell's definition replaces it\n`);
      }
      this.owners.set(name, { cellId: request.cellId ?? `anonymous-${this.executions}`, label: run.label });
    }
  }

  private async runMagic(magics: CellMagics, code: string, request: ExecuteRequest, run: CellRun): Promise<ExecuteOutcome> {
    const controller = new AbortController();
    run.interruption.catch(() => controller.abort());
    const cell: MagicCell = {
      output: run.output,
      signal: controller.signal,
      evaluate: (source, scope, label) => this.evaluateInScope(source, scope, label),
      ...(request.cellId !== undefined ? { cellId: request.cellId } : {}),
    };
    const work = this.session.within(run, () => magics.run(code, cell));
    try {
      return await Promise.race([work, run.interruption]);
    } catch (error) {
      // An interrupted node stops on the abort and keeps what it finished (a training job saves its
      // best model): wait for that, so the node is stored before the reply and the next cell reuses
      // it instead of starting the node again.
      if (isInterruption(error)) await Promise.race([work.catch(() => undefined), delay(MAGIC_STOP_GRACE_MS)]);
      throw error;
    }
  }

  /** Runs code with `scope`'s entries as variables; its own declarations stay local. Not type-checked. */
  private async evaluateInScope(source: string, scope: Record<string, unknown>, label = this.session.nextScriptLabel('code')): Promise<unknown> {
    const compiled = compileCell(source, { kind: 'scope', scopeNames: Object.keys(scope) });
    const run = this.session.evaluate(compiled, label) as (scope: object) => Promise<unknown>;
    return await run(scope);
  }

  private helpPage(name: string, detailed: boolean): ExecuteOutcome {
    const inspection = this.safeInspect(name, [...name].length, detailed ? 1 : 0);
    const text = inspection.found ? inspection.data['text/plain'] : `Object \`${name}\` not found.`;
    return { status: 'ok', payload: [{ source: 'page', data: { 'text/plain': text }, start: 0 }] };
  }

  async evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, UserExpressionResult>> {
    const results: Record<string, UserExpressionResult> = {};
    for (const [key, expression] of Object.entries(expressions)) {
      try {
        const value = await this.evaluateInScope(expression, {});
        results[key] = { status: 'ok', data: mimeBundleOf(value), metadata: {} };
      } catch (error) {
        results[key] = { status: 'error', ...this.session.describeError(error) };
      }
    }
    return results;
  }

  async complete(code: string, cursorPos: number): Promise<Completion> {
    try {
      return this.language.complete(code, cursorPos);
    } catch (error) {
      return { matches: [], cursorStart: cursorPos, cursorEnd: cursorPos, metadata: { error: String(error) } };
    }
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<Inspection> {
    return this.safeInspect(code, cursorPos, detailLevel);
  }

  private safeInspect(code: string, cursorPos: number, detailLevel: 0 | 1): Inspection {
    try {
      return this.language.inspect(code, cursorPos, detailLevel);
    } catch (error) {
      return { found: false, data: {}, metadata: { error: String(error) } as JsonObject };
    }
  }

  async isComplete(code: string): Promise<CompletenessVerdict> {
    try {
      return completeness(code);
    } catch {
      return { status: 'unknown' };
    }
  }

  interrupt(): void {
    const run = this.running;
    // Timers earlier cells left (a setInterval) stop too, also when no cell runs (K3).
    this.session.stopLeftTimers(run);
    if (!run) return;
    Atomics.store(this.interruptFlag, 0, 1);
    run.interrupt();
  }

  async shutdown(): Promise<void> {
    this.running?.interrupt();
    this.session.dispose();
  }
}

/** How long an interrupted magic cell gets to stop cleanly before the reply goes out anyway. */
const MAGIC_STOP_GRACE_MS = 20_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isInterruption(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'Interrupted' || code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}
