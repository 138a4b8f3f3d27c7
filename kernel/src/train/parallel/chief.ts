import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as zmq from 'zeromq';
import { FlowbookError } from '../../errors';
import { SerialSender } from '../../zmq/serial-sender';
import {
  BestEpochKeeper, epochMetric, evaluate, lossNotFinite, progress,
  type EpochRecord, type FitFunction, type FitOptions, type FitResult, type FitSamples,
} from '../fit';
import { MODEL_FILE, WEIGHTS_FILE, modelToFiles } from '../model-io';
import { isClustered, type ClusterParams } from '../params/cluster';
import { LocalLauncher, type ClusterRole, type Launcher, type ProcessExit, type ProcessHandle } from './launcher';
import { HEARTBEAT_MS } from './chief-link';
import { decodePacket, encodePacket, processName, type FromChief, type Packet, type ToChief, type WorkerSetup } from './protocol';

export interface ClusterOptions {
  cluster: ClusterParams;
  launcher?: Launcher;
  /** Receives the chief's lines and every cluster process's lines, prefixed `[worker 0] `, `[ps 0] `. */
  log?: (line: string) => void;
  /** A process silent for this long (no heartbeat) fails the job; default 10 s. */
  heartbeatTimeoutMs?: number;
  /** How long the processes get to start and say hello; default 60 s. */
  startTimeoutMs?: number;
  /** Where the chief writes the model after every epoch; default a fresh folder under the system's temp dir. */
  checkpointDir?: string;
}

interface Member {
  role: ClusterRole;
  index: number;
  name: string;
  handle: ProcessHandle;
  lastSeen: number;
}

/**
 * Data-parallel training with parameter servers, as a drop-in for `fitModel`: the chief (this
 * process) launches `cluster.ps` servers that hold the variables (sharded by size) and
 * `cluster.workers` workers that each train on every N-th sample. After each epoch it sums the
 * workers' losses, pulls the weights into its own model, validates, writes a checkpoint, and decides
 * whether to go on (early stopping, stop requests), so the result is the same FitResult the
 * single-process loop gives. Any process that exits, fails or falls silent ends the whole job at once.
 */
export function clusterFit(options: ClusterOptions): FitFunction {
  return (model, train, validation, fitOptions) => new Cluster(options).fit(model, train, validation, fitOptions);
}

/** The loop a model with these cluster settings trains with: the cluster's, or undefined for the single-process one. */
export function fitForCluster(cluster: ClusterParams, log: (line: string) => void): FitFunction | undefined {
  return isClustered(cluster) ? clusterFit({ cluster, log }) : undefined;
}

