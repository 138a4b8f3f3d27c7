/**
 * The one error type users see from Flowbook. `message` names the problem in the user's terms,
 * `hint` names the fix, `context` carries the facts to act on (a path, a row, a field, a value).
 * Lower layers throw it; the runtime renders it as a cell error without a JavaScript stack.
 */
export class FlowbookError extends Error {
  override readonly name: string;
  constructor(
    /** A stable, machine-readable kind, e.g. `CsvEncodingError`, `UnknownUpstream`. */
    readonly kind: string,
    message: string,
    readonly hint?: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = kind;
  }

  /** The message and the fix, as one text for a terminal or a traceback. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}

export function isFlowbookError(e: unknown): e is FlowbookError {
  return e instanceof FlowbookError;
}
