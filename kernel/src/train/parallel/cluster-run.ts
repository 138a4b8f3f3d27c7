import * as os from 'node:os';
import * as zmq from 'zeromq';
import { FlowbookError } from '../../errors';
import { SerialSender } from '../../zmq/serial-sender';
import type { ClusterParams } from '../params/cluster';
import { HEARTBEAT_MS } from './chief-link';
import { LocalLauncher, type ClusterRole, type Launcher, type ProcessExit, type ProcessHandle } from './launcher';
import { decodePacket, encodePacket, processName, type FromChief, type Packet, type ServerOptimizer, type ToChief, type VariableSpec } from './protocol';

export interface ClusterOptions {
  cluster: ClusterParams;
  launcher?: Launcher;
  /** Receives the chief's lines and every cluster process's lines, prefixed `[worker 0] `, `[ps 0] `. */
  log?: (line: string) => void;
  /** A process silent for this long (no heartbeat) fails the job; default 10 s. */
  heartbeatTimeoutMs?: number;
  /** How long the processes get to start and say hello; default 60 s. */
  startTimeoutMs?: number;
}

/** A trainable variable as the chief hands it to the servers. */
export interface ClusterVariable extends VariableSpec {
  values: Float32Array;
}

interface Member {
  role: ClusterRole;
  index: number;
  name: string;
  handle: ProcessHandle;
  lastSeen: number;
}

function roleLabel(role: ClusterRole, index: number): string {
  return `${role === 'ps' ? 'parameter server' : 'worker'} ${index}`;
}

/** Variables to servers, largest first onto the least-loaded server; each server's list in model order. */
export function assignVariables(sizes: number[], servers: number): number[][] {
  const load = new Array<number>(servers).fill(0);
  const assigned = Array.from({ length: servers }, () => [] as number[]);
  const bySize = sizes.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || a.i - b.i);
  for (const { size, i } of bySize) {
    const target = load.indexOf(Math.min(...load));
    assigned[target].push(i);
    load[target] += size;
  }
  return assigned.map((list) => list.sort((a, b) => a - b));
}

/**
 * The chief's side of one training cluster, whatever it trains: launches `cluster.ps` parameter
 * servers and `cluster.workers` workers through the launcher, hands the servers their share of the
 * variables, carries messages, pulls the variables back, and watches every process. Any process that
 * exits, fails or falls silent fails the whole run at once, and every waiting call rejects with
 * that error; `shutDown` leaves no process behind. The training loops (a model node's, a tfscript
 * cell's) drive it.
 */
export class ClusterRun {
  readonly workers: number;
  readonly servers: number;
  /** The variables each server holds, as indices into the chief's variable list; set by `setupServers`. */
  shards: number[][] = [];
  /** Said with every failure: where the last checkpoint is, if the training loop keeps one. */
  checkpoint: { dir: string; epoch: number } | undefined;
  /** Worker 0's step reports, for a live display. */
  onStep: ((epoch: number, step: number) => void) | undefined;
  private readonly launcher: Launcher;
  private readonly log: (line: string) => void;
  private readonly socket = new zmq.Router({ linger: 0 });
  private readonly sender = new SerialSender(this.socket, (e) => this.fail(new FlowbookError('ClusterSendFailed', `the chief could not send to the cluster: ${e.message}`, 'run the node again')));
  private readonly members = new Map<string, Member>();
  private readonly inbox = new Map<string, Packet<ToChief>[]>();
  private readonly waiting = new Map<string, { resolve: (p: Packet<ToChief>) => void; reject: (e: FlowbookError) => void }>();
  private endpoints = new Map<string, string | undefined>();
  private failure: FlowbookError | undefined;
  private ended = false;
  private monitor: NodeJS.Timeout | undefined;
  /** The epoch under way, for messages. */
  epoch = 0;

  constructor(private readonly options: ClusterOptions) {
    this.launcher = options.launcher ?? new LocalLauncher();
    this.log = options.log ?? (() => undefined);
    this.workers = options.cluster.workers;
    this.servers = Math.max(1, options.cluster.ps);
  }