export function roleLabel(role: ClusterRole, index: number): string {
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

/** Worker k's samples: every N-th one starting at k, so shards differ in size by at most one. */
export function shardSamples(samples: FitSamples, options: Pick<FitOptions, 'sampleShape' | 'yWidth'>, worker: number, workers: number): FitSamples {
  const width = options.sampleShape.reduce((a, b) => a * b, 1);
  const count = Math.max(0, Math.ceil((samples.count - worker) / workers));
  const x = new Float32Array(count * width);
  const y = new Float32Array(count * options.yWidth);
  const weights = samples.weights ? new Float32Array(count) : undefined;
  for (let k = 0, i = worker; k < count; k++, i += workers) {
    x.set(samples.x.subarray(i * width, (i + 1) * width), k * width);
    y.set(samples.y.subarray(i * options.yWidth, (i + 1) * options.yWidth), k * options.yWidth);
    if (weights) weights[k] = samples.weights![i];
  }
  return { x, y, count, ...(weights ? { weights } : {}) };
}

class Cluster {
  private readonly launcher: Launcher;
  private readonly log: (line: string) => void;
  private readonly socket = new zmq.Router({ linger: 0 });
  private readonly sender = new SerialSender(this.socket, (e) => this.fail(new FlowbookError('ClusterSendFailed', `the chief could not send to the cluster: ${e.message}`, 'run the node again')));
  private readonly members = new Map<string, Member>();
  private readonly inbox = new Map<string, Packet<ToChief>[]>();
  private readonly waiting = new Map<string, { resolve: (p: Packet<ToChief>) => void; reject: (e: FlowbookError) => void }>();
  private failure: FlowbookError | undefined;
  private ended = false;
  private epoch = 0;
  private checkpoint: { dir: string; epoch: number; temporary: boolean } | undefined;
  private onStep: ((epoch: number, step: number) => void) | undefined;

  constructor(private readonly options: ClusterOptions) {
    this.launcher = options.launcher ?? new LocalLauncher();
    this.log = options.log ?? (() => undefined);
  }

  async fit(model: tf.LayersModel, train: FitSamples, validation: FitSamples | undefined, options: FitOptions): Promise<FitResult> {
    const { workers, memory_mb: memoryMb, mode } = this.options.cluster;
    const servers = Math.max(1, this.options.cluster.ps);
    const monitor = setInterval(() => this.checkHeartbeats(), HEARTBEAT_MS);
    try {
      await this.socket.bind('tcp://127.0.0.1:*');
      void this.receiveLoop();
      this.log(`cluster: ${workers} worker(s), ${servers} parameter server(s), ${mode}, ${memoryMb} MB each`);
      for (let i = 0; i < servers; i++) this.start('ps', i, memoryMb);
      for (let i = 0; i < workers; i++) this.start('worker', i, memoryMb);

      const hellos = await this.withStartTimeout(Promise.all([...this.members.keys()].map(async (name) => [name, await this.next(name, 'hello')] as const)));
      const endpoints = new Map(hellos.map(([name, packet]) => [name, packet.header.type === 'hello' ? packet.header.endpoint : undefined]));

      const trainable = model.trainableWeights;
      const shards = assignVariables(trainable.map((w) => w.shape.reduce<number>((a, b) => a * (b ?? 1), 1)), servers);
      const values = trainable.map((w) => w.read().dataSync() as Float32Array);
      shards.forEach((variables, s) => this.send(processName('ps', s), {
        type: 'setup',
        variables: variables.map((v) => ({ name: trainable[v].name, shape: trainable[v].shape as number[] })),
        optimizer: options.optimizer, learningRate: options.learningRate, workers, mode,
      }, variables.map((v) => values[v])));
      await Promise.all(shards.map((_, s) => this.next(processName('ps', s), 'ready')));

      const parts = Array.from({ length: workers }, (_, w) => shardSamples(train, options, w, workers));
      const stepsPerEpoch = Math.ceil(Math.max(...parts.map((p) => p.count)) / options.batchSize);
      const topology = model.toJSON(null, false) as object;
      parts.forEach((part, w) => {
        const setup: WorkerSetup = {
          type: 'setup', topology, sampleShape: options.sampleShape, yWidth: options.yWidth, head: options.head,
          batchSize: options.batchSize, stepsPerEpoch, seed: options.seed, count: part.count, weighted: part.weights !== undefined,
          servers: shards.map((variables, s) => ({ endpoint: endpoints.get(processName('ps', s))!, variables })),
        };
        this.send(processName('worker', w), setup, [part.x, part.y, ...(part.weights ? [part.weights] : [])]);
      });
      const result = await this.epochs(model, validation, options, stepsPerEpoch, shards);
      // The job's model is what is kept from a success; a checkpoint folder of our own is only for failures.
      if (this.checkpoint?.temporary) fs.rmSync(this.checkpoint.dir, { recursive: true, force: true });
      return result;
    } catch (e) {
      this.ended = true;
      for (const member of this.members.values()) member.handle.kill();
      throw this.failure ?? e;
    } finally {
      clearInterval(monitor);
      await this.shutDown();
    }
  }

  private async epochs(model: tf.LayersModel, validation: FitSamples | undefined, options: FitOptions, stepsPerEpoch: number, shards: number[][]): Promise<FitResult> {
    const workers = this.options.cluster.workers;
    const started = Date.now();
    this.onStep = (epoch, step) => options.onProgress?.(progress(options, 'batch', epoch, step, stepsPerEpoch, started, Date.now()));
    const keeper = new BestEpochKeeper(options.earlyStopping, validation);
    const history: EpochRecord[] = [];
    let stoppedEarly = false;
    let stoppedOnRequest = false;
    try {
      for (let epoch = 1; epoch <= options.epochs; epoch++) {
        this.epoch = epoch;
        const reports = await Promise.all(Array.from({ length: workers }, (_, w) => this.next(processName('worker', w), 'epoch')));
        const sums = { lossSum: 0, correct: 0, seen: 0 };
        for (const { header } of reports) {
          if (header.type !== 'epoch') continue;
          sums.lossSum += header.lossSum;
          sums.correct += header.correct;
          sums.seen += header.seen;
        }
        const loss = sums.lossSum / sums.seen;
        if (!Number.isFinite(loss)) throw lossNotFinite(loss, epoch, options.learningRate);
        await this.pull(model, shards);
        const record: EpochRecord = { epoch, loss, metric: epochMetric(options, loss, sums.correct, sums.seen) };
        if (validation && validation.count > 0) Object.assign(record, await evaluate(model, validation, options));
        history.push(record);
        options.onProgress?.({
          ...progress(options, 'epoch', epoch, stepsPerEpoch, stepsPerEpoch, started, Date.now()),
          loss: record.loss, metric: record.metric, valLoss: record.valLoss, valMetric: record.valMetric,
        });
        await this.writeCheckpoint(model, epoch);
        stoppedEarly = keeper.endsHere(record, model);
        stoppedOnRequest = !stoppedEarly && options.stopRequested?.() === true;
        const last = epoch === options.epochs || stoppedEarly || stoppedOnRequest;
        for (let w = 0; w < workers; w++) this.send(processName('worker', w), { type: last ? 'finish' : 'continue' });
        if (last) break;
      }
      const keptEpoch = keeper.restore(model, history.length, stoppedOnRequest);
      return { history, epochsRun: history.length, keptEpoch, stoppedEarly, stoppedOnRequest };
    } finally {
      keeper.dispose();
    }
  }

  /** The servers' current variables into the chief's model. */
  private async pull(model: tf.LayersModel, shards: number[][]): Promise<void> {
    const replies = await Promise.all(shards.map((_, s) => {
      this.send(processName('ps', s), { type: 'pull' });
      return this.next(processName('ps', s), 'weights');
    }));
    const trainable = model.trainableWeights;
    tf.tidy(() => replies.forEach((reply, s) => shards[s].forEach((v, k) => trainable[v].write(tf.tensor(reply.arrays[k], trainable[v].shape as number[])))));
  }

  /** The model after every epoch, written atomically, so a failed job leaves the last epoch usable. */
  private async writeCheckpoint(model: tf.LayersModel, epoch: number): Promise<void> {
    const temporary = this.checkpoint?.temporary ?? this.options.checkpointDir === undefined;
    const dir = this.checkpoint?.dir ?? this.options.checkpointDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook-checkpoint-'));
    fs.mkdirSync(dir, { recursive: true });
    const files = await modelToFiles(model);
    const put = (name: string, bytes: Uint8Array | string) => {
      fs.writeFileSync(path.join(dir, `.${name}.tmp`), bytes);
      fs.renameSync(path.join(dir, `.${name}.tmp`), path.join(dir, name));
    };
    // Weights first: a crash between the two renames leaves the older topology, which still fits them.
    put(WEIGHTS_FILE, files.weights);
    put(MODEL_FILE, JSON.stringify(files.modelJson));
    if (!this.checkpoint) this.log(`checkpoint after every epoch: ${dir}`);
    this.checkpoint = { dir, epoch, temporary };
  }

  private start(role: ClusterRole, index: number, memoryMb: number): void {
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

  /** Tells every process to finish, gives them a moment to exit on their own, then ends whatever is left. */
  private async shutDown(): Promise<void> {
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
}
