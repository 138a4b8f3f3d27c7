import type { Channel, ErrorContent, Message, MessageHeader } from '../core/messages';
import type { Messenger } from '../core/messenger';

/** How long an interrupted cell gets to answer before the kernel gives up on it and restarts. */
export const DEFAULT_INTERRUPT_GRACE_MS = 5000;

/** FLOWBOOK_INTERRUPT_GRACE_MS (whole milliseconds) when set, else the default; tests shorten it. */
export function interruptGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.FLOWBOOK_INTERRUPT_GRACE_MS?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : DEFAULT_INTERRUPT_GRACE_MS;
}

const UNINTERRUPTIBLE_MESSAGE =
  'The cell could not be interrupted: it is running code with no interrupt point, such as a regular expression ' +
  'or a long synchronous call. The kernel restarts now, and its variables are lost.';

export const INTERRUPT_FAILED: ErrorContent = {
  ename: 'InterruptFailed',
  evalue: UNINTERRUPTIBLE_MESSAGE,
  traceback: [`InterruptFailed: ${UNINTERRUPTIBLE_MESSAGE}`],
};

/**
 * Watches the execute requests passing through the socket worker. The interrupt flag and SIGINT reach
 * only code with an interrupt point; a catastrophic regular expression or a long native call (above
 * all after an `await`, outside vm's breakOnSigint) never returns, and the cell would stay busy for
 * good. So when an interrupt has not ended the running execute within the grace period, `giveUp` is
 * called once with that request: the socket worker answers it and ends the process.
 */
export class InterruptWatchdog {
  /** Execute requests received and not answered yet, by msg_id: a reply needs the request's routing identities. */
  private readonly unanswered = new Map<string, Message>();
  private running: Message | undefined;
  /** The count the core reports last: the running cell's own once its execute_input has passed. */
  private executionCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private gaveUp = false;

  constructor(
    private readonly graceMs: number,
    private readonly giveUp: (request: Message, executionCount: number) => void,
  ) {}

  /** True once `giveUp` ran: the main thread's own late answers must not follow the worker's. */
  get fired(): boolean {
    return this.gaveUp;
  }

  /** A message that arrived from a client. */
  received(channel: Channel, message: Message): void {
    if (channel === 'shell' && message.header.msg_type === 'execute_request') {
      this.unanswered.set(message.header.msg_id, message);
    }
  }

  /** A message the main thread sends: the core's busy, execute_input and execute_reply tell what runs. */
  sent(channel: Channel, message: Message): void {
    const parent = message.parent_header as Partial<MessageHeader>;
    if (parent.msg_type !== 'execute_request' || parent.msg_id === undefined) return;
    const msgType = message.header.msg_type;
    if (channel === 'iopub' && msgType === 'status' && message.content.execution_state === 'busy') {
      this.running = this.unanswered.get(parent.msg_id);
    } else if (channel === 'iopub' && msgType === 'execute_input') {
      this.noteCount(message);
    } else if (channel === 'shell' && msgType === 'execute_reply') {
      this.noteCount(message);
      this.unanswered.delete(parent.msg_id);
      if (this.running?.header.msg_id === parent.msg_id) {
        this.running = undefined;
        // The cell stopped (or finished) in time: the interrupt worked.
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    }
  }

  /** An interrupt_request arrived. A repeated one does not extend the grace period. */
  interrupted(): void {
    const request = this.running;
    if (!request || this.timer || this.gaveUp) return;
    this.timer = setTimeout(() => {
      this.gaveUp = true;
      this.giveUp(request, this.executionCount);
    }, this.graceMs);
  }

  private noteCount(message: Message): void {
    const count = message.content.execution_count;
    if (typeof count === 'number') this.executionCount = count;
  }
}

/**
 * What the core would have sent for a failed cell (error, execute_reply, idle), sent by the socket
 * worker instead, because the main thread is stuck in the cell.
 */
export function answerUninterruptible(messenger: Messenger, request: Message, executionCount: number): void {
  if (request.content.silent !== true) messenger.publish(request.header, 'error', { ...INTERRUPT_FAILED });
  messenger.reply('shell', request, 'execute_reply', {
    status: 'error',
    execution_count: executionCount,
    ...INTERRUPT_FAILED,
    user_expressions: {},
    payload: [],
  });
  messenger.status(request.header, 'idle');
}
