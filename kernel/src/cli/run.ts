import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { FlowbookError } from '../errors';
import { readNotebook, serializeNotebook } from '../runner/notebook';
import { runNotebook } from '../runner/run-notebook';
import { notebookResults, summaryLines } from '../runner/run-summary';
import { TerminalProgress } from '../runner/terminal-progress';
import type { Command } from './commands';

interface RunArgs {
  notebook: string;
  out?: string;
  node?: string;
  store?: string;
}

function parseRunArgs(args: string[]): RunArgs {
  const parsed: Partial<RunArgs> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = /^--(out|node|store)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (!value) throw new FlowbookError('MissingValue', `--${option[1]} needs a value.`, `Write --${option[1]} VALUE.`);
      parsed[option[1] as 'out' | 'node' | 'store'] = value;
    } else if (arg.startsWith('--')) {
      throw new FlowbookError('UnknownOption', `Unknown option ${JSON.stringify(arg)}.`, 'Options: --out FILE, --node ID, --store URI.');
    } else if (parsed.notebook) {
      throw new FlowbookError('ExtraArgument', `Only one notebook can run at a time; got ${parsed.notebook} and ${arg}.`, 'Run them one after the other.');
    } else {
      parsed.notebook = arg;
    }
  }
  if (!parsed.notebook) throw new FlowbookError('MissingNotebook', 'Which notebook should run?', 'flowbook run NOTEBOOK.ipynb [--out EXECUTED.ipynb] [--node ID] [--store URI]');
  return parsed as RunArgs;
}

/** `NAME.ipynb` → `NAME.executed.ipynb` beside it, so the source notebook stays as written. */
function defaultOutPath(notebook: string): string {
  return join(dirname(notebook), `${basename(notebook, extname(notebook))}.executed.ipynb`);
}

export const run: Command = {
  usage: 'run NOTEBOOK.ipynb [--out EXECUTED.ipynb] [--node ID] [--store URI]',
  summary: 'execute a notebook headless through the Flowbook kernel and write it with its outputs',
  async run(args, io) {
    const options = parseRunArgs(args);
    const notebook = readNotebook(options.notebook);
    const progress = new TerminalProgress({ write: (text) => process.stdout.write(text), tty: Boolean(process.stdout.isTTY) });
    const result = await runNotebook(notebook, options.notebook, {
      node: options.node,
      store: options.store,
      onEvent: (event) => progress.handle(event),
    });
    const outPath = options.out ?? defaultOutPath(options.notebook);
    writeFileSync(outPath, serializeNotebook(result.notebook));
    for (const line of summaryLines(notebookResults(result.notebook))) io.out(line);
    io.out(`Wrote the executed notebook to ${outPath}`);
    if (result.failure) {
      io.err(`flowbook run: cell ${result.failure.cellNumber} failed: ${result.failure.ename}: ${result.failure.evalue}`);
      return 1;
    }
    io.out(`${result.cellNumbersRun.length} cells ran without error.`);
    return 0;
  },
};
