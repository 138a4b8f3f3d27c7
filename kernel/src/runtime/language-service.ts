import * as path from 'node:path';
import type { Completion, Inspection } from '../core/interpreter';
import { codePointToUtf16, utf16ToCodePoint } from './code-points';
import { describeDiagnostic } from './cell-transform';
import { CellTypes, type ComposedSession } from './cell-types';
import { typescript, type TypeScript } from './typescript';

export interface LanguageServiceOptions {
  notebookDir: string;
  /** Declarations of the session's globals (display, input, …) as `.d.ts` text. */
  globalTypes: string;
}

/** Identifier characters before the cursor: what a completion replaces. */
const TRAILING_IDENTIFIER = /[\p{ID_Continue}$\u200c\u200d]*$/u;
const LEADING_IDENTIFIER = /^[\p{ID_Continue}$\u200c\u200d]*/u;

/**
 * TypeScript's LanguageService over the session's cells: type checks before a cell runs, and
 * completion and inspection typed across cells. Cursor positions in and out are Unicode code points.
 *
 * Type-checking policy: a cell is checked with `strict` on, except `noImplicitAny` (an untyped
 * parameter or an untyped package is `any`, as in exploratory code). Only problems inside the cell
 * being run are reported, with the cell's own line numbers; problems they cause in other cells are
 * not (those cells already ran). A cell whose first line is `%%js` is never checked.
 */
export class SessionLanguageService {
  readonly cells = new CellTypes();
  private readonly sessionFile: string;
  private readonly globalsFile: string;
  private sessionText = '';
  private sessionVersion = 0;
  private service: TypeScript.LanguageService | undefined;
  /** The session text of the last check that found no problem and had every import resolved. */
  private lastCleanText: string | undefined;
  /** Set when an import fails to resolve while the language service builds a program. */
  private unresolvedImport = false;

  constructor(private readonly options: LanguageServiceOptions) {
    this.sessionFile = path.join(options.notebookDir, '__flowbook_session__.ts');
    this.globalsFile = path.join(options.notebookDir, '__flowbook_globals__.d.ts');
  }

  /**
   * Builds the program once (lib and @types/node), so the first cell does not wait ~2 s for it;
   * nothing to do once a cell has been checked.
   */
  warmUp(): void {
    if (!this.service) this.check('session-warm-up', 'export {};');
  }

