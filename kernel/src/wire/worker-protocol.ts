import type { Channel, JsonObject, Message } from '../core/messages';
import type { ConnectionInfo } from './connection';

/** What the main thread hands the socket worker when it starts it. */
export interface SocketWorkerData {
  connection: ConnectionInfo;
  /** The kernel session id, so the worker's own replies carry the same one as the core's. */
  session: string;
  /** Answered by the worker itself, so kernel_info on control works while a cell blocks the main thread. */
  kernelInfo: JsonObject;
  /** The runtime's interrupt flag over a SharedArrayBuffer: set to 1 before the SIGINT. */
  interruptFlag: Int32Array;
}

/** Main thread → worker. Messages are decoded and unsigned; the worker signs them. */
export type ToSocketWorker =
  | { kind: 'send'; channel: Channel; message: Message }
  | { kind: 'drain'; token: number }
  /** The main thread has acted on an interrupt, so no signal is needed. */
  | { kind: 'interrupt-handled' }
  | { kind: 'close'; token: number };

/** Worker → main thread. */
export type FromSocketWorker =
  | { kind: 'ready' }
  | { kind: 'received'; channel: Channel; message: Message }
  | { kind: 'drained'; token: number }
  | { kind: 'closed'; token: number }
  | { kind: 'shutdown'; restart: boolean }
  | { kind: 'interrupt' };
