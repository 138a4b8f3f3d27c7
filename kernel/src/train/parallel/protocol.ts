import type { Head } from '../network';
import type { Optimizer } from '../params/groups';
import type { TfscriptJobSpec } from '../tfscript/run';
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

/**
 * The optimizer a server applies the averaged gradients with: a model node's, by Flowbook's name,
 * or a tfscript cell's own, as tfjs serializes it (`getClassName()`, `getConfig()`).
 */
export type ServerOptimizer =
  | { kind: 'named'; optimizer: Optimizer; learningRate: number }
  | { kind: 'serialized'; className: string; config: Record<string, unknown> };

export interface ServerSetup {
  type: 'setup';
  variables: VariableSpec[];
  optimizer: ServerOptimizer;
  workers: number;
  mode: UpdateMode;
}

/** Each server's address and the indices (into the chief's variable list) it holds. */
export type ServerMap = { endpoint: string; variables: number[] }[];

/** What a model node's worker trains with; its arrays are [x, y] or [x, y, per-sample weights]. */
export interface WorkerSetup {
  type: 'setup';
  task: 'model';
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
  servers: ServerMap;
}

/**
 * What a tfscript cell's worker trains with; its arrays are [x, y], its shard of the encoded rows.
 * It runs the cell's own buildGraph and processStep; the servers hold `variables` (by name).
 */
export interface ScriptWorkerSetup {
  type: 'setup';
  task: 'tfscript';
  script: TfscriptJobSpec;
  width: number;
  yWidth: number;
  inputNames: string[];
  scriptTask: 'regression' | 'classification';
  count: number;
  /** The same for every worker, so synchronous steps line up (a worker out of rows pushes nothing). */
  stepsPerEpoch: number;
  /** Steps of the whole job (`training.steps`, or every epoch's). */
  totalSteps: number;
  variables: VariableSpec[];
  servers: ServerMap;
}

export type ToChief =
  | { type: 'hello'; pid: number; endpoint?: string }
  | { type: 'heartbeat' }
  | { type: 'ready' }
  /** A model worker's sums over one epoch; a tfscript worker's sums of each metric (value × batch size) in `metricSums`. */
  | { type: 'epoch'; epoch: number; lossSum: number; correct: number; seen: number; metricSums?: Record<string, number> }
  /** Worker 0 reports its step now and then, for the live display. */
  | { type: 'step'; epoch: number; step: number }
  /** A server's variables, in its own order, answering `pull`. */
  | { type: 'weights' }
  | { type: 'failed'; message: string };

export type FromChief =
  | ServerSetup
  | WorkerSetup
  | ScriptWorkerSetup
  | { type: 'pull' }
  /** To workers after each epoch: go on, or stop here. */
  | { type: 'continue' }
  | { type: 'finish' };

/** Worker ↔ server: `pull` gets the server's variables; `push` sends gradients of summed losses over `count` samples. */
export type ToServer = { type: 'pull' } | { type: 'push'; step: number; count: number };
export interface FromServer {
  type: 'weights';
}