  /** Problems that keep `code` (the new version of `cellId`) from running, as `line N: message`. */
  check(cellId: string, code: string): string[] {
    const ts = typescript();
    const composed = this.compose(code, cellId);
    // A cell run again with nothing changed since it passed: the same text against the same libraries
    // passes again, so the program (and its type checker, most of a check's time) need not be rebuilt.
    // Not when an import did not resolve: the package may have been installed since.
    if (composed.text === this.lastCleanText) return [];
    this.install(composed);
    this.unresolvedImport = false;
    const service = this.languageService();
    const cellStartLine = service.getProgram()!.getSourceFile(this.sessionFile)!.getLineAndCharacterOfPosition(composed.cellStart).line;
    const problems = service
      .getSemanticDiagnostics(this.sessionFile)
      .filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined)
      .filter((d) => d.start! >= composed.cellStart && d.start! <= composed.cellEnd)
      .map((d) => `${describeDiagnostic(ts, d, cellStartLine)} (TS${d.code})`);
    this.lastCleanText = problems.length === 0 && !this.unresolvedImport ? composed.text : undefined;
    return problems;
  }

  complete(code: string, cursorPos: number): Completion {
    const cursor = codePointToUtf16(code, cursorPos);
    const prefix = TRAILING_IDENTIFIER.exec(code.slice(0, cursor))![0];
    const composed = this.load(code);
    const completions = this.languageService().getCompletionsAtPosition(this.sessionFile, composed.cellStart + cursor, {
      includeCompletionsWithInsertText: true,
    });
    const entries = (completions?.entries ?? []).filter((entry) => entry.name.startsWith(prefix));
    entries.sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name));
    const start = utf16ToCodePoint(code, cursor - prefix.length);
    const end = utf16ToCodePoint(code, cursor);
    return {
      matches: entries.map((entry) => entry.name),
      cursorStart: start,
      cursorEnd: end,
      metadata: {
        _jupyter_types_experimental: entries.map((entry) => ({ start, end, text: entry.name, type: entry.kind })),
      },
    };
  }

  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Inspection {
    const ts = typescript();
    const cursor = codePointToUtf16(code, cursorPos);
    const composed = this.load(code);
    const service = this.languageService();
    // The cursor usually sits just after the name; look at the name it touches.
    const before = TRAILING_IDENTIFIER.exec(code.slice(0, cursor))![0].length;
    const after = LEADING_IDENTIFIER.exec(code.slice(cursor))![0].length;
    const at = after > 0 || before === 0 ? cursor : cursor - 1;
    const info = service.getQuickInfoAtPosition(this.sessionFile, composed.cellStart + Math.max(at, 0));
    // An unknown name (a half-typed one) has quick info of kind '' and type any: nothing to show.
    if (!info || at < 0 || info.kind === ts.ScriptElementKind.unknown) return { found: false, data: {}, metadata: {} };
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`.trim());
    const details = detailLevel === 1 ? tags : tags.filter((tag) => /^@(param|returns?)\b/.test(tag));
    const text = [signature, docs, ...details].filter((part) => part.length > 0).join('\n\n');
    const markdown = ['```typescript\n' + signature + '\n```', docs, ...details].filter((p) => p.length > 0).join('\n\n');
    return { found: true, data: { 'text/plain': text, 'text/markdown': markdown }, metadata: {} };
  }

  private load(code: string): ComposedSession {
    const composed = this.compose(code);
    this.install(composed);
    return composed;
  }

  private compose(code: string, replacing?: string): ComposedSession {
    // A magic line (`%%js`, `%%node features --from clean`) is not TypeScript; blanking it keeps
    // offsets, so completion still works in the body below it.
    const typescriptPart = code.startsWith('%') ? code.replace(/^[^\n]*/, (line) => ' '.repeat(line.length)) : code;
    return this.cells.compose(typescriptPart, replacing);
  }

  /** Makes `composed` the session file the language service reads next. */
  private install(composed: ComposedSession): void {
    this.sessionText = composed.text;
    this.sessionVersion += 1;
  }

  private languageService(): TypeScript.LanguageService {
    if (this.service) return this.service;
    const ts = typescript();
    const options = compilerOptions(ts, this.options.notebookDir);
    const globals = this.options.globalTypes;
    // Library files (lib.*.d.ts, @types, packages' types) count as unchanging for the session: every
    // new program asks for all of them, and reading ~3 MB again per cell would cost more than checking.
    const libraryFiles = new Map<string, TypeScript.IScriptSnapshot | undefined>();
    const librarySnapshot = (file: string) => {
      if (!libraryFiles.has(file)) {
        const text = ts.sys.readFile(file);
        libraryFiles.set(file, text === undefined ? undefined : ts.ScriptSnapshot.fromString(text));
      }
      return libraryFiles.get(file);
    };
    const host: TypeScript.LanguageServiceHost = {
      getScriptFileNames: () => [this.globalsFile, this.sessionFile],
      getScriptVersion: (file) => (file === this.sessionFile ? String(this.sessionVersion) : '1'),
      getScriptSnapshot: (file) => {
        if (file === this.sessionFile) return ts.ScriptSnapshot.fromString(this.sessionText);
        if (file === this.globalsFile) return ts.ScriptSnapshot.fromString(globals);
        return librarySnapshot(file);
      },
      getCurrentDirectory: () => this.options.notebookDir,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => file === this.sessionFile || file === this.globalsFile || ts.sys.fileExists(file),
      readFile: (file) => (file === this.sessionFile ? this.sessionText : file === this.globalsFile ? globals : ts.sys.readFile(file)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      ...sessionModuleResolution(ts, this.options.notebookDir, options, () => (this.unresolvedImport = true)),
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
    return this.service;
  }
}

/**
 * Module resolution with one cache for the whole session. Without it every check builds a new cache
 * and reads the package.json of every typed package again (most of a trivial cell's check time).
 * A name that does not resolve is tried again without the cache, so a package installed during the
 * session is found; if it still does not resolve, `unresolved` is called.
 */
function sessionModuleResolution(
  ts: typeof TypeScript,
  notebookDir: string,
  options: TypeScript.CompilerOptions,
  unresolved: () => void,
): {
  /** Read by the language service although its public host type leaves it out. */
  getModuleResolutionCache(): TypeScript.ModuleResolutionCache;
  resolveModuleNameLiterals: NonNullable<TypeScript.LanguageServiceHost['resolveModuleNameLiterals']>;
} {
  const cache = ts.createModuleResolutionCache(notebookDir, (file) => file, options);
  return {
    getModuleResolutionCache: () => cache,
    resolveModuleNameLiterals: (literals, containingFile, redirected, compilerOptions, containingSource) =>
      literals.map((literal) => {
        const mode = ts.getModeForUsageLocation(containingSource, literal, compilerOptions);
        const cached = ts.resolveModuleName(literal.text, containingFile, compilerOptions, ts.sys, cache, redirected, mode);
        if (cached.resolvedModule) return cached;
        const fresh = ts.resolveModuleName(literal.text, containingFile, compilerOptions, ts.sys, undefined, redirected, mode);
        if (!fresh.resolvedModule) unresolved();
        return fresh;
      }),
  };
}

function compilerOptions(ts: typeof TypeScript, notebookDir: string): TypeScript.CompilerOptions {
  const nodeTypes = findNodeTypes(notebookDir);
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    strict: true,
    noImplicitAny: false,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    ...(nodeTypes ? { typeRoots: [nodeTypes], types: ['node'] } : { types: [] }),
  };
}

/** The `@types` folder holding Node's types: the notebook's own, else the kernel's. */
function findNodeTypes(notebookDir: string): string | undefined {
  try {
    const manifest = require.resolve('@types/node/package.json', { paths: [notebookDir, __dirname] });
    return path.dirname(path.dirname(manifest));
  } catch {
    return undefined;
  }
}
