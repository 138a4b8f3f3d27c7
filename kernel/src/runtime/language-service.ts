import * as path from 'node:path';
import type { Completion, Inspection } from '../core/interpreter';
import { codePointToUtf16, utf16ToCodePoint } from './code-points';
import { describeDiagnostic } from './cell-transform';
import { CellTypes, type ComposedSession } from './cell-types';
import { KERNEL_RESOLUTION_FILE, notebookHasPackage, packageName } from './kernel-packages';
import { typescript, type TypeScript } from './typescript';

export interface LanguageServiceOptions {
  notebookDir: string;
  /** Declarations of the session's globals (display, input, …) as `.d.ts` text. */
  globalTypes: string;
}

/** The version the language service sees for every file but the session's: they never change. */
const LIBRARY_VERSION = '1';

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
  /** Parsed files, shared by every program of the session (created with TypeScript, on first use). */
  private documentRegistry: TypeScript.DocumentRegistry | undefined;
  /**
   * Library files (lib.*.d.ts, @types, packages' types) count as unchanging for the session: every
   * new program asks for all of them, and reading ~3 MB again per cell would cost more than checking.
   */
  private readonly librarySnapshots = new Map<string, TypeScript.IScriptSnapshot | undefined>();
  private checkedOnce = false;
  private compilationSettings: { options: TypeScript.CompilerOptions; resolutionCache: TypeScript.ModuleResolutionCache } | undefined;
  /** The session text of the last check that found no problem and had every import resolved. */
  private lastCleanText: string | undefined;
  /** Set when an import fails to resolve while the language service builds a program. */
  private unresolvedImport = false;

  constructor(private readonly options: LanguageServiceOptions) {
    this.sessionFile = path.join(options.notebookDir, '__flowbook_session__.ts');
    this.globalsFile = path.join(options.notebookDir, '__flowbook_globals__.d.ts');
  }

  /**
   * Parses the library files a check needs (lib.es2023, @types/node) one per turn of the event loop,
   * then builds the program: the first cell need not wait seconds for them, and since no step blocks
   * for long, the kernel keeps answering meanwhile. Stops as soon as a cell has been checked.
   */
  async warmUp(): Promise<void> {
    const ts = typescript();
    const { options, resolutionCache } = this.compilation();
    for (const [file, snapshot] of libraryFiles(ts, options, resolutionCache, (file) => this.librarySnapshot(file))) {
      await nextTurn();
      if (this.checkedOnce) return;
      // With the same source file options as the language service's own request, or it parses again.
      const sourceFileOptions = { languageVersion: options.target!, impliedNodeFormat: ts.getImpliedNodeFormatForFile(file, undefined, ts.sys, options) };
      const parsed = this.documents().acquireDocument(file, options, snapshot, LIBRARY_VERSION, undefined, sourceFileOptions);
      await nextTurn();
      if (this.checkedOnce) return;
      bind(ts, parsed, options);
    }
    await nextTurn();
    if (!this.checkedOnce) this.check('session-warm-up', 'export {};');
  }

  /** Problems that keep `code` (the new version of `cellId`) from running, as `line N: message`. */
  check(cellId: string, code: string): string[] {
    const ts = typescript();
    const composed = this.compose(code, cellId);
    // A cell run again with nothing changed since it passed: the same text against the same libraries
    // passes again, so the program (and its type checker, most of a check's time) need not be rebuilt.
    // Not when an import did not resolve: the package may have been installed since.
    if (composed.text === this.lastCleanText) return [];
    this.checkedOnce = true;
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

  private compilation(): { options: TypeScript.CompilerOptions; resolutionCache: TypeScript.ModuleResolutionCache } {
    if (!this.compilationSettings) {
      const ts = typescript();
      const options = compilerOptions(ts, this.options.notebookDir);
      this.compilationSettings = { options, resolutionCache: ts.createModuleResolutionCache(this.options.notebookDir, (file) => file, options) };
    }
    return this.compilationSettings;
  }

  private documents(): TypeScript.DocumentRegistry {
    this.documentRegistry ??= typescript().createDocumentRegistry();
    return this.documentRegistry;
  }

  private librarySnapshot(file: string): TypeScript.IScriptSnapshot | undefined {
    if (!this.librarySnapshots.has(file)) {
      const ts = typescript();
      const text = ts.sys.readFile(file);
      this.librarySnapshots.set(file, text === undefined ? undefined : ts.ScriptSnapshot.fromString(text));
    }
    return this.librarySnapshots.get(file);
  }

  private languageService(): TypeScript.LanguageService {
    if (this.service) return this.service;
    const ts = typescript();
    const { options, resolutionCache } = this.compilation();
    const globals = this.options.globalTypes;
    const host: TypeScript.LanguageServiceHost = {
      getScriptFileNames: () => [this.globalsFile, this.sessionFile],
      getScriptVersion: (file) => (file === this.sessionFile ? String(this.sessionVersion) : LIBRARY_VERSION),
      getScriptSnapshot: (file) => {
        if (file === this.sessionFile) return ts.ScriptSnapshot.fromString(this.sessionText);
        if (file === this.globalsFile) return ts.ScriptSnapshot.fromString(globals);
        return this.librarySnapshot(file);
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
      ...sessionModuleResolution(ts, resolutionCache, [this.sessionFile, this.globalsFile], () => (this.unresolvedImport = true)),
    };
    this.service = ts.createLanguageService(host, this.documents());
    return this.service;
  }
}

/**
 * Module resolution with one cache for the whole session. Without it every check builds a new cache
 * and reads the package.json of every typed package again (most of a trivial cell's check time).
 * A name that does not resolve is tried again without the cache, so a package installed during the
 * session is found. A package that `sessionFiles` (the cells, the globals' declarations) import and
 * the notebook's folders lack resolves from the kernel's own packages, as it does at run time
 * (kernel-packages.ts); if it still does not resolve, `unresolved` is called.
 */
function sessionModuleResolution(
  ts: typeof TypeScript,
  cache: TypeScript.ModuleResolutionCache,
  sessionFiles: string[],
  unresolved: () => void,
): {
  /** Read by the language service although its public host type leaves it out. */
  getModuleResolutionCache(): TypeScript.ModuleResolutionCache;
  resolveModuleNameLiterals: NonNullable<TypeScript.LanguageServiceHost['resolveModuleNameLiterals']>;
} {
  return {
    getModuleResolutionCache: () => cache,
    resolveModuleNameLiterals: (literals, containingFile, redirected, compilerOptions, containingSource) =>
      literals.map((literal) => {
        const mode = ts.getModeForUsageLocation(containingSource, literal, compilerOptions);
        const cached = ts.resolveModuleName(literal.text, containingFile, compilerOptions, ts.sys, cache, redirected, mode);
        if (cached.resolvedModule) return cached;
        const name = packageName(literal.text);
        const kernels = sessionFiles.includes(containingFile) && name !== undefined && !notebookHasPackage(path.dirname(containingFile), name);
        const again = kernels
          ? ts.resolveModuleName(literal.text, KERNEL_RESOLUTION_FILE, compilerOptions, ts.sys, cache, redirected, mode)
          : ts.resolveModuleName(literal.text, containingFile, compilerOptions, ts.sys, undefined, redirected, mode);
        if (!again.resolvedModule) unresolved();
        return again;
      }),
  };
}

/**
 * The lib and @types/node files a check reads (undici-types too), found one by one through their
 * `/// <reference lib|path>` lines and their imports.
 */
function* libraryFiles(
  ts: typeof TypeScript,
  options: TypeScript.CompilerOptions,
  resolutionCache: TypeScript.ModuleResolutionCache,
  read: (file: string) => TypeScript.IScriptSnapshot | undefined,
): Generator<[string, TypeScript.IScriptSnapshot]> {
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const nodeTypes = options.typeRoots?.[0];
  const pending = [
    ...(options.lib ?? []).map((lib) => path.join(libDir, lib)),
    ...(nodeTypes ? [path.join(nodeTypes, 'node', 'index.d.ts')] : []),
  ];
  const seen = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const snapshot = read(file);
    if (!snapshot) continue;
    yield [file, snapshot];
    const references = ts.preProcessFile(snapshot.getText(0, snapshot.getLength()), true, true);
    for (const lib of references.libReferenceDirectives) pending.push(path.join(libDir, `lib.${lib.fileName.toLowerCase()}.d.ts`));
    for (const reference of references.referencedFiles) pending.push(path.resolve(path.dirname(file), reference.fileName));
    for (const imported of references.importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys, resolutionCache).resolvedModule;
      if (resolved?.extension === ts.Extension.Dts) pending.push(resolved.resolvedFileName);
    }
  }
}

/**
 * Binds a parsed library file ahead of the first check, which otherwise binds every file at once. The
 * binder is internal to TypeScript (present in 5.9, the pinned version, and skipping files it already
 * bound); without it, the first check does the binding itself.
 */
function bind(ts: typeof TypeScript, file: TypeScript.SourceFile, options: TypeScript.CompilerOptions): void {
  const { bindSourceFile } = ts as unknown as { bindSourceFile?: (file: TypeScript.SourceFile, options: TypeScript.CompilerOptions) => void };
  bindSourceFile?.(file, options);
}

/** Lets the event loop answer what is waiting (a kernel_info, a heartbeat's reply) before going on. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
