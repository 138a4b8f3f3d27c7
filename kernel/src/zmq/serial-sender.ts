import type { Writable } from 'zeromq';

/**
 * A zeromq 6 socket allows one send in progress at a time; this queues frames and sends them in order.
 */
export class SerialSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Writable, private readonly onError: (error: Error) => void) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(() => this.socket.send(frames)).catch((error: Error) => this.onError(error));
    return this.tail;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  flushed(): Promise<void> {
    return this.tail;
  }
}
