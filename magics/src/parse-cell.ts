import { NODE_KINDS } from './cell-command';
import type { CellCommand, FlowCommand, InputRef, JobsCommand, NodeCommand, NodeKindName, StoreCommand } from './cell-command';

/** A header that does not follow the grammar; names the offending token and the expected form. */
export class MagicSyntaxError extends Error {
  override readonly name = 'MagicSyntaxError';
  constructor(
    /** What is wrong, naming the token. */
    readonly problem: string,
    /** The form the magic expects, e.g. `%%sql ID [--from NODE[:PORT],...]`. */
    readonly expected: string,
    /** The offending token as written (empty when something is missing). */
    readonly token: string,
    /** 1-based line in the cell. */
    readonly line: number,
  ) {
    super(`${problem}\n  expected: ${expected}`);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LINE_MAGICS = ['flow', 'store', 'jobs'] as const;

const FROM_LIST = '--from NODE[:PORT][,NODE[:PORT]...]';
const FLOW_USAGE = '%flow [run ID [--downstream] | status | clear | export FILE | rm ID]';
const STORE_USAGE = '%store [ls [PATH] | use URI | put LOCAL [REMOTE] | get REMOTE [LOCAL] | rm [-r] PATH]';
const JOBS_USAGE = '%jobs [show JOB | log JOB | stop JOB]';

function nodeUsage(kind: string): string {
  if (kind === 'source') return '%%source ID   (body: a path or URI, then optional YAML options)';
  if (kind === 'predict') return '%%predict ID --model MODEL --from NODE[:PORT]';
  return `%%${kind} ID [${FROM_LIST}]`;
}

/**
 * A first line `%%js`, alone: the cell is JavaScript, which the kernel runs without type checks. It is
 * a mode of a code cell, not a flow magic, so `isMagicCell` leaves it to the kernel's code path.
 */
export const JS_CELL = /^%%js[ \t]*(?:\r?\n|$)/;

/**
 * True when the cell's first non-blank line is a Flowbook magic: `%%WORD …` (any word, so that a
 * misspelt kind gets a grammar error instead of a TypeScript one) or `%flow`, `%store`, `%jobs`;
 * false for a `%%js` cell (`JS_CELL`).
 */
export function isMagicCell(text: string): boolean {
  if (JS_CELL.test(text)) return false;
  const first = firstLine(text);
  if (!first) return false;
  if (/^%%[A-Za-z_]\w*(\s|$)/.test(first.text)) return true;
  const line = /^%([A-Za-z_]\w*)(\s|$)/.exec(first.text);
  return line !== null && (LINE_MAGICS as readonly string[]).includes(line[1]!);
}

/** Parses a magic cell; throws MagicSyntaxError when the header breaks the grammar. */
export function parseCell(text: string): CellCommand {
  const first = firstLine(text);
  if (!first || !first.text.startsWith('%')) {
    throw new MagicSyntaxError('the cell does not start with a magic', '%%KIND ID … or %flow …', '', 1);
  }
  const tokens = tokenize(first.text, first.line);
  const head = tokens[0]!;
  if (head.startsWith('%%')) {
    const body = text.split('\n').slice(first.line).join('\n');
    return parseNodeHeader(head.slice(2), tokens.slice(1), first.line, body);
  }
  const rest = text.split('\n').slice(first.line).filter((l) => l.trim() !== '');
  const name = head.slice(1);
  const usage = name === 'flow' ? FLOW_USAGE : name === 'store' ? STORE_USAGE : name === 'jobs' ? JOBS_USAGE : '';
  if (!usage) {
    throw new MagicSyntaxError(`unknown line magic "${head}"`, `${FLOW_USAGE}, ${STORE_USAGE} or ${JOBS_USAGE}`, head, first.line);
  }
  if (rest.length > 0) {
    throw new MagicSyntaxError(`a ${head} cell holds one line; found more: "${rest[0]!.trim()}"`, usage, rest[0]!.trim(), first.line + 1);
  }
  const args = tokens.slice(1);
  if (name === 'flow') return parseFlow(args, first.line);
  if (name === 'store') return parseStore(args, first.line);
  return parseJobs(args, first.line);
}

function firstLine(text: string): { text: string; line: number } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed !== '') return { text: trimmed, line: i + 1 };
  }
  return undefined;
}

