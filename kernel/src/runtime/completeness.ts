import type { CompletenessVerdict } from '../core/interpreter';
import { JS_MODE } from './cell-magic';
import { typescript } from './typescript';

/** Parse errors that mean "the user is still typing": a block comment or a template still open. */
const OPEN_AT_END = new Set([
  1010, // '*/' expected.
  1160, // Unterminated template literal.
]);
/** A string literal cannot continue on the next line: typing on will not fix it. */
const NEVER_CONTINUES = new Set([1002]); // Unterminated string literal.

/**
 * Whether a console should run `code` or ask for another line. Code whose only parse errors sit at
 * its very end (a `{` not yet closed, an open template) is incomplete, with the indent of its last
 * line (plus two spaces after an opening bracket); any other parse error makes it invalid. Magic
 * cells other than `%%js` count as complete.
 */
export function completeness(code: string): CompletenessVerdict {
  if (code.trim().length === 0) return { status: 'complete' };
  // A magic cell's body is not TypeScript (YAML, SQL): the magic decides; `%%js` is judged as code.
  if (JS_MODE.test(code)) return completeness(code.replace(JS_MODE, ''));
  if (code.startsWith('%')) return { status: 'complete' };
  const ts = typescript();
  const { diagnostics = [] } = ts.transpileModule(code, { reportDiagnostics: true, fileName: 'cell.ts' });
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined);
  if (errors.length === 0) return { status: 'complete' };
  if (errors.some((d) => NEVER_CONTINUES.has(d.code))) return { status: 'invalid' };
  const end = code.trimEnd().length;
  const openAtEnd = errors.every((d) => OPEN_AT_END.has(d.code) || d.start! >= end);
  return openAtEnd ? { status: 'incomplete', indent: nextIndent(code) } : { status: 'invalid' };
}

function nextIndent(code: string): string {
  const lines = code.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  const indent = /^[ \t]*/.exec(last)![0];
  return /[{([]\s*$/.test(last) ? `${indent}  ` : indent;
}
