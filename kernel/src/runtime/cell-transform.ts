import { SourceMap } from 'node:module';
import { typescript, type TypeScript } from './typescript';

/** The runtime helpers object the transformed code calls (installed by `session-context.ts`). */
export const HELPERS = '__flowbook';

export interface CompiledCell {
  /**
   * JavaScript for a `vm.Script`. In `cell` mode it evaluates to a Promise of the cell's final
   * expression value; in `scope` mode to an async function taking the scope object.
   */
  script: string;
  /** Top-level names the cell declares: variables, functions, classes, enums, imports. */
  declaredNames: string[];
  /** The 1-based cell line that produced 1-based `line`/`column` of `script`, when known. */
  cellLine(line: number, column: number): number | undefined;
}

/** The cell does not parse; `problems` read `line N: message`, with the cell's own line numbers. */
export class CellSyntaxError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SyntaxError';
  }
}

export type CompileMode =
  /** A notebook cell: top-level declarations become session-wide bindings a re-run replaces. */
  | { kind: 'cell' }
  /** Code run with extra variables in scope (`MagicCell.evaluate`): its declarations stay local. */
  | { kind: 'scope'; scopeNames: string[] };

/** Checks every loop iteration for an interrupt: the flag lives in shared memory (see interrupts). */
const LOOP_CHECK = `if (Atomics.load(${HELPERS}.interruptFlag, 0) !== 0) ${HELPERS}.interrupted();`;

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Orders edits at the same position: closing text before opening text, inner closes first. */
  rank: number;
}

/**
 * Turns one cell of TypeScript into a script for the session's persistent `vm` context.
 *
 * The cell is transpiled by TypeScript (types stripped, every import kept), then edited in place so
 * that line numbers stay the cell's own (the transpiler's source map covers what it reformats):
 * - the body runs inside an async function, so top-level `await` works; the last expression
 *   statement is returned (a Promise there is awaited, as a user expects from `fetch(...)`);
 * - `const`/`let`/`class` at top level become assignments to `var`s declared before the function, so
 *   re-running a cell (or another cell) replaces a binding instead of failing "already declared";
 *   function declarations are copied onto the global object;
 * - `import ... from "m"` becomes an `await` of the session's loader: `m` resolved from the notebook's
 *   directory, else the kernel's own package (kernel-packages.ts); `import("m")` goes there too;
 * - every loop checks the interrupt flag, every `await` resumption checks that its cell was not
 *   interrupted, and every `throw` records where a non-Error value was thrown.
 */
export function compileCell(code: string, mode: CompileMode): CompiledCell {
  // Transpiling costs a few milliseconds (TypeScript builds a program to emit one file), most of a
  // trivial cell's time; a cell run again unchanged reuses its script.
  const key = JSON.stringify([code, mode]);
  const known = recentlyCompiled.get(key);
  if (known) {
    recentlyCompiled.delete(key);
    recentlyCompiled.set(key, known);
    return known;
  }
  const compiled = transpileCell(code, mode);
  recentlyCompiled.set(key, compiled);
  if (recentlyCompiled.size > RECENTLY_COMPILED_LIMIT) recentlyCompiled.delete(recentlyCompiled.keys().next().value!);
  return compiled;
}

/** How many compiled cells `compileCell` keeps, least recently used dropped first. */
const RECENTLY_COMPILED_LIMIT = 100;
const recentlyCompiled = new Map<string, CompiledCell>();

