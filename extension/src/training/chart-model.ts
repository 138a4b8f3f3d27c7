import type { EpochRecord, TrainingDisplay } from '@flowbook/protocol';
import { ISignal, Signal } from '@lumino/signaling';

export interface SeriesPoint {
  epoch: number;
  value: number;
}

/** One chart: a metric by epoch, train and validation. */
export interface MetricChart {
  metric: string;
  train: SeriesPoint[];
  val: SeriesPoint[];
  /** Epoch axis: growing by doublings up to the planned epochs while running, to the last epoch once finished. */
  xDomain: [number, number];
  yDomain: [number, number];
}

export interface Progress {
  epochsDone: number;
  epochsTotal: number;
  batchesDone: number;
  batchesTotal: number;
  /** 0..1 over the whole job, counting the batches of the current epoch. */
  fraction: number;
}

/** Loss first, then the other metrics in the order the job first reported them. */
export function metricNames(history: EpochRecord[]): string[] {
  const names: string[] = [];
  for (const record of history) {
    for (const logs of [record.train, record.val ?? {}]) {
      for (const name of Object.keys(logs)) {
        if (!names.includes(name)) {
          names.push(name);
        }
      }
    }
  }
  return names.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
}

export function buildCharts(display: TrainingDisplay): MetricChart[] {
  const lastEpoch = display.history.reduce((m, r) => Math.max(m, r.epoch), 1);
  // While running, the axis grows by doublings (10, 16, 32...) up to the planned epochs: readable
  // early in a long job, and it rescales only now and then. A finished job spans the epochs it ran.
  const end = display.status === 'running' ? runningAxisEnd(lastEpoch, display.epochs.total) : lastEpoch;
  const xDomain: [number, number] = [1, Math.max(end, 2)];
  return metricNames(display.history).map(metric => {
    const train = pointsOf(display.history, r => r.train[metric]);
    const val = pointsOf(display.history, r => r.val?.[metric]);
    return { metric, train, val, xDomain, yDomain: valueDomain([...train, ...val]) };
  });
}

export function progressOf(display: TrainingDisplay): Progress {
  const { done: epochsDone, total: epochsTotal } = display.epochs;
  const { done: batchesDone, total: batchesTotal } = display.batches;
  const finished = display.status !== 'running';
  let fraction = 0;
  if (finished && display.status === 'completed') {
    fraction = 1;
  } else if (epochsTotal > 0) {
    const inEpoch = batchesTotal > 0 ? Math.min(batchesDone / batchesTotal, 1) : 0;
    fraction = Math.min((epochsDone + (finished ? 0 : inEpoch)) / epochsTotal, 1);
  }
  return { epochsDone, epochsTotal, batchesDone, batchesTotal, fraction };
}

/** `1h 02m`, `4m 05s`, `12s`: durations as a person reads them. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return `${h}h ${String(m).padStart(2, '0')}m`;
  }
  if (m > 0) {
    return `${m}m ${String(s).padStart(2, '0')}s`;
  }
  return `${s}s`;
}

/**
 * The state of one training display: the latest payload the kernel sent (live, through
 * update_display_data) or the one saved in the notebook, and the charts drawn from it.
 */
export class TrainingChartModel {
  private readonly _changed = new Signal<this, void>(this);
  private _display: TrainingDisplay | null = null;
  private _charts: MetricChart[] = [];

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get display(): TrainingDisplay | null {
    return this._display;
  }

  get charts(): MetricChart[] {
    return this._charts;
  }

  get progress(): Progress | null {
    return this._display ? progressOf(this._display) : null;
  }

  get isRunning(): boolean {
    return this._display?.status === 'running';
  }

  update(display: TrainingDisplay): void {
    this._display = display;
    this._charts = buildCharts(display);
    this._changed.emit();
  }
}

function runningAxisEnd(lastEpoch: number, total: number): number {
  const doubling = Math.max(10, 2 ** Math.ceil(Math.log2(lastEpoch + 1)));
  return Math.max(lastEpoch, total > 0 ? Math.min(total, doubling) : doubling);
}

function pointsOf(history: EpochRecord[], pick: (r: EpochRecord) => number | undefined): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const record of history) {
    const value = pick(record);
    if (typeof value === 'number' && Number.isFinite(value)) {
      points.push({ epoch: record.epoch, value });
    }
  }
  return points;
}

function valueDomain(points: SeriesPoint[]): [number, number] {
  if (points.length === 0) {
    return [0, 1];
  }
  let lo = Math.min(...points.map(p => p.value));
  let hi = Math.max(...points.map(p => p.value));
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}
