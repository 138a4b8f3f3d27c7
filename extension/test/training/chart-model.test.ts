import type { TrainingDisplay } from '@flowbook/protocol';
import { TrainingChartModel, buildCharts, formatDuration, progressOf } from '../../src/training/chart-model';

function trainingAt(epochsDone: number, patch: Partial<TrainingDisplay> = {}): TrainingDisplay {
  const history = Array.from({ length: epochsDone }, (_, i) => ({
    epoch: i + 1,
    train: { loss: 1 / (i + 1), acc: 0.5 + i * 0.05 },
    val: { loss: 1.2 / (i + 1), acc: 0.45 + i * 0.05 }
  }));
  return {
    jobId: 'job-1', nodeId: 'species', backend: 'wasm', status: 'running',
    epochs: { done: epochsDone, total: 10 }, batches: { done: 2, total: 4 },
    history, elapsedMs: 4000 * epochsDone, etaMs: 4000 * (10 - epochsDone),
    ...patch
  };
}

describe('training charts', () => {
  it('draws one chart per metric, loss first, each with train and validation series', () => {
    const charts = buildCharts(trainingAt(3));
    expect(charts.map(c => c.metric)).toEqual(['loss', 'acc']);
    expect(charts[0].train.map(p => p.epoch)).toEqual([1, 2, 3]);
    expect(charts[0].val[2].value).toBeCloseTo(0.4);
  });

  it('grows the epoch axis of a running job by doublings, up to the planned epochs', () => {
    expect(buildCharts(trainingAt(3))[0].xDomain).toEqual([1, 10]);
    const long = (done: number) => buildCharts(trainingAt(done, { epochs: { done, total: 60 } }))[0].xDomain;
    expect(long(3)).toEqual([1, 10]);
    expect(long(9)).toEqual([1, 16]);
    expect(long(12)).toEqual([1, 16]);
    expect(long(40)).toEqual([1, 60]);
  });

  it('spans only the epochs a finished job ran, so an early stop is not squeezed to the left', () => {
    expect(buildCharts(trainingAt(4, { status: 'early_stopped' }))[0].xDomain).toEqual([1, 4]);
  });

  it('pads the value axis around the data', () => {
    const [loss] = buildCharts(trainingAt(3));
    expect(loss.yDomain[0]).toBeLessThan(1 / 3);
    expect(loss.yDomain[1]).toBeGreaterThan(1.2);
  });

  it('counts the current epoch\'s batches in the progress', () => {
    expect(progressOf(trainingAt(3)).fraction).toBeCloseTo((3 + 0.5) / 10);
    expect(progressOf(trainingAt(10, { status: 'completed' })).fraction).toBe(1);
    expect(progressOf(trainingAt(4, { status: 'stopped' })).fraction).toBeCloseTo(0.4);
  });

  it('updates its charts and tells its views on each new payload', () => {
    const model = new TrainingChartModel();
    let changes = 0;
    model.changed.connect(() => changes++);
    model.update(trainingAt(2));
    model.update(trainingAt(5));
    expect(changes).toBe(2);
    expect(model.charts[0].train).toHaveLength(5);
    expect(model.isRunning).toBe(true);
    model.update(trainingAt(5, { status: 'stopped', etaMs: null }));
    expect(model.isRunning).toBe(false);
  });

  it('formats durations as a person reads them', () => {
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });
});
