import { typescript, type TypeScript } from './typescript';

/** One top-level statement of a cell, with the names it declares (values and types). */
interface DeclaringStatement {
  text: string;
  names: string[];
  /** For imports: rebuilds the statement keeping only the bindings not in `drop`. */
  without?: (drop: ReadonlySet<string>) => string;
}

interface CellDeclarations {
  statements: DeclaringStatement[];
  names: Set<string>;
}

/** The session file the language service sees, and where the cell in question sits in it. */
export interface ComposedSession {
  text: string;
  /** UTF-16 offset of the cell's first character. */
  cellStart: number;
  cellEnd: number;
}

/**
 * The type state of a session: exactly the latest version of each cell that ran, in the order they
 * last ran. A cell is checked (or completed) as the last part of one module made of the other cells
 * and itself, so imports and declarations of earlier cells are in scope. A name declared again later
 * replaces the earlier declaration, as it does at run time: the earlier statement is left out, so the
 * checker never sees two versions of `scale` or of `source`.
 */
export class CellTypes {
  private readonly cells = new Map<string, CellDeclarations>();

  /** Records the version of a cell that just ran; it replaces the cell's previous version. */
  commit(cellId: string, code: string): void {
    this.cells.delete(cellId);
    const declarations = declarationsOf(code);
    if (declarations.statements.length > 0) this.cells.set(cellId, declarations);
  }

  /** Names a cell declares at top level (variables, functions, classes, types, imports). */
  declaredNames(code: string): Set<string> {
    return declarationsOf(code).names;
  }

  /** The session text with `code` as the newest cell; `replacing` leaves out that cell's old version. */
  compose(code: string, replacing?: string): ComposedSession {
    const taken = new Set(declarationsOf(code).names);
    const blocks: string[] = [];
    const earlier = [...this.cells].filter(([id]) => id !== replacing).reverse();
    for (const [, cell] of earlier) {
      const kept: string[] = [];
      for (const statement of cell.statements) {
        const shadowed = statement.names.filter((name) => taken.has(name));
        if (shadowed.length === 0) kept.push(statement.text);
        else if (statement.without && shadowed.length < statement.names.length) kept.push(statement.without(new Set(shadowed)));
      }
      blocks.unshift(kept.join('\n'));
      for (const name of cell.names) taken.add(name);
    }
    const prelude = blocks.length > 0 ? blocks.join('\n;\n') + '\n;\n' : '';
    return {
      text: `${prelude}${code}\n;export {};\n`,
      cellStart: prelude.length,
      cellEnd: prelude.length + code.length,
    };
  }
}

/**
 * The statements of a cell that matter to other cells: those that declare names, and ambient module
 * or global declarations. Expressions, loops and the like never change another cell's types, and
 * leaving them out keeps the checked text (and the time to check it) small as a session grows.
 */
function declarationsOf(code: string): CellDeclarations {
  const ts = typescript();
  const source = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const statements = source.statements
    .map((statement) => ({ statement, described: describeStatement(ts, source, statement) }))
    .filter(({ statement, described }) => described.names.length > 0 || ts.isModuleDeclaration(statement))
    .map(({ described }) => described);
  return { statements, names: new Set(statements.flatMap((s) => s.names)) };
}

function describeStatement(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  statement: TypeScript.Statement,
): DeclaringStatement {
  const text = statement.getText(source);
  if (ts.isVariableStatement(statement)) {
    const names: string[] = [];
    for (const declaration of statement.declarationList.declarations) collectBindingNames(ts, declaration.name, names);
    return { text, names };
  }
  if (
    (ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement)) &&
    statement.name
  ) {
    return { text, names: [statement.name.text] };
  }
  if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
    return { text, names: [statement.name.text] };
  }
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    return describeImport(ts, source, statement, statement.importClause);
  }
  return { text, names: [] };
}

function describeImport(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
  statement: TypeScript.ImportDeclaration,
  clause: TypeScript.ImportClause,
): DeclaringStatement {
  const from = statement.moduleSpecifier.getText(source);
  const typeOnly = clause.isTypeOnly ? 'type ' : '';
  const defaultName = clause.name?.text;
  const bindings = clause.namedBindings;
  const namespace = bindings && ts.isNamespaceImport(bindings) ? bindings.name.text : undefined;
  const elements = bindings && ts.isNamedImports(bindings) ? bindings.elements : [];
  const names = [defaultName, namespace, ...elements.map((e) => e.name.text)].filter((n): n is string => !!n);
  const without = (drop: ReadonlySet<string>) => {
    const parts: string[] = [];
    if (defaultName && !drop.has(defaultName)) parts.push(defaultName);
    if (namespace && !drop.has(namespace)) parts.push(`* as ${namespace}`);
    const named = elements.filter((e) => !drop.has(e.name.text)).map((e) => e.getText(source));
    if (named.length > 0) parts.push(`{ ${named.join(', ')} }`);
    return parts.length > 0 ? `import ${typeOnly}${parts.join(', ')} from ${from};` : '';
  };
  return { text: statement.getText(source), names, without };
}

function collectBindingNames(ts: typeof TypeScript, name: TypeScript.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) {
    into.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) collectBindingNames(ts, element.name, into);
  }
}
