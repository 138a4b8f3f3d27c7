import { dirname, resolve } from 'node:path';
import type { Message } from '../core/messages';
import { parentId } from '../client/inbox';
import { KernelClient } from '../client/kernel-client';
import { cellSource } from './notebook';
import type { CodeCell, Notebook, Output } from './notebook';
import { OutputCollector } from './output-collector';
import { cellsNeededFor } from './select-cells';

export interface RunOptions {
  /** Only what this node needs (its cell, its upstream cells, the code cells before them). */
  node?: string;
  /** The store URI the kernel uses (`FLOWBOOK_STORE`); default: `.flowbook/` beside the notebook. */
  store?: string;
  /** The longest a single cell may take. */
  cellTimeoutMs?: number;
  onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { type: 'kernel-ready'; startMs: number }
  | { type: 'cell-started'; cellNumber: number; position: number; total: number; firstLine: string }
  /** An iopub message of the cell; `late` when it came after the cell finished (a timer it left, K3). */
  | { type: 'message'; cellNumber: number; message: Message; late?: boolean }
  | { type: 'cell-finished'; cellNumber: number; status: 'ok' | 'error'; seconds: number; outputs: Output[] };

export interface RunFailure {
  /** 1-based, counting every cell of the notebook as JupyterLab shows them. */
  cellNumber: number;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface RunResult {
  notebook: Notebook;
  failure?: RunFailure;
  /** The 1-based numbers of the cells this run executed; the other code cells are left without outputs. */
  cellNumbersRun: number[];
}

interface RunningCell {
  cellNumber: number;
  collector: OutputCollector;
  /** Its reply came: what it prints now comes from timers or promises it left. */
  finished: boolean;
}

/**
 * Executes a notebook through a real Flowbook kernel over ZeroMQ, the same protocol path JupyterLab
 * takes, and returns it with the outputs of this run only. Stops at the first failing cell.
 */
export async function runNotebook(notebook: Notebook, notebookPath: string, options: RunOptions = {}): Promise<RunResult> {
  const codeCells = notebook.cells
    .map((cell, index) => ({ cell, cellNumber: index + 1 }))
    .filter((entry): entry is { cell: CodeCell; cellNumber: number } => entry.cell.cell_type === 'code');
  const selected = options.node
    ? (() => {
        const needed = cellsNeededFor(options.node, codeCells.map(({ cell }) => cellSource(cell)));
        return codeCells.filter((_, index) => needed.has(index));
      })()
    : codeCells;

  const started = Date.now();
  const client = await KernelClient.start({
    cwd: dirname(resolve(notebookPath)),
    env: options.store ? { FLOWBOOK_STORE: options.store } : {},
  });
  options.onEvent?.({ type: 'kernel-ready', startMs: Date.now() - started });
  const displays = new Map<string, Output[]>();
  // Output is routed by its parent msg_id, as a frontend does (K3): what a cell's timers print after
  // its idle still goes to that cell, not to the one running, until the kernel is closed.
  const cellsByRequest = new Map<string, RunningCell>();
  const stopRouting = client.inboxes.iopub.listen((message) => {
    const running = cellsByRequest.get(parentId(message) ?? '');
    if (!running) return;
    running.collector.add(message);
    options.onEvent?.({ type: 'message', cellNumber: running.cellNumber, message, ...(running.finished ? { late: true } : {}) });
  });
  let failure: RunFailure | undefined;
  const cellNumbersRun: number[] = [];
  try {
    for (const [position, { cell, cellNumber }] of selected.entries()) {
      const source = cellSource(cell);
      options.onEvent?.({ type: 'cell-started', cellNumber, position: position + 1, total: selected.length, firstLine: source.split('\n')[0] ?? '' });
      const running: RunningCell = { cellNumber, collector: new OutputCollector(displays), finished: false };
      const cellStarted = Date.now();
      const { reply } = await client.execute(source, {
        metadata: cell.id ? { cellId: cell.id } : {},
        timeoutMs: options.cellTimeoutMs ?? 3_600_000,
        onSent: (msgId) => cellsByRequest.set(msgId, running),
      });
      cellNumbersRun.push(cellNumber);
      cell.outputs = running.collector.outputs; // the collector's own array: late output lands in it
      cell.execution_count = typeof reply.content.execution_count === 'number' ? reply.content.execution_count : null;
      const ok = reply.content.status === 'ok';
      running.finished = true;
      options.onEvent?.({ type: 'cell-finished', cellNumber, status: ok ? 'ok' : 'error', seconds: (Date.now() - cellStarted) / 1000, outputs: cell.outputs });
      if (!ok) {
        failure = {
          cellNumber,
          ename: String(reply.content.ename ?? 'Error'),
          evalue: String(reply.content.evalue ?? ''),
          traceback: Array.isArray(reply.content.traceback) ? reply.content.traceback.map(String) : [],
        };
        break;
      }
    }
  } finally {
    await client.close();
    stopRouting();
  }
  // A cell this run did not execute (after a failure, or left out by --node) would otherwise show the
  // outputs saved by an old run, e.g. a model and its R² that this run never produced.
  for (const { cell, cellNumber } of codeCells) {
    if (cellNumbersRun.includes(cellNumber)) continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  return { notebook, failure, cellNumbersRun };
}