function transpileCell(code: string, mode: CompileMode): CompiledCell {
  const ts = typescript();
  const transpiled = ts.transpileModule(code, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      sourceMap: true,
      verbatimModuleSyntax: true,
      useDefineForClassFields: true,
    },
  });
  const errors = (transpiled.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new CellSyntaxError(errors.map((d) => describeDiagnostic(ts, d)));

  const js = transpiled.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const source = ts.createSourceFile('cell.js', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const declaredNames = new Set<string>();
  const functionNames: string[] = [];

  const statements = source.statements.filter((s) => !ts.isEmptyStatement(s));
  const last = statements.at(-1);
  for (const statement of statements) {
    rewriteTopLevel(ts, source, statement, mode, edits, declaredNames, functionNames);
  }
  if (last && ts.isExpressionStatement(last)) {
    insert(edits, last.expression.getStart(source), 'return (', 0);
    insert(edits, last.expression.end, ')', 0, true);
  }
  instrument(ts, source, source, 1, edits);

  const body = applyEdits(js, edits);
  const names = [...declaredNames];
  let prefix: string;
  let suffix: string;
  if (mode.kind === 'cell') {
    const hoisted = names.length > 0 ? `var ${names.join(', ')}; ` : '';
    const globals = functionNames.map((name) => `globalThis.${name} = ${name}; `).join('');
    prefix = `${hoisted}(async () => { ${globals}`;
    suffix = '\n})()';
  } else {
    const fromScope = mode.scopeNames.filter((name) => !declaredNames.has(name));
    const unpack = fromScope.length > 0 ? `const { ${fromScope.join(', ')} } = ${HELPERS}Scope; ` : '';
    prefix = `(async (${HELPERS}Scope) => { ${unpack}`;
    suffix = '\n})';
  }

  const map = new SourceMap(JSON.parse(transpiled.sourceMapText!));
  return {
    script: prefix + body + suffix,
    declaredNames: names,
    cellLine: (line, column) => originalLine(map, line - 1, line === 1 ? column - 1 - prefix.length : column - 1),
  };
}

function originalLine(map: SourceMap, line: number, column: number): number | undefined {
  for (const probe of [Math.max(column, 0), Number.MAX_SAFE_INTEGER]) {
    const entry = map.findEntry(line, probe) as Partial<{ generatedLine: number; originalLine: number }>;
    if (entry.generatedLine === line && entry.originalLine !== undefined) return entry.originalLine + 1;
  }
  return undefined;
}

export function describeDiagnostic(ts: typeof TypeScript, d: TypeScript.Diagnostic, lineOffset = 0): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return message;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `line ${line + 1 - lineOffset}: ${message}`;
}

function rewriteTopLevel(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  statement: TypeScript.Statement,
  mode: CompileMode,
  edits: Edit[],
  declared: Set<string>,
  functionNames: string[],
): void {
  const start = statement.getStart(source);
  const hoist = mode.kind === 'cell';
  if (ts.isImportDeclaration(statement)) {
    const text = importAsStatement(ts, source, statement, hoist, declared);
    const lines = source.text.slice(start, statement.end).split('\n').length - 1;
    edits.push({ start, end: statement.end, text: text + '\n'.repeat(lines), rank: 0 });
    return;
  }
  if (ts.isExportDeclaration(statement)) {
    edits.push({ start, end: statement.end, text: '', rank: 0 });
    return;
  }
  if (ts.isExportAssignment(statement)) {
    edits.push({ start, end: statement.expression.getStart(source), text: '', rank: 0 });
    return;
  }
  if (!hoist) return;
  const exportKeyword = ts.canHaveModifiers(statement)
    ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword)
    : undefined;
  if (ts.isVariableStatement(statement)) {
    const list = statement.declarationList;
    const first = list.declarations[0];
    if (!first) return;
    edits.push({ start, end: first.getStart(source), text: '', rank: 0 });
    const isVar = (list.flags & ts.NodeFlags.BlockScoped) === 0;
    for (const declaration of list.declarations) {
      bindingNames(ts, declaration.name, declared);
      if (declaration.initializer) {
        if (!ts.isIdentifier(declaration.name)) {
          insert(edits, declaration.getStart(source), '(', 0);
          insert(edits, declaration.end, ')', 0, true);
        }
      } else if (!isVar) {
        insert(edits, declaration.end, ' = void 0', 0, true);
      }
    }
    return;
  }
  if (ts.isFunctionDeclaration(statement) && statement.name) {
    if (exportKeyword) edits.push({ start, end: firstNonModifier(ts, source, statement), text: '', rank: 0 });
    declared.add(statement.name.text);
    functionNames.push(statement.name.text);
    return;
  }
  if (ts.isClassDeclaration(statement) && statement.name) {
    const name = statement.name.text;
    const classStart = firstNonModifier(ts, source, statement);
    edits.push({ start, end: classStart, text: `${name} = `, rank: 0 });
    insert(edits, statement.end, ';', 0, true);
    declared.add(name);
    return;
  }
  // `export default function () {}` or `export default class {}`: a cell is no module, so the export
  // goes; an anonymous declaration is no statement on its own, so it stays as an unused expression.
  if (exportKeyword) edits.push({ start, end: firstNonModifier(ts, source, statement), text: 'void ', rank: 0 });
}

