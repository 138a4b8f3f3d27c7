import type { Message, MimeBundle } from '../core/messages';
import type { RunEvent } from './run-notebook';

const TRAINING_MIME = 'application/vnd.flowbook.training+json';
const MAX_PREVIEW_LINES = 16;

export interface Terminal {
  write(text: string): void;
  /** A TTY gets one progress line rewritten in place; a log file gets a line per change, throttled. */
  tty: boolean;
}

/** Shows a notebook run in a terminal: cells, their output in plain text, training progress. */
export class TerminalProgress {
  private progressShown = false;
  private lastProgressAt = 0;
  private lastProgressText = '';
  /** A log got the latest progress state already: ending the progress need not repeat it. */
  private lastProgressLogged = false;
  /** Displays that may still be updated (node status, previews): shown in their final state at the cell's end. */
  private readonly pendingDisplays = new Map<string, string>();

  constructor(private readonly terminal: Terminal, private readonly now: () => number = Date.now) {}

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'kernel-ready':
        this.line(`Flowbook kernel ready in ${(event.startMs / 1000).toFixed(1)} s`);
        break;
      case 'cell-started':
        this.line(`[${event.position}/${event.total}] cell ${event.cellNumber}: ${event.firstLine.slice(0, 100)}`);
        break;
      case 'message':
        if (event.late) this.lateMessage(event.cellNumber, event.message);
        else this.message(event.message);
        break;
      case 'cell-finished':
        this.endProgress();
        for (const text of this.pendingDisplays.values()) this.preview(text);
        this.pendingDisplays.clear();
        this.line(`    ${event.status === 'ok' ? 'done' : 'FAILED'} in ${event.seconds.toFixed(1)} s`);
        break;
    }
  }

  private message(message: Message): void {
    const content = message.content;
    switch (message.header.msg_type) {
      case 'stream':
        this.endProgress();
        this.indented(String(content.text ?? ''));
        break;
      case 'display_data':
      case 'execute_result':
      case 'update_display_data': {
        const data = (content.data ?? {}) as MimeBundle;
        const text = typeof data['text/plain'] === 'string' ? data['text/plain'] : '';
        const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
        if (TRAINING_MIME in data) this.progress(text);
        else if (displayId && (message.header.msg_type !== 'update_display_data' || this.pendingDisplays.has(displayId))) {
          this.pendingDisplays.set(displayId, text);
        } else if (message.header.msg_type !== 'update_display_data' && text) this.preview(text);
        break;
      }
      case 'error':
        this.endProgress();
        this.indented(`${String(content.ename)}: ${String(content.evalue)}`);
        break;
    }
  }

  /** Output a finished cell's timers or promises sent while a later cell runs: each line names its cell. */
  private lateMessage(cellNumber: number, message: Message): void {
    const content = message.content;
    let text = '';
    switch (message.header.msg_type) {
      case 'stream':
        text = String(content.text ?? '');
        break;
      case 'display_data':
      case 'execute_result': {
        const data = (content.data ?? {}) as MimeBundle;
        if (!(TRAINING_MIME in data) && typeof data['text/plain'] === 'string') text = data['text/plain'];
        break;
      }
      case 'error':
        text = `${String(content.ename)}: ${String(content.evalue)}`;
        break;
    }
    if (text === '') return;
    this.endProgress();
    const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
    this.indented(lines.map((line) => `[cell ${cellNumber}, late] ${line}`).join('\n'));
  }

  private progress(text: string): void {
    const summary = text.split('\n').filter((l) => l.trim() !== '').join(' | ');
    if (summary === this.lastProgressText) return;
    this.lastProgressText = summary;
    if (this.terminal.tty) {
      this.terminal.write(`\r\x1b[2K    ${summary.slice(0, 160)}`);
      this.progressShown = true;
    } else {
      this.lastProgressLogged = this.now() - this.lastProgressAt >= 1000;
      if (this.lastProgressLogged) {
        this.line(`    ${summary}`);
        this.lastProgressAt = this.now();
      }
    }
  }

  private endProgress(): void {
    if (this.progressShown) this.terminal.write('\n');
    else if (!this.terminal.tty && this.lastProgressText && !this.lastProgressLogged) this.line(`    ${this.lastProgressText}`);
    this.progressShown = false;
    this.lastProgressText = '';
    this.lastProgressLogged = false;
    this.lastProgressAt = 0;
  }

  private preview(text: string): void {
    this.endProgress();
    const lines = text.split('\n');
    const shown = lines.slice(0, MAX_PREVIEW_LINES);
    if (lines.length > shown.length) shown.push(`… (${lines.length - shown.length} more lines)`);
    this.indented(shown.join('\n'));
  }

  private indented(text: string): void {
    const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (trimmed) this.line(trimmed.split('\n').map((l) => `    ${l}`).join('\n'));
  }

  private line(text: string): void {
    this.terminal.write(`${text}\n`);
  }
}
