import type { Head } from '../network';
import type { Optimizer } from '../params/groups';
import type { ClusterRole } from './launcher';

/**
 * The cluster's messages over ZeroMQ. A packet is multipart: a small JSON header, then one raw frame
 * per Float32Array (gradients, weights, samples), so numbers in bulk never go through JSON.
 *
 * Sockets: the chief binds a ROUTER; every process connects a DEALER to it named `<role>-<index>`.
 * Each parameter server binds a ROUTER of its own that the workers' DEALERs connect to.
 */
export interface Packet<H> {
  header: H;
  arrays: Float32Array[];
}

export function encodePacket(header: object, arrays: readonly Float32Array[] = []): Buffer[] {
  return [Buffer.from(JSON.stringify(header)), ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
}

export function decodePacket<H>(frames: readonly Buffer[]): Packet<H> {
  const [head, ...rest] = frames;
  return { header: JSON.parse(head.toString('utf8')) as H, arrays: rest.map(toFloat32) };
}

function toFloat32(frame: Buffer): Float32Array {
  // Float32Array views need 4-byte alignment; a frame may start anywhere, so copy only when misaligned.
  if (frame.byteOffset % 4 === 0) return new Float32Array(frame.buffer, frame.byteOffset, frame.byteLength / 4);
  return new Float32Array(Uint8Array.from(frame).buffer);
}

/** The routing id of a process on the chief's socket. */
export function processName(role: ClusterRole, index: number): string {
  return `${role}-${index}`;
}

/** Synchronous: servers average all workers' gradients per step. Asynchronous: each push is applied on arrival. */
export type UpdateMode = 'sync' | 'async';

export interface VariableSpec {
  name: string;
  shape: number[];
}

export interface ServerSetup {
  type: 'setup';
  variables: VariableSpec[];
  optimizer: Optimizer;
  learningRate: number;
  workers: number;
  mode: UpdateMode;
}

/** What a worker trains with; its arrays are [x, y] or [x, y, per-sample weights]. */
export interface WorkerSetup {
  type: 'setup';
  /** The model's topology as `model.toJSON(null, false)` gives it; the weights come from the servers. */
  topology: object;
  sampleShape: number[];
  yWidth: number;
  head: Head;
  batchSize: number;
  /** The same for every worker, so synchronous steps line up (a worker out of samples pushes nothing). */
  stepsPerEpoch: number;
  seed: number;
  count: number;
  weighted: boolean;
  /** Each server's address and the indices (into the model's trainable weights) it holds. */
  servers: { endpoint: string; variables: number[] }[];
}

export type ToChief =
  | { type: 'hello'; pid: number; endpoint?: string }
  | { type: 'heartbeat' }
  | { type: 'ready' }
  /** A worker's sums over one epoch. */
  | { type: 'epoch'; epoch: number; lossSum: number; correct: number; seen: number }
  /** Worker 0 reports its step now and then, for the live display. */
  | { type: 'step'; epoch: number; step: number }
  /** A server's variables, in its own order, answering `pull`. */
  | { type: 'weights' }
  | { type: 'failed'; message: string };

export type FromChief =
  | ServerSetup
  | WorkerSetup
  | { type: 'pull' }
  /** To workers after each epoch: go on, or stop here. */
  | { type: 'continue' }
  | { type: 'finish' };

/** Worker ↔ server: `pull` gets the server's variables; `push` sends gradients of summed losses over `count` samples. */
export type ToServer = { type: 'pull' } | { type: 'push'; step: number; count: number };
export interface FromServer {
  type: 'weights';
}