function firstNonModifier(ts: typeof TypeScript, source: TypeScript.SourceFile, node: TypeScript.Node): number {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  const lastModifier = modifiers?.at(-1);
  if (!lastModifier) return node.getStart(source);
  return lastModifier.end + /^\s*/.exec(source.text.slice(lastModifier.end))![0].length;
}

function importAsStatement(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  node: TypeScript.ImportDeclaration,
  hoist: boolean,
  declared: Set<string>,
): string {
  const specifier = node.moduleSpecifier.getText(source);
  const loaded = `${HELPERS}.interop(await ${moduleLoad(specifier)})`;
  const clause = node.importClause;
  if (!clause) return `await ${moduleLoad(specifier)};`;
  const assign = hoist ? '' : 'const ';
  const parts: string[] = [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    declared.add(bindings.name.text);
    parts.push(`${assign}${bindings.name.text} = ${loaded};`);
    if (clause.name) {
      declared.add(clause.name.text);
      parts.push(`${assign}${clause.name.text} = ${bindings.name.text}.default;`);
    }
    return parts.join(' ');
  }
  const properties: string[] = [];
  if (clause.name) {
    declared.add(clause.name.text);
    properties.push(`default: ${clause.name.text}`);
  }
  for (const element of bindings && ts.isNamedImports(bindings) ? bindings.elements : []) {
    declared.add(element.name.text);
    const imported = element.propertyName ? element.propertyName.getText(source) : element.name.text;
    properties.push(`${imported}: ${element.name.text}`);
  }
  const pattern = `{ ${properties.join(', ')} }`;
  return hoist ? `(${pattern} = ${loaded});` : `const ${pattern} = ${loaded};`;
}

/**
 * A cell's `import(specifier)`: the session's loader hands out the kernel's own package when the
 * notebook's folder lacks it (kernel-packages.ts), else calls the `import()` written here, in the
 * cell's script, which Node resolves from the notebook's folder.
 */
function moduleLoad(specifier: string): string {
  return `${LOADER_CALL}${specifier}, ${NATIVE_IMPORT})`;
}

const LOADER_CALL = `${HELPERS}.import(`;
const NATIVE_IMPORT = `(${HELPERS}Specifier) => import(${HELPERS}Specifier)`;

function bindingNames(ts: typeof TypeScript, name: TypeScript.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) {
    into.add(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) bindingNames(ts, element.name, into);
  }
}

function instrument(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  node: TypeScript.Node,
  depth: number,
  edits: Edit[],
): void {
  if (ts.isIterationStatement(node, false)) {
    const body = node.statement;
    if (ts.isBlock(body)) {
      insert(edits, body.getStart(source) + 1, ` ${LOOP_CHECK}`, depth);
    } else {
      insert(edits, body.getStart(source), `{ ${LOOP_CHECK} `, depth);
      insert(edits, body.end, ' }', depth, true);
    }
  } else if (ts.isAwaitExpression(node)) {
    insert(edits, node.getStart(source), `${HELPERS}.resumed(`, depth);
    insert(edits, node.end, ')', depth, true);
  } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1) {
    // `import(x)` becomes `<loader>(x, <native import>)`; what `x` holds is instrumented as usual.
    const argument = node.arguments[0]!;
    edits.push({ start: node.getStart(source), end: argument.getStart(source), text: LOADER_CALL, rank: depth });
    edits.push({ start: argument.end, end: node.end, text: `, ${NATIVE_IMPORT})`, rank: -1000 - depth });
  } else if (ts.isThrowStatement(node)) {
    insert(edits, node.expression.getStart(source), `${HELPERS}.thrown(`, depth);
    insert(edits, node.expression.end, ')', depth, true);
  }
  ts.forEachChild(node, (child) => instrument(ts, source, child, depth + 1, edits));
}

function insert(edits: Edit[], at: number, text: string, depth: number, closing = false): void {
  edits.push({ start: at, end: at, text, rank: closing ? -1000 - depth : depth });
}

function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.rank - b.rank);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.start) + edit.text;
    at = Math.max(at, edit.end);
  }
  return out + text.slice(at);
}