/** Splits a header on blanks; "double" or 'single' quotes keep a token with spaces together. */
function tokenize(line: string, lineNumber: number): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
    const token = m[1] ?? m[2] ?? m[3]!;
    if (m[3] !== undefined && /["']/.test(m[3])) {
      throw new MagicSyntaxError(`unbalanced quote in "${m[3]}"`, 'a token in matching "double" or \'single\' quotes', m[3], lineNumber);
    }
    tokens.push(token);
  }
  return tokens;
}

function parseNodeHeader(kindWord: string, args: string[], line: number, body: string): NodeCommand {
  if (kindWord === 'js') {
    const token = args[0] ?? '%%js';
    throw new MagicSyntaxError('%%js stands alone on the first line of the cell, which then runs as JavaScript', '%%js, then the code on the next lines', token, line);
  }
  if (!(NODE_KINDS as readonly string[]).includes(kindWord)) {
    throw new MagicSyntaxError(
      `unknown node kind "%%${kindWord}"`,
      `one of ${NODE_KINDS.map((k) => `%%${k}`).join(', ')}`,
      `%%${kindWord}`,
      line,
    );
  }
  const kind = kindWord as NodeKindName;
  const usage = nodeUsage(kind);
  const id = args[0];
  if (id === undefined || id.startsWith('--')) {
    throw new MagicSyntaxError(`%%${kind} needs a node id after it`, usage, id ?? '', line);
  }
  requireIdentifier(id, 'node id', usage, line);
  const command: NodeCommand = { type: 'node', kind, id, inputs: [], body, bodyLine: line + 1 };
  const seen = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const token = args[i]!;
    const [option, inlineValue] = splitOption(token);
    if (option !== '--from' && option !== '--model') {
      const problem = token.startsWith('-') ? `unknown option "${token}" for %%${kind}` : `unexpected "${token}" after the node id`;
      throw new MagicSyntaxError(problem, usage, token, line);
    }
    if (seen.has(option)) throw new MagicSyntaxError(`${option} given twice`, usage, token, line);
    seen.add(option);
    const value = inlineValue ?? args[++i];
    if (value === undefined || value.startsWith('--')) {
      throw new MagicSyntaxError(`${option} needs a value`, usage, token, line);
    }
    if (option === '--from') {
      if (kind === 'source') throw new MagicSyntaxError('%%source reads a file and takes no --from', usage, token, line);
      command.inputs = parseInputList(value, usage, line);
    } else {
      if (kind !== 'predict') throw new MagicSyntaxError(`--model belongs to %%predict, not %%${kind}`, usage, token, line);
      requireIdentifier(value, 'model id', usage, line);
      command.model = value;
    }
  }
  if (kind === 'predict' && command.model === undefined) {
    throw new MagicSyntaxError('%%predict needs --model MODEL (the model node that scores)', usage, '', line);
  }
  return command;
}

function splitOption(token: string): [string, string | undefined] {
  const eq = token.indexOf('=');
  return token.startsWith('--') && eq > 0 ? [token.slice(0, eq), token.slice(eq + 1)] : [token, undefined];
}

function parseInputList(value: string, usage: string, line: number): InputRef[] {
  return value.split(',').map((part) => {
    const [node, port, extra] = part.split(':');
    if (extra !== undefined || !node) {
      throw new MagicSyntaxError(`"${part}" in --from is not NODE or NODE:PORT`, usage, part, line);
    }
    requireIdentifier(node, 'upstream node id', usage, line);
    if (port === undefined) return { node };
    requireIdentifier(port, `port of ${node}`, usage, line);
    return { node, port };
  });
}

function requireIdentifier(token: string, what: string, usage: string, line: number): void {
  if (!IDENTIFIER.test(token)) {
    throw new MagicSyntaxError(
      `${what} "${token}" is not a name (letters, digits and _, not starting with a digit)`,
      usage,
      token,
      line,
    );
  }
}

