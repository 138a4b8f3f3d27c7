import type { Message } from '../core/messages';

/** Messages that arrived on one socket, kept until someone takes the one they wait for. */
export class Inbox {
  private readonly messages: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly listeners: ((message: Message) => void)[] = [];

  push(message: Message): void {
    for (const listener of this.listeners) listener(message);
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Sees every message as it arrives (they stay in the inbox too). */
  listen(listener: (message: Message) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  all(): Message[] {
    return this.messages;
  }

  /** Drops the messages that match, e.g. those of a finished request. */
  discard(match: (m: Message) => boolean): void {
    for (let i = this.messages.length - 1; i >= 0; i--) if (match(this.messages[i])) this.messages.splice(i, 1);
  }

  /** Removes and returns the first message that matches, waiting for it up to `timeoutMs`. */
  async take(match: (m: Message) => boolean, timeoutMs: number, what: string): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.messages.findIndex(match);
      if (at >= 0) return this.messages.splice(at, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export function parentId(message: Message): string | undefined {
  return (message.parent_header as { msg_id?: string }).msg_id;
}
