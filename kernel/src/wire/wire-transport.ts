import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Channel, Message } from '../core/messages';
import type { Transport } from '../core/transport';
import type { FromSocketWorker, SocketWorkerData, ToSocketWorker } from './worker-protocol';

export interface WireTransportEvents {
  receive(channel: Channel, message: Message): void;
  /** A shutdown_request arrived on control (already answered by the worker). */
  shutdown(restart: boolean): void;
  /** An interrupt_request arrived on control (already answered by the worker). */
  interrupt(): void;
}

/** The main thread's side of the socket worker: the core's Transport over postMessage. */
export class WireTransport implements Transport {
  private nextToken = 0;
  private closing = false;
  private readonly waiting = new Map<number, () => void>();

  private constructor(private readonly worker: Worker) {}

  /** Starts the socket worker; resolves once every socket is bound. */
  static start(data: SocketWorkerData, events: WireTransportEvents): Promise<WireTransport> {
    const worker = new Worker(join(__dirname, 'socket-worker.js'), { workerData: data });
    const transport = new WireTransport(worker);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromSocketWorker) => {
        switch (message.kind) {
          case 'ready':
            resolve(transport);
            return;
          case 'received':
            events.receive(message.channel, message.message);
            return;
          case 'drained':
          case 'closed':
            transport.waiting.get(message.token)?.();
            transport.waiting.delete(message.token);
            return;
          case 'shutdown':
            events.shutdown(message.restart);
            return;
          case 'interrupt':
            events.interrupt();
            transport.post({ kind: 'interrupt-handled' });
            return;
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (transport.closing) return;
        process.stderr.write(`[flowbook] the socket worker stopped (exit code ${code}); the kernel cannot continue\n`);
        process.exit(1);
      });
    });
  }

  send(channel: Channel, message: Message): void {
    this.post({ kind: 'send', channel, message });
  }

  /** Resolves once every message the worker received before now has been passed to `receive`. */
  drain(): Promise<void> {
    return this.roundTrip('drain');
  }

  /** Delivers everything sent so far and closes the sockets; the last step before the process exits. */
  close(): Promise<void> {
    this.closing = true;
    return this.roundTrip('close');
  }

  private roundTrip(kind: 'drain' | 'close'): Promise<void> {
    const token = this.nextToken++;
    return new Promise((resolve) => {
      this.waiting.set(token, resolve);
      this.post({ kind, token });
    });
  }

  private post(message: ToSocketWorker): void {
    this.worker.postMessage(message);
  }
}
