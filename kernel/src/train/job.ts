import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import type { BackendInfo } from './backend';
import type { ProgressEvent } from './fit';
import type { FromWorker, ToWorker, TrainingResult } from './job-messages';
import type { ModelSpec } from './params';
import type { ModelCheckpoint } from './model-io';
import type { TfscriptJobSpec, TfscriptProgress, TfscriptResult } from './tfscript/run';

export type JobEvent =
  | { type: 'started'; jobId: string; pid: number; backend: BackendInfo }
  | { type: 'progress'; jobId: string; event: ProgressEvent }
  | { type: 'tfscript_progress'; jobId: string; update: TfscriptProgress }
  | { type: 'checkpoint'; jobId: string; checkpoint: ModelCheckpoint }
  | { type: 'log'; jobId: string; line: string };

export interface JobOptions {
  onEvent?: (event: JobEvent) => void;
  /** How long `stop()` waits for the worker to save the best model before killing it. */
  stopGraceMs?: number;
  /** The compiled worker; default `dist/train/worker.js` of this package. */
  workerPath?: string;
  /** Heap limit of the worker process (`--max-old-space-size`); default Node's. */
  memoryMb?: number;
}

/**
 * IPC-deserialized objects belong to Node's main realm; code running in a `vm` context (notebook
 * cells, jest) fails tfjs's `instanceof Array` checks on them, so the model topology is re-created here.
 */
function ownRealm<R extends { files?: TrainingResult['files'] }>(result: R): R {
  if (!result.files) return result;
  return { ...result, files: { ...result.files, modelJson: JSON.parse(JSON.stringify(result.files.modelJson)) as TrainingResult['files']['modelJson'] } };
}

/** The compiled worker: beside this file when running from dist, else in dist (tests run from src). */
export function defaultWorkerPath(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (fs.existsSync(beside)) return beside;
  return path.resolve(__dirname, '../../dist/train/worker.js');
}

/**
 * One training run in its own child process, so the kernel keeps answering while it trains. `done`
 * resolves with the result or rejects with a FlowbookError (the worker's own, or a crash described);
 * the parent never dies with the worker, and the worker never outlives the job.
 */
export class WorkerJob<R extends { files?: TrainingResult['files'] }> {
  readonly id: string = randomUUID().slice(0, 8);
  readonly done: Promise<R>;
  private readonly child: ChildProcess;
  private stopTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  protected constructor(request: Exclude<ToWorker, { type: 'stop' }>, private readonly options: JobOptions = {}) {
    const workerPath = options.workerPath ?? defaultWorkerPath();
    if (!fs.existsSync(workerPath)) {
      throw new FlowbookError(
        'TrainingWorkerMissing',
        `the training worker ${workerPath} does not exist`,
        'build the kernel first (npx tsc -b)',
        { path: workerPath },
      );
    }
    const execArgv = options.memoryMb !== undefined ? [`--max-old-space-size=${options.memoryMb}`] : [];
    this.child = fork(workerPath, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.trim()) this.emit({ type: 'log', jobId: this.id, line });
      });
    }
    this.done = new Promise<R>((resolve, reject) => {
      let settled = false;
      // `done` settles once the worker process is gone, so a settled job never leaves one behind.
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(this.stopTimer);
        const running = this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
        if (!running) return outcome();
        this.child.once('exit', outcome);
        this.child.kill('SIGKILL');
      };
      this.child.on('message', (message: FromWorker<R>) => {
        switch (message.type) {
          case 'started': this.emit({ type: 'started', jobId: this.id, pid: message.pid, backend: message.backend }); break;
          case 'progress': this.emit({ type: 'progress', jobId: this.id, event: message.event }); break;
          case 'tfscript_progress': this.emit({ type: 'tfscript_progress', jobId: this.id, update: message.update }); break;
          case 'checkpoint': this.emit({ type: 'checkpoint', jobId: this.id, checkpoint: ownRealm(message.checkpoint) }); break;
          case 'log': this.emit({ type: 'log', jobId: this.id, line: message.line }); break;
          case 'finished': settle(() => resolve(ownRealm(message.result))); break;
          case 'failed': settle(() => reject(new FlowbookError(message.error.kind, message.error.message, message.error.hint, { ...message.error.context, jobId: this.id }))); break;
        }
      });
      this.child.on('error', (e) => settle(() => reject(new FlowbookError(
        'TrainingWorkerFailed', `the training worker of job ${this.id} could not run: ${e.message}`, 'check that Node can start child processes here', { jobId: this.id },
      ))));
      this.child.on('close', (code: number | null, signal: NodeJS.Signals | null) => settle(() => reject(this.crashError(code, signal))));
    });
    this.send(request);
  }

  /** The worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Asks the worker to stop after the current batch and finish with the best weights so far; kills it
   * if it has not finished within the grace period.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.send({ type: 'stop' });
    this.stopTimer = setTimeout(() => this.child.kill('SIGKILL'), this.options.stopGraceMs ?? 10_000);
  }

  /** Ends the worker at once (the kernel is going away); `done` rejects as a crash. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private crashError(code: number | null, signal: NodeJS.Signals | null): FlowbookError {
    if (this.stopping && signal === 'SIGKILL') {
      return new FlowbookError(
        'TrainingStopped',
        `training job ${this.id} did not stop within the grace period and was ended; no model was saved`,
        'run the node again; a smaller batch_size makes stopping quicker',
        { jobId: this.id },
      );
    }
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    return new FlowbookError(
      'TrainingWorkerCrashed',
      `the training worker of job ${this.id} ${how} before finishing`,
      'it may have run out of memory: lower batch_size, the window length or the network size; the kernel itself is fine',
      { jobId: this.id, code, signal },
    );
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  private emit(event: JobEvent): void {
    this.options.onEvent?.(event);
  }
}

/** A model node's training (`%%dnn_regressor` …) as a job. */
export class TrainingJob extends WorkerJob<TrainingResult> {
  constructor(spec: ModelSpec, table: arrow.Table, options: JobOptions = {}) {
    super({ type: 'train', spec, table: arrow.tableToIPC(table, 'file') }, options);
  }
}

/** A `%%tfscript` cell's training as a job. */
export class TfscriptJob extends WorkerJob<TfscriptResult> {
  constructor(spec: TfscriptJobSpec, table: arrow.Table, options: JobOptions = {}) {
    super({ type: 'tfscript', spec, table: arrow.tableToIPC(table, 'file') }, options);
  }
}