  /** Starts every process and waits until each has said hello. */
  async start(): Promise<void> {
    const { memory_mb: memoryMb, mode } = this.options.cluster;
    this.monitor = setInterval(() => this.checkHeartbeats(), HEARTBEAT_MS);
    await this.socket.bind('tcp://127.0.0.1:*');
    void this.receiveLoop();
    this.log(`cluster: ${this.workers} worker(s), ${this.servers} parameter server(s), ${mode}, ${memoryMb} MB each`);
    const cores = os.availableParallelism();
    if (this.workers > cores) {
      this.log(`warning: ${this.workers} workers on ${cores} cores take turns on them, which only adds exchanges: use cluster.workers ≤ ${cores} here`);
    }
    for (let i = 0; i < this.servers; i++) this.launch('ps', i, memoryMb);
    for (let i = 0; i < this.workers; i++) this.launch('worker', i, memoryMb);
    const hellos = await this.withStartTimeout(Promise.all([...this.members.keys()].map(async (name) => [name, await this.next(name, 'hello')] as const)));
    this.endpoints = new Map(hellos.map(([name, packet]) => [name, packet.header.type === 'hello' ? packet.header.endpoint : undefined]));
  }

  /** Splits the variables between the servers (by size) with their starting values; waits until each is ready. */
  async setupServers(variables: ClusterVariable[], optimizer: ServerOptimizer): Promise<void> {
    this.shards = assignVariables(variables.map((v) => v.values.length), this.servers);
    this.shards.forEach((indices, s) => this.send(processName('ps', s), {
      type: 'setup',
      variables: indices.map((v) => ({ name: variables[v].name, shape: variables[v].shape })),
      optimizer, workers: this.workers, mode: this.options.cluster.mode,
    }, indices.map((v) => variables[v].values)));
    await Promise.all(this.shards.map((_, s) => this.next(processName('ps', s), 'ready')));
  }

  /** Each server's address and the variables it holds, for a worker's setup. */
  serverMap(): { endpoint: string; variables: number[] }[] {
    return this.shards.map((variables, s) => ({ endpoint: this.endpoints.get(processName('ps', s))!, variables }));
  }

  /** The servers' current values of every variable, in the chief's order. */
  async pull(): Promise<Float32Array[]> {
    const replies = await Promise.all(this.shards.map((_, s) => {
      this.send(processName('ps', s), { type: 'pull' });
      return this.next(processName('ps', s), 'weights');
    }));
    const values: Float32Array[] = [];
    replies.forEach((reply, s) => this.shards[s].forEach((v, k) => { values[v] = reply.arrays[k]; }));
    return values;
  }

  /** Every worker's report of the epoch, in worker order. */
  epochReports(): Promise<Packet<ToChief>[]> {
    return Promise.all(Array.from({ length: this.workers }, (_, w) => this.next(processName('worker', w), 'epoch')));
  }

  /** Tells the workers to train another epoch, or that this was the last. */
  release(last: boolean): void {
    for (let w = 0; w < this.workers; w++) this.send(processName('worker', w), { type: last ? 'finish' : 'continue' });
  }

  sendToWorker(worker: number, message: FromChief, arrays: readonly Float32Array[] = []): void {
    this.send(processName('worker', worker), message, arrays);
  }

  /** The error a failed run ends with (a process died, failed or fell silent), else `error` itself. */
  failureOr(error: unknown): unknown {
    this.ended = true;
    for (const member of this.members.values()) member.handle.kill();
    return this.failure ?? error;
  }

  /** Tells every process to finish, gives them a moment to exit on their own, then ends whatever is left. */
  async shutDown(): Promise<void> {
    clearInterval(this.monitor);
    this.ended = true;
    if (!this.failure) for (const member of this.members.values()) if (member.role === 'ps') this.send(member.name, { type: 'finish' });
    await this.sender.flushed();
    const exits = [...this.members.values()].map((m) => m.handle.exited);
    const grace = new Promise((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([Promise.all(exits), grace]);
    for (const member of this.members.values()) member.handle.kill();
    await Promise.all(exits);
    this.socket.close();
  }

  private launch(role: ClusterRole, index: number, memoryMb: number): void {
    const name = processName(role, index);
    const prefix = `[${role} ${index}] `;
    const handle = this.launcher.launch(role, index, {
      FLOWBOOK_CLUSTER_ROLE: role,
      FLOWBOOK_CLUSTER_INDEX: String(index),
      FLOWBOOK_CLUSTER_CHIEF: this.socket.lastEndpoint!,
    }, { memoryMb, onLine: (line) => this.log(prefix + line) });
    this.members.set(name, { role, index, name, handle, lastSeen: Date.now() });
    this.log(`${prefix}started, pid ${handle.pid}`);
    void handle.exited.then((exit) => {
      if (!this.ended) this.fail(this.died(role, index, exit));
    });
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const [id, ...frames] of this.socket) {
        const name = id.toString();
        const member = this.members.get(name);
        if (!member) continue;
        member.lastSeen = Date.now();
        const packet = decodePacket<ToChief>(frames);
        const message = packet.header;
        if (message.type === 'heartbeat') continue;
        if (message.type === 'step') this.onStep?.(message.epoch, message.step);
        else if (message.type === 'failed') this.fail(this.error('ClusterProcessFailed', `${roleLabel(member.role, member.index)} failed${this.during()}: ${message.message}`, 'read its lines in the job log', member));
        else this.deliver(name, packet);
      }
    } catch (e) {
      if (!this.socket.closed) this.fail(new FlowbookError('ClusterSocketFailed', `the chief's socket failed: ${e instanceof Error ? e.message : String(e)}`, 'run the node again'));
    }
  }

