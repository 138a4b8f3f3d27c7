import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CellOutput, ExecuteOutcome } from '../../src/core/interpreter';
import type { JsonObject, MimeBundle } from '../../src/core/messages';
import { createTypeScriptInterpreter, type TypeScriptInterpreter, type TypeScriptInterpreterOptions } from '../../src/runtime/interpreter';

export type OutputEvent =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; data: MimeBundle; metadata?: JsonObject; displayId?: string; update: boolean }
  | { kind: 'clear'; wait: boolean };

/** A cell's output area, as a list of what it received. */
export class RecordingOutput implements CellOutput {
  readonly events: OutputEvent[] = [];
  readonly prompts: { prompt: string; password: boolean }[] = [];
  constructor(private readonly answers: string[] = []) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    this.events.push({ kind: 'stream', name, text });
  }
  display(data: MimeBundle, metadata?: JsonObject, transient?: { display_id?: string }, update?: boolean): void {
    this.events.push({ kind: 'display', data, metadata, displayId: transient?.display_id, update: update ?? false });
  }
  clearOutput(wait: boolean): void {
    this.events.push({ kind: 'clear', wait });
  }
  input(prompt: string, password: boolean): Promise<string> {
    this.prompts.push({ prompt, password });
    return Promise.resolve(this.answers.shift() ?? '');
  }
  get stdout(): string {
    return this.text('stdout');
  }
  get stderr(): string {
    return this.text('stderr');
  }
  get displays() {
    return this.events.filter((e): e is Extract<OutputEvent, { kind: 'display' }> => e.kind === 'display');
  }
  private text(name: string): string {
    return this.events.map((e) => (e.kind === 'stream' && e.name === name ? e.text : '')).join('');
  }
}

export interface CellResult {
  outcome: ExecuteOutcome;
  output: RecordingOutput;
}

/** A notebook session with no sockets: cells go straight to the interpreter. */
export class Session {
  readonly interpreter: TypeScriptInterpreter;
  private count = 0;

  constructor(options: Partial<TypeScriptInterpreterOptions> = {}) {
    this.interpreter = createTypeScriptInterpreter({ notebookDir: options.notebookDir ?? process.cwd(), ...options });
  }

  /** Starts a cell; the promise settles with its reply (output may still arrive later). */
  start(code: string, options: { cellId?: string; answers?: string[] } = {}): { output: RecordingOutput; done: Promise<ExecuteOutcome> } {
    this.count += 1;
    const output = new RecordingOutput(options.answers);
    const request = { executionCount: this.count, silent: false, storeHistory: true, allowStdin: true, ...(options.cellId ? { cellId: options.cellId } : {}) };
    return { output, done: this.interpreter.execute(code, request, output) };
  }

  async run(code: string, options: { cellId?: string; answers?: string[] } = {}): Promise<CellResult> {
    const { output, done } = this.start(code, options);
    return { outcome: await done, output };
  }

  /** The text/plain of a cell's result; fails the test when the cell failed. */
  async value(code: string, options: { cellId?: string } = {}): Promise<string | undefined> {
    const { outcome, output } = await this.run(code, options);
    if (outcome.status !== 'ok') throw new Error(`cell failed: ${outcome.ename}: ${outcome.evalue}\n${output.stderr}`);
    return outcome.result?.data['text/plain'] as string | undefined;
  }

  shutdown(): Promise<void> {
    return this.interpreter.shutdown(false);
  }
}

export function errorOf(outcome: ExecuteOutcome): { ename: string; evalue: string; traceback: string[] } {
  if (outcome.status !== 'error') throw new Error('expected the cell to fail, it succeeded');
  return outcome;
}

/**
 * A notebook folder with its own node_modules: an ESM-only package, a CommonJS package, and links to
 * the workspace's `yaml` and `iconv-lite`, so imports are resolved from the notebook, not the kernel.
 */
export function notebookFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook-notebook-'));
  const modules = path.join(dir, 'node_modules');
  const esm = path.join(modules, 'esm-only-greeter');
  fs.mkdirSync(esm, { recursive: true });
  fs.writeFileSync(path.join(esm, 'package.json'), JSON.stringify({ name: 'esm-only-greeter', type: 'module', exports: { import: './index.js' } }));
  fs.writeFileSync(path.join(esm, 'index.js'), 'export const greet = (name) => `hello, ${name}`;\nexport default "esm default";\n');
  const cjs = path.join(modules, 'cjs-counter');
  fs.mkdirSync(cjs, { recursive: true });
  fs.writeFileSync(path.join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-counter', main: 'index.js' }));
  fs.writeFileSync(path.join(cjs, 'index.js'), 'const api = {}; api.count = (xs) => xs.length; module.exports = api;\n');
  const workspaceModules = path.resolve(__dirname, '../../../node_modules');
  for (const name of ['yaml', 'iconv-lite', 'safer-buffer']) {
    fs.symlinkSync(path.join(workspaceModules, name), path.join(modules, name), 'dir');
  }
  fs.writeFileSync(path.join(dir, 'data.txt'), 'abc');
  return dir;
}
