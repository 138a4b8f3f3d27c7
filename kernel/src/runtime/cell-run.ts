import type { CellOutput } from '../core/interpreter';
import type { JsonObject, MimeBundle } from '../core/messages';

/** Thrown into a cell's code when the user interrupts it; the session's state is kept. */
export class InterruptedError extends Error {
  constructor() {
    super("the cell was interrupted; the session's variables are kept");
    this.name = 'Interrupted';
  }
}

/** One execution of one cell, alive as long as anything the cell started can still print. */
export class CellRun {
  /** Pending timers the cell started, with how to clear each. */
  readonly timers = new Map<unknown, () => void>();
  /** Rejects when the cell is interrupted, so a pending `await` stops waiting. */
  readonly interruption: Promise<never>;
  readonly output: CellOutput;
  private rejectInterruption!: (error: Error) => void;
  private isInterrupted = false;

  constructor(
    /** How errors and notes name this cell, e.g. `cell [3]`. */
    readonly label: string,
    output: CellOutput,
    outputLimitBytes: number,
  ) {
    this.output = new CappedOutput(output, outputLimitBytes);
    this.interruption = new Promise<never>((_, reject) => (this.rejectInterruption = reject));
    this.interruption.catch(() => undefined);
  }

  get interrupted(): boolean {
    return this.isInterrupted;
  }

  /** Stops the cell: its pending `await` rejects and its timers (intervals too) are cleared. */
  interrupt(): void {
    if (this.isInterrupted) return;
    this.isInterrupted = true;
    this.clearTimers();
    this.rejectInterruption(new InterruptedError());
  }

  clearTimers(): void {
    for (const clear of this.timers.values()) clear();
    this.timers.clear();
  }
}

/**
 * Passes a cell's output through until its streams pass `limitBytes`, then says so once and drops
 * the rest of its stream output: a runaway loop of `console.log` must not flood the frontend.
 */
class CappedOutput implements CellOutput {
  private written = 0;
  private truncated = false;

  constructor(
    private readonly target: CellOutput,
    private readonly limitBytes: number,
  ) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    if (this.truncated) return;
    const size = Buffer.byteLength(text);
    if (this.written + size <= this.limitBytes) {
      this.written += size;
      this.target.stream(name, text);
      return;
    }
    this.truncated = true;
    this.target.stream(
      'stderr',
      `\n[output truncated after ${formatBytes(this.limitBytes)}; the rest of this cell's output is dropped. ` +
        'Write large output to a file, or print a summary]\n',
    );
  }

  display(data: MimeBundle, metadata?: JsonObject, transient?: { display_id?: string }, update?: boolean): void {
    this.target.display(data, metadata, transient, update);
  }

  clearOutput(wait: boolean): void {
    this.target.clearOutput(wait);
  }

  input(prompt: string, password: boolean): Promise<string> {
    return this.target.input(prompt, password);
  }
}

/** 1024 → "1 KB", 5 MiB → "5 MB": the cap as a person reads it. */
function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
}
