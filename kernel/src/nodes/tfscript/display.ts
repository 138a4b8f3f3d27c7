import type { JobState, TrainingDisplay } from '@flowbook/magics';
import type { TfscriptProgress } from '../../train/tfscript/run';
import { TRAINING_MIME, trainingLine } from '../models/training-display';

/**
 * The live display of a tfscript job: the same `TrainingDisplay` payload as the model nodes (so the
 * extension draws the same charts), with processStep's own metric names per epoch.
 */
export class TfscriptDisplay {
  private readonly display: TrainingDisplay;

  constructor(jobId: string, nodeId: string, epochs: number, logPath: string, tensorboardDir: string) {
    this.display = {
      jobId, nodeId, backend: '…', status: 'running',
      epochs: { done: 0, total: epochs }, batches: { done: 0, total: 0 },
      history: [], elapsedMs: 0, etaMs: null, best: null, logPath, tensorboardDir, error: null,
    };
  }

  started(backend: string): void {
    this.display.backend = backend;
  }

  apply(update: TfscriptProgress): void {
    const d = this.display;
    d.backend = update.backend;
    d.epochs.total = update.epochs;
    d.batches = { done: update.batch, total: update.batches };
    d.elapsedMs = update.elapsedMs;
    d.etaMs = update.etaMs;
    if (!update.epochEnd) return;
    const { train, val } = update.epochEnd;
    d.history.push({ epoch: update.epoch, train, ...(val ? { val } : {}) });
    d.epochs.done = update.epoch;
  }

  /** A tfscript job keeps its last weights, so the kept epoch is the last one, with its loss. */
  finish(status: Exclude<JobState, 'running'>, error?: string): void {
    const d = this.display;
    d.status = status;
    d.etaMs = null;
    if (error) d.error = error;
    const last = d.history.at(-1);
    const loss = last?.val?.loss !== undefined ? { metric: 'val_loss', value: last.val.loss } : last?.train.loss !== undefined ? { metric: 'loss', value: last.train.loss } : undefined;
    if (last && loss && !error) d.best = { epoch: last.epoch, ...loss };
  }

  bundle(): Record<string, unknown> {
    return { [TRAINING_MIME]: structuredClone(this.display), 'text/plain': trainingLine(this.display) };
  }
}
