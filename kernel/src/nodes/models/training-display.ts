import type { BestEpoch, EpochRecord, JobState, TrainingDisplay } from '@flowbook/magics';
import type { JobEvent } from '../../train/job';

export const TRAINING_MIME = 'application/vnd.flowbook.training+json';

/**
 * The live training display of one job: job events folded into the shared `TrainingDisplay` payload,
 * with a one-line `text/plain` fallback, shown once and then updated in place.
 */
export class TrainingProgress {
  private readonly display: TrainingDisplay;
  private readonly monitor: 'val_loss' | 'loss';

  constructor(jobId: string, nodeId: string, epochs: number, monitor: 'val_loss' | 'loss', logPath: string) {
    this.monitor = monitor;
    this.display = {
      jobId, nodeId, backend: '…', status: 'running',
      epochs: { done: 0, total: epochs }, batches: { done: 0, total: 0 },
      history: [], elapsedMs: 0, etaMs: null, best: null, logPath, tensorboardDir: null, error: null,
    };
  }

  /** Folds an event in; true when the display changed and should be re-sent. */
  apply(event: JobEvent): boolean {
    if (event.type === 'started') {
      this.display.backend = event.backend.name;
      return true;
    }
    if (event.type !== 'progress') return false;
    const e = event.event;
    this.display.backend = e.backend;
    this.display.batches = { done: e.batch, total: e.batches };
    this.display.elapsedMs = e.elapsedMs;
    this.display.etaMs = e.etaMs;
    if (e.type === 'epoch') {
      const metric = e.metricName === 'accuracy' ? 'acc' : 'rmse';
      const record: EpochRecord = { epoch: e.epoch, train: { loss: e.loss!, [metric]: e.metric! } };
      if (e.valLoss !== undefined) record.val = { loss: e.valLoss, [metric]: e.valMetric! };
      this.display.history.push(record);
      this.display.epochs.done = e.epoch;
      const value = this.monitor === 'val_loss' && record.val ? record.val.loss : record.train.loss;
      const metricName = this.monitor === 'val_loss' && record.val ? 'val_loss' : 'loss';
      if (!this.display.best || value < this.display.best.value) this.display.best = { epoch: e.epoch, metric: metricName, value };
    }
    return true;
  }

  finish(status: Exclude<JobState, 'running'>, best?: BestEpoch, error?: string): void {
    this.display.status = status;
    this.display.etaMs = null;
    if (best) this.display.best = best;
    if (error) this.display.error = error;
  }

  bundle(): Record<string, unknown> {
    return { [TRAINING_MIME]: structuredClone(this.display), 'text/plain': trainingLine(this.display) };
  }
}

/**
 * The one-line `text/plain` form of a training display, for saved notebooks and `flowbook run`: where
 * training is (the batch too while an epoch is under way), the last epoch's numbers, the time so far
 * and the ETA while running; at the end, the epoch kept or the error.
 */
export function trainingLine(d: TrainingDisplay): string {
  const running = d.status === 'running';
  // Batches done in an epoch not yet reported: that epoch is the one after the last one done.
  const inEpoch = running && d.batches.done > 0 && d.batches.done < d.batches.total;
  const where = inEpoch
    ? `epoch ${d.epochs.done + 1}/${d.epochs.total} · batch ${d.batches.done}/${d.batches.total}`
    : `epoch ${d.epochs.done}/${d.epochs.total}`;
  const parts = [`${d.nodeId}: ${d.status}`, `job ${d.jobId}`, d.backend, where];
  const last = d.history.at(-1);
  if (last) {
    for (const [name, value] of Object.entries(last.train)) parts.push(`${name} ${format(value)}`);
    for (const [name, value] of Object.entries(last.val ?? {})) parts.push(`val_${name} ${format(value)}`);
  }
  parts.push(`${(d.elapsedMs / 1000).toFixed(1)} s`);
  if (d.etaMs !== null && running) parts.push(`ETA ${(d.etaMs / 1000).toFixed(0)} s`);
  if (d.best && !running) parts.push(`kept epoch ${d.best.epoch} (${d.best.metric} ${format(d.best.value)})`);
  if (d.error) parts.push(d.error);
  return parts.join(' · ');
}

function format(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}
