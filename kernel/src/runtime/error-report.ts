import { inspect } from 'node:util';
import type { ErrorContent } from '../core/messages';
import { CellSyntaxError } from './cell-transform';

/** A compiled cell as stack traces name it. */
export interface CellScript {
  /** `cell [3]` */
  label: string;
  cellLine(line: number, column: number): number | undefined;
}

/** Finds the cell a stack frame's file name belongs to. */
export type CellScriptLookup = (fileName: string) => CellScript | undefined;

/** The last non-Error value a `throw` in cell code threw, with the stack where it was thrown. */
export interface ThrowSite {
  value: unknown;
  stack: string;
}

/** Problems TypeScript found in a cell; they keep it from running. */
export class TypeScriptError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'TypeScriptError';
  }
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;
const RUNTIME_FILE = /[\\/]kernel[\\/](?:src|dist)[\\/]runtime[\\/]/;

/**
 * Turns whatever a cell threw into Jupyter's error content. Line numbers in the traceback are the
 * cell's own; frames inside the runtime and Node's internals are left out. A FlowbookError shows as
 * its kind and description without a JavaScript stack; a thrown non-Error (`throw "x"`) shows its
 * value and the place it was thrown.
 */
export function errorContent(error: unknown, lookup: CellScriptLookup, lastThrow?: ThrowSite): ErrorContent {
  if (isFlowbookErrorLike(error)) {
    const evalue = error.describe();
    return { ename: error.kind, evalue, traceback: [`${error.kind}: ${evalue}`] };
  }
  if (error instanceof CellSyntaxError || error instanceof TypeScriptError) {
    return { ename: error.name, evalue: error.message, traceback: [`${error.name}:`, ...error.problems] };
  }
  if (isErrorLike(error)) {
    const interrupted = error.name === 'Interrupted' || error.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
    const ename = interrupted ? 'Interrupted' : error.name || 'Error';
    const evalue = interrupted ? "the cell was interrupted; the session's variables are kept" : String(error.message ?? '');
    const frames = interrupted ? [] : cellFrames(error.stack ?? '', lookup);
    const headline = syntaxHeadline(error, lookup) ?? `${ename}: ${evalue}`;
    return { ename, evalue, traceback: [headline, ...frames] };
  }
  const evalue = inspect(error, { depth: 4 });
  const frames = lastThrow && Object.is(lastThrow.value, error) ? cellFrames(lastThrow.stack, lookup) : [];
  return { ename: 'Uncaught', evalue, traceback: [`Uncaught ${evalue}`, ...frames] };
}

/** One text for stderr: a late error of a cell (a timer, a rejected promise nobody awaited). */
export function errorText(content: ErrorContent): string {
  return content.traceback.join('\n') + '\n';
}

function cellFrames(stack: string, lookup: CellScriptLookup): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, fn, file, lineText, columnText] = match as unknown as [string, string | undefined, string, string, string];
    const script = lookup(file);
    if (script) {
      // Frames without a cell line are the runtime's wrapper around the cell.
      const cellLine = script.cellLine(Number(lineText), Number(columnText));
      if (cellLine === undefined) continue;
      const name = fn?.replace(/^async /, '');
      const where = `${script.label}, line ${cellLine}`;
      frames.push(name && name !== '<anonymous>' ? `    at ${name} (${where})` : `    at ${where}`);
    } else if (RUNTIME_FILE.test(file)) {
      // The runtime called the cell: what lies below is the kernel, not the user's code.
      break;
    } else if (!file.startsWith('node:') && !file.startsWith('internal/')) {
      frames.push(line);
    }
  }
  return frames;
}

/** V8 names a SyntaxError's place only in the stack's first line (`file:line`). */
function syntaxHeadline(error: { name?: string; message?: string; stack?: string }, lookup: CellScriptLookup): string | undefined {
  if (error.name !== 'SyntaxError' || !error.stack) return undefined;
  const place = /^(.*):(\d+)$/m.exec(error.stack.split('\n')[0] ?? '');
  const script = place ? lookup(place[1]!) : undefined;
  if (!script) return undefined;
  const line = script.cellLine(Number(place![2]), 1);
  return `SyntaxError: ${error.message} (${script.label}${line === undefined ? '' : `, line ${line}`})`;
}

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (value instanceof Error) return true;
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Error]';
}

function isFlowbookErrorLike(value: unknown): value is { kind: string; describe(): string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { describe?: unknown }).describe === 'function' &&
    isErrorLike(value)
  );
}