function parseFlow(args: string[], line: number): FlowCommand {
  const [verb, ...rest] = args;
  const arity = (n: number): void => {
    if (rest.length > n) throw new MagicSyntaxError(`unexpected "${rest[n]}" after %flow ${verb}`, FLOW_USAGE, rest[n]!, line);
    if (rest.length < n) throw new MagicSyntaxError(`%flow ${verb} needs ${verb === 'export' ? 'a file name' : 'a node id'}`, FLOW_USAGE, '', line);
  };
  switch (verb) {
    case undefined:
      return { type: 'flow', action: 'show' };
    case 'status':
    case 'clear':
      arity(0);
      return { type: 'flow', action: verb };
    case 'export':
      arity(1);
      return { type: 'flow', action: 'export', file: rest[0]! };
    case 'rm':
      arity(1);
      requireIdentifier(rest[0]!, 'node id', FLOW_USAGE, line);
      return { type: 'flow', action: 'rm', id: rest[0]! };
    case 'run': {
      const downstream = rest.includes('--downstream');
      const others = rest.filter((t) => t !== '--downstream');
      const unknownOption = others.find((t) => t.startsWith('-'));
      if (unknownOption) throw new MagicSyntaxError(`unknown option "${unknownOption}" for %flow run`, FLOW_USAGE, unknownOption, line);
      if (others.length !== 1) {
        const problem = others.length === 0 ? '%flow run needs a node id' : `unexpected "${others[1]}" after %flow run ${others[0]}`;
        throw new MagicSyntaxError(problem, FLOW_USAGE, others[1] ?? '', line);
      }
      requireIdentifier(others[0]!, 'node id', FLOW_USAGE, line);
      return { type: 'flow', action: 'run', id: others[0]!, downstream };
    }
    default:
      throw new MagicSyntaxError(`unknown %flow command "${verb}"`, FLOW_USAGE, verb, line);
  }
}

function parseStore(args: string[], line: number): StoreCommand {
  const [verb, ...rest] = args;
  const wrongArguments = (token: string): MagicSyntaxError => new MagicSyntaxError(`wrong arguments for %store ${verb}`, STORE_USAGE, token, line);
  switch (verb) {
    case undefined:
      return { type: 'store', action: 'info' };
    case 'ls':
      if (rest.length > 1) throw wrongArguments(rest[1]!);
      return rest[0] === undefined ? { type: 'store', action: 'ls' } : { type: 'store', action: 'ls', path: rest[0] };
    case 'use':
      if (rest.length !== 1) throw wrongArguments(rest[1] ?? '');
      return { type: 'store', action: 'use', uri: rest[0]! };
    case 'put': {
      const [local, remote, extra] = rest;
      if (local === undefined || extra !== undefined) throw wrongArguments(extra ?? '');
      return remote === undefined ? { type: 'store', action: 'put', local } : { type: 'store', action: 'put', local, remote };
    }
    case 'get': {
      const [remote, local, extra] = rest;
      if (remote === undefined || extra !== undefined) throw wrongArguments(extra ?? '');
      return local === undefined ? { type: 'store', action: 'get', remote } : { type: 'store', action: 'get', remote, local };
    }
    case 'rm': {
      const recursive = rest.includes('-r');
      const paths = rest.filter((t) => t !== '-r');
      const unknownOption = paths.find((t) => t.startsWith('-'));
      if (unknownOption) throw new MagicSyntaxError(`unknown option "${unknownOption}" for %store rm`, STORE_USAGE, unknownOption, line);
      if (paths.length !== 1) throw wrongArguments(paths[1] ?? '');
      return { type: 'store', action: 'rm', path: paths[0]!, recursive };
    }
    default:
      throw new MagicSyntaxError(`unknown %store command "${verb}"`, STORE_USAGE, verb, line);
  }
}

function parseJobs(args: string[], line: number): JobsCommand {
  const [verb, ...rest] = args;
  if (verb === undefined) return { type: 'jobs', action: 'list' };
  // `logs` is kept as a synonym of `log`.
  if (verb !== 'show' && verb !== 'log' && verb !== 'logs' && verb !== 'stop') {
    throw new MagicSyntaxError(`unknown %jobs command "${verb}"`, JOBS_USAGE, verb, line);
  }
  if (rest.length !== 1) {
    throw new MagicSyntaxError(`%jobs ${verb} needs exactly one job id`, JOBS_USAGE, rest[1] ?? '', line);
  }
  return { type: 'jobs', action: verb === 'log' ? 'logs' : verb, jobId: rest[0]! };
}
