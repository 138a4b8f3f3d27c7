import type { MimeBundle } from '../../src/core/messages';
import type { ExecuteOutcome } from '../../src/core/interpreter';
import type { MagicCell } from '../../src/runtime/cell-magic';
import type { FlowSession } from '../../src/runtime/flow-session';
import { evaluateInVm } from './helpers';

/** What one magic cell put in its output area, as a notebook would keep it (updates replace displays). */
export interface CellRecord {
  outcome: ExecuteOutcome;
  displays: MimeBundle[];
  stdout: string;
}

/** A magic cell that is still running: its output area as it is now, and its record once it ends. */
export interface StartedCell {
  shown(): MimeBundle[];
  done: Promise<CellRecord>;
}

/** Runs cell text through the session's magics like the runtime does, with a recording output. */
export async function runCell(session: FlowSession, code: string, cellId?: string, signal = new AbortController().signal): Promise<CellRecord> {
  return startCell(session, code, cellId, signal).done;
}

/** Starts a cell like `runCell`, so a test can look at its output area while it runs. */
export function startCell(session: FlowSession, code: string, cellId?: string, signal = new AbortController().signal): StartedCell {
  const displays: { id?: string; bundle: MimeBundle }[] = [];
  let stdout = '';
  const cell: MagicCell = {
    output: {
      stream: (_name, text) => {
        stdout += text;
      },
      display: (data, _metadata, transient, update) => {
        const id = transient?.display_id;
        const existing = update && id !== undefined ? displays.find((d) => d.id === id) : undefined;
        if (existing) existing.bundle = data;
        else displays.push(id !== undefined ? { id, bundle: data } : { bundle: data });
      },
      clearOutput: () => undefined,
      input: async () => '',
    },
    signal,
    evaluate: evaluateInVm,
    ...(cellId !== undefined ? { cellId } : {}),
  };
  expect(session.magics.handles(code)).toBe(true);
  const shown = (): MimeBundle[] => displays.map((d) => d.bundle);
  return { shown, done: session.magics.run(code, cell).then((outcome) => ({ outcome, displays: shown(), stdout })) };
}

export function text(record: CellRecord | MimeBundle[]): string {
  return (Array.isArray(record) ? record : record.displays).map((d) => String(d['text/plain'] ?? '')).join('\n');
}
