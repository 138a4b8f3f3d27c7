import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobState } from '@flowbook/magics';
import { FlowbookError } from '../../errors';
import { openStore } from '../../store/open';
import { temporaryKeyFor, type Store } from '../../store/store';
import { PREPROCESSING_FILE, storeIOHandler, type ModelCheckpoint } from '../model-io';
import { EventFileWriter, type ScalarStep } from '../tensorboard/event-writer';
import { startTensorBoard, type TensorBoardProcess } from './tensorboard-process';

/** `jobs/<job-id>/status.json`: what `%jobs` lists, also after the kernel that ran the job is gone. */
export interface JobStatus {
  jobId: string;
  node: string;
  /** The node kind: `tfscript`, `dnn_regressor`… */
  kind: string;
  /** `lost`: recorded as running by a kernel that is gone (read back, never written). */
  state: JobState | 'lost';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** The worker's process id while it runs. */
  pid?: number;
  /** Store keys (relative to the store) and the TensorBoard log folder as a path or URI. */
  logPath: string;
  tensorboardDir: string;
  tensorboardUrl?: string;
  /** Store key of the kept model. */
  model?: string;
  /** The last checkpoint (`jobs/<id>/checkpoint`, loadable like a model folder), when the job writes them. */
  checkpoint?: { path: string; epoch: number; step: number };
  error?: string;
  [fact: string]: unknown;
}

/** What the registry needs of a running job (a WorkerJob). */
export interface JobProcess {
  readonly id: string;
  readonly pid: number | undefined;
  stop(): void;
  kill(): void;
}

export interface JobInfo {
  node: string;
  kind: string;
  store: Store;
  /** TensorBoard event files go here; default the job's folder in `store`. */
  logDir?: string;
  /** The folder relative `logDir`s start from (the notebook's). */
  baseDir?: string;
}

const FLUSH_MS = 1000;
const encoder = new TextEncoder();

/**
 * One running job as the kernel records it: status, log and TensorBoard events under
 * `<store>/jobs/<job-id>/` (through the Store, so an HDFS store works too), and the TensorBoard
 * process started for it. `finish` writes the final state and stops everything the job started.
 */