  private deliver(name: string, packet: Packet<ToChief>): void {
    const waiter = this.waiting.get(name);
    if (waiter) {
      this.waiting.delete(name);
      waiter.resolve(packet);
    } else {
      this.inbox.set(name, [...(this.inbox.get(name) ?? []), packet]);
    }
  }

  /** The next message from `name`, which must be of type `expected`; rejects as soon as the cluster fails. */
  private async next(name: string, expected: ToChief['type']): Promise<Packet<ToChief>> {
    if (this.failure) throw this.failure;
    const queued = this.inbox.get(name);
    const packet = queued?.length ? queued.shift()! : await new Promise<Packet<ToChief>>((resolve, reject) => this.waiting.set(name, { resolve, reject }));
    if (packet.header.type !== expected) {
      throw new FlowbookError('ClusterProtocol', `${name} sent ${packet.header.type} where the chief expected ${expected}`, 'this is a bug in Flowbook; run the node again');
    }
    return packet;
  }

  private send(name: string, message: FromChief, arrays: readonly Float32Array[] = []): void {
    void this.sender.send([Buffer.from(name), ...encodePacket(message, arrays)]);
  }

  private fail(error: FlowbookError): void {
    if (this.failure || this.ended) return;
    this.failure = error;
    for (const member of this.members.values()) member.handle.kill();
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  private checkHeartbeats(): void {
    const limit = this.options.heartbeatTimeoutMs ?? 10_000;
    for (const member of this.members.values()) {
      if (Date.now() - member.lastSeen > limit) {
        this.fail(this.error('ClusterProcessSilent', `${roleLabel(member.role, member.index)} sent nothing for ${Math.round(limit / 1000)} s${this.during()} and was ended`, 'it may be stuck or its machine overloaded; run the node again', member));
      }
    }
  }

  private async withStartTimeout<T>(promise: Promise<T>): Promise<T> {
    const limit = this.options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const silent = [...this.members.values()].filter((m) => !this.inbox.get(m.name)?.length).map((m) => roleLabel(m.role, m.index));
        reject(new FlowbookError('ClusterStartTimeout', `the training cluster did not start within ${limit / 1000} s (${silent.join(', ')} never reported)`, 'the machine may be overloaded: use fewer workers, or run the node again'));
      }, limit);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private died(role: ClusterRole, index: number, exit: ProcessExit): FlowbookError {
    const how = exit.error ? `could not start (${exit.error})` : exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    return this.error(
      'ClusterProcessDied', `${roleLabel(role, index)} of the training cluster ${how}${this.during()}; the job stopped and ended the other processes`,
      `it may have run out of memory: raise cluster.memory_mb (now ${this.options.cluster.memory_mb}) or lower training.batch_size`,
      this.members.get(processName(role, index)),
    );
  }

  private during(): string {
    return this.epoch > 0 ? ` during epoch ${this.epoch}` : ' while the cluster started';
  }

  private error(kind: string, message: string, hint: string, member: Member | undefined): FlowbookError {
    const saved = this.checkpoint ? `; the checkpoint of epoch ${this.checkpoint.epoch} is in ${this.checkpoint.dir}` : '';
    return new FlowbookError(kind, message, hint + saved, {
      ...(member ? { role: member.role, index: member.index, pid: member.handle.pid } : {}),
      epoch: this.epoch,
      ...(this.checkpoint ? { checkpoint: this.checkpoint.dir, checkpointEpoch: this.checkpoint.epoch } : {}),
    });
  }
}
