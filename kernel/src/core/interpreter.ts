import type { ErrorContent, JsonObject, MimeBundle } from './messages';

/**
 * What the protocol core asks of a language. The core owns execution counts, execute_input,
 * execute_result and error publishing, busy/idle and the abort queue; an interpreter only runs code
 * and reports outputs through the `CellOutput` it is handed (xeus's interpreter interface).
 */
export interface Interpreter {
  /** Runs a cell. Outputs go to `output`, also those that arrive after the returned promise settles. */
  execute(code: string, request: ExecuteRequest, output: CellOutput): Promise<ExecuteOutcome>;
  /** Evaluates `user_expressions` after a successful execute, in the same session. */
  evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, UserExpressionResult>>;
  /** `cursorPos` is in Unicode code points (protocol 5.2+); so are the returned offsets. */
  complete(code: string, cursorPos: number): Promise<Completion>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<Inspection>;
  isComplete(code: string): Promise<CompletenessVerdict>;
  /** Stops the running cell (tight loop or pending await); the session's state survives. */
  interrupt(): void;
  /** Frees every resource the session holds: timers, child processes, open handles. */
  shutdown(restart: boolean): Promise<void>;
}

export interface ExecuteRequest {
  executionCount: number;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
  /** JupyterLab's `metadata.cellId`: the stable identity of the notebook cell, when the client sends it. */
  cellId?: string;
}

/** The channel from a running cell to its own output area; it keeps routing by the cell's parent. */
export interface CellOutput {
  stream(name: 'stdout' | 'stderr', text: string): void;
  /** Publishes display_data, or update_display_data when `update` is set (needs transient.display_id). */
  display(data: MimeBundle, metadata?: JsonObject, transient?: { display_id?: string }, update?: boolean): void;
  clearOutput(wait: boolean): void;
  /** Asks the frontend for a line of input on stdin; rejects when the request disallowed stdin. */
  input(prompt: string, password: boolean): Promise<string>;
}

export type ExecuteOutcome =
  | { status: 'ok'; result?: { data: MimeBundle; metadata: JsonObject }; payload?: JsonObject[] }
  | ({ status: 'error' } & ErrorContent);

export type UserExpressionResult =
  | { status: 'ok'; data: MimeBundle; metadata: JsonObject }
  | ({ status: 'error' } & ErrorContent);

export interface Completion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata: JsonObject;
}

export interface Inspection {
  found: boolean;
  data: MimeBundle;
  metadata: JsonObject;
}

export type CompletenessVerdict =
  | { status: 'complete' }
  | { status: 'incomplete'; indent: string }
  | { status: 'invalid' }
  | { status: 'unknown' };