export class JobRecord {
  readonly status: JobStatus;
  private readonly lines: string[] = [];
  private readonly events: EventFileWriter;
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private tensorboard: TensorBoardProcess | undefined;
  /** Settles when the first status is written and TensorBoard (if any) has started. */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly job: JobProcess, readonly info: JobInfo, private readonly onEnd: (record: JobRecord) => void) {
    const folder = `jobs/${job.id}`;
    const logStore = info.logDir ? openStore(info.logDir, info.baseDir ?? process.cwd()) : info.store;
    const eventsFolder = info.logDir ? job.id : folder;
    this.events = new EventFileWriter(logStore, eventsFolder);
    this.status = {
      jobId: job.id, node: info.node, kind: info.kind, state: 'running', startedAt: new Date().toISOString(),
      ...(job.pid !== undefined ? { pid: job.pid } : {}),
      logPath: `${folder}/log.txt`,
      tensorboardDir: logStore.localPath(eventsFolder) ?? `${logStore.uri}/${eventsFolder}`,
    };
  }

  /** Writes the first status and starts TensorBoard on the log folder when it is local. */
  async start(): Promise<void> {
    await this.writeStatus();
    await this.events.flush();
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(this.status.tensorboardDir)) {
      this.tensorboard = await startTensorBoard(this.status.tensorboardDir);
      if (this.tensorboard) {
        this.status.tensorboardUrl = this.tensorboard.url;
        await this.writeStatus();
      }
    }
  }

  log(line: string): void {
    this.lines.push(line);
    this.scheduleFlush();
  }

  scalars(steps: readonly ScalarStep[]): void {
    for (const step of steps) this.events.add(step);
    this.scheduleFlush();
  }

  /**
   * Replaces the job's checkpoint folder with this one, all at once (written aside, then published),
   * so a job that dies later still leaves a whole model behind.
   */
  checkpoint(checkpoint: ModelCheckpoint): Promise<void> {
    const folder = `jobs/${this.job.id}/checkpoint`;
    const { files } = checkpoint;
    const written = this.enqueue(async () => {
      const temporary = temporaryKeyFor(folder);
      try {
        await storeIOHandler(this.info.store, temporary).save!({
          modelTopology: files.modelJson.modelTopology,
          weightSpecs: files.modelJson.weightsManifest.flatMap((group) => group.weights),
          weightData: files.weights.slice().buffer,
        });
        await this.info.store.write(`${temporary}/${PREPROCESSING_FILE}`, encoder.encode(JSON.stringify(checkpoint.preprocessing, null, 2)));
        await this.info.store.publish(temporary, folder);
      } catch (e) {
        await this.info.store.remove(temporary).catch(() => undefined);
        throw e;
      }
      this.status.checkpoint = { path: folder, epoch: checkpoint.epoch, step: checkpoint.step };
    });
    return Promise.all([written, this.writeStatus()]).then(() => undefined);
  }

  logText(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }

  /** The final state: written with the log and events; the TensorBoard started for the job stops. */
  async finish(state: Exclude<JobState, 'running'>, facts: Record<string, unknown> = {}): Promise<void> {
    await this.ready.catch(() => undefined);
    clearTimeout(this.flushTimer);
    this.tensorboard?.stop();
    const finished = new Date();
    Object.assign(this.status, facts, { state, finishedAt: finished.toISOString(), durationMs: finished.getTime() - Date.parse(this.status.startedAt) });
    delete this.status.pid;
    delete this.status.tensorboardUrl;
    // The log ends saying how the job ended, so it reads whole without status.json beside it.
    this.lines.push(typeof facts.error === 'string' ? `job ${state}: ${facts.error}` : `job ${state} after ${((this.status.durationMs ?? 0) / 1000).toFixed(1)} s`);
    this.onEnd(this);
    await this.flush();
    await this.writeStatus();
  }

  /**
   * The kernel is exiting: ends the worker and TensorBoard at once and, on a local store, records
   * the job as failed synchronously (nothing asynchronous runs any more at process exit).
   */
  abandon(reason: string): void {
    this.job.kill();
    this.tensorboard?.stop('SIGKILL');
    const file = this.info.store.localPath(`jobs/${this.job.id}/status.json`);
    if (!file) return;
    const finished = new Date();
    const status = { ...this.status, state: 'failed', error: reason, finishedAt: finished.toISOString(), durationMs: finished.getTime() - Date.parse(this.status.startedAt) };
    delete status.pid;
    delete status.tensorboardUrl;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(status, null, 2));
      fs.writeFileSync(path.join(path.dirname(file), 'log.txt'), `${this.logText()}${reason}\n`);
    } catch {
      // The process is ending; a status left at `running` reads as `lost` in %jobs.
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().catch(() => undefined);
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  private flush(): Promise<void> {
    const log = encoder.encode(this.logText());
    return this.enqueue(async () => {
      await this.info.store.write(this.status.logPath, log);
      await this.events.flush();
    });
  }

  /** Enqueued like every write; the status is read when its turn comes, so it is the latest. */
  private writeStatus(): Promise<void> {
    return this.enqueue(() => this.info.store.write(`jobs/${this.job.id}/status.json`, encoder.encode(JSON.stringify(this.status, null, 2))));
  }

  /** Store writes run one after another; a failed one does not stop the ones after it. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.writing.catch(() => undefined).then(step);
    this.writing = next;
    return next;
  }
}

/**
 * The jobs of this kernel process, shared by model nodes and tfscript cells: `%jobs` lists them and
 * `%jobs stop` reaches them. When the process exits (shutdown, restart), every job's worker and
 * TensorBoard is ended, so no process outlives its kernel.
 */
export class JobRegistry {
  private readonly live = new Map<string, JobRecord>();
  private exitHook: (() => void) | undefined;

  /**
   * Records a job that just started; its lines and scalars are kept from now on. `ready` settles when
   * the first status is written and TensorBoard (if any) has started.
   */
  begin(job: JobProcess, info: JobInfo): JobRecord {
    const record = new JobRecord(job, info, (ended) => this.live.delete(ended.job.id));
    this.live.set(job.id, record);
    this.installExitHook();
    record.ready = record.start();
    return record;
  }

  running(): JobRecord[] {
    return [...this.live.values()];
  }

  get(jobId: string): JobRecord | undefined {
    return this.live.get(jobId);
  }

  /** Asks a running job to stop after its current step, keeping its model; throws when it is not running here. */
  stop(jobId: string): JobRecord {
    const record = this.live.get(jobId);
    if (!record) {
      throw new FlowbookError('JobNotRunning', `job \`${jobId}\` is not running in this kernel`, 'list the jobs with %jobs', { job: jobId });
    }
    record.job.stop();
    return record;
  }

  /** Ends every job at once: the kernel is exiting. */
  abandonAll(reason: string): void {
    for (const record of this.live.values()) record.abandon(reason);
    this.live.clear();
  }

  private installExitHook(): void {
    if (this.exitHook) return;
    this.exitHook = () => this.abandonAll('the kernel shut down while the job was running');
    process.on('exit', this.exitHook);
  }
}

/** The kernel's one registry. */
export const jobRegistry = new JobRegistry();
