import type * as TypeScript from 'typescript';
import { FlowbookError } from '../../errors';
import type { CompiledTfscript } from '../../train/tfscript/module';

const REQUIRED = ['buildGraph', 'processStep'] as const;
const KNOWN = [...REQUIRED, 'evaluate', 'predict'];

/**
 * Compiles a `%%tfscript` cell body to CommonJS in the kernel, before any process starts: syntax
 * errors and missing exports are reported at once, with the cell's own line numbers. The body is
 * placed at its cell line (blank lines stand for the header), so the source map's lines are cell lines.
 */
export function compileTfscript(nodeId: string, body: string, bodyLine: number): CompiledTfscript {
  const ts = require('typescript') as typeof TypeScript;
  const filename = `/flowbook/tfscript/${nodeId}.ts`;
  const source = '\n'.repeat(bodyLine - 1) + body;
  const output = ts.transpileModule(source, {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
      inlineSourceMap: true, inlineSources: true,
    },
  });
  const syntax = (output.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const line = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start).line + 1 : undefined;
    throw new FlowbookError(
      'TfscriptSyntaxError',
      `the %%tfscript cell \`${nodeId}\` has a syntax error${line !== undefined ? ` at cell line ${line}` : ''}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}`,
      line !== undefined ? `fix line ${line} of the cell` : 'fix the cell',
      { node: nodeId, ...(line !== undefined ? { line } : {}) },
    );
  }
  const declared = topLevelFunctions(ts, ts.createSourceFile(filename, source, ts.ScriptTarget.ES2022, true));
  for (const name of REQUIRED) {
    if (!declared.some((d) => d.name === name && d.exported)) throw missingExport(nodeId, name, declared);
  }
  const exportLines = Object.fromEntries(declared.filter((d) => d.exported && KNOWN.includes(d.name)).map((d) => [d.name, d.line]));
  return { nodeId, filename, javascript: output.outputText, exportLines };
}

interface Declared {
  name: string;
  line: number;
  exported: boolean;
}

/** Top-level functions and consts (`export const processStep = …` counts too), with their cell lines. */
function topLevelFunctions(ts: typeof TypeScript, file: TypeScript.SourceFile): Declared[] {
  const found: Declared[] = [];
  const lineOf = (node: TypeScript.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const isExported = (node: TypeScript.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      found.push({ name: statement.name.text, line: lineOf(statement), exported: isExported(statement) });
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) found.push({ name: d.name.text, line: lineOf(d), exported: isExported(statement) });
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const e of statement.exportClause.elements) found.push({ name: e.name.text, line: lineOf(e), exported: true });
    }
  }
  return found;
}

/** Names that differ only in case or underscores: `buildgraph`, `build_graph`, `BuildGraph`. */
function loose(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

function missingExport(nodeId: string, name: string, declared: Declared[]): FlowbookError {
  const same = declared.find((d) => d.name === name);
  if (same) {
    return new FlowbookError(
      'TfscriptMissingExport',
      `\`${name}\` at cell line ${same.line} of node \`${nodeId}\` is not exported`,
      `write \`export\` before it: \`export function ${name}(…)\``,
      { node: nodeId, export: name, line: same.line },
    );
  }
  const near = declared.find((d) => loose(d.name) === loose(name));
  if (near) {
    return new FlowbookError(
      'TfscriptMissingExport',
      `node \`${nodeId}\` exports no \`${name}\`; \`${near.name}\` at cell line ${near.line} looks like it`,
      `rename \`${near.name}\` to \`${name}\` (the names are case-sensitive)`,
      { node: nodeId, export: name, line: near.line },
    );
  }
  return new FlowbookError(
    'TfscriptMissingExport',
    `node \`${nodeId}\` exports no \`${name}\` function`,
    `a %%tfscript cell exports buildGraph(ctx) and processStep(ctx, batch); add \`export function ${name}(…) { … }\``,
    { node: nodeId, export: name },
  );
}
