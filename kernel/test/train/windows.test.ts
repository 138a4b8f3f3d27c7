import * as arrow from 'apache-arrow';
import { buildWindows, gatherWindows, seriesOf } from '../../src/train/windows';

const all = (n: number) => new Uint8Array(n).fill(1);

describe('LSTM windows', () => {
  const table = new arrow.Table({
    day: arrow.vectorFromArray([3, 1, 2, 4, 1, 2, 3, 4], new arrow.Int32()),
    city: arrow.vectorFromArray(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']),
  });
  const spec = { size: 2, horizon: 1, stride: 1, order: 'day', group: 'city' };

  it('T4: windows never cross group boundaries and follow the order column', () => {
    const series = seriesOf(table, spec);
    expect(Array.from(series.rows)).toEqual([1, 2, 0, 3, 4, 5, 6, 7]);
    expect(series.bounds).toEqual([0, 4, 8]);
    const windows = buildWindows(series, spec, all(8), all(8));
    // Per city: days 1-2 → 3, days 2-3 → 4; none spans a → b.
    expect(Array.from(windows.targetRows)).toEqual([0, 3, 6, 7]);
    expect(Array.from(windows.lastRows)).toEqual([2, 0, 5, 6]);
  });

  it('T4: windows are [samples, timesteps, features] in time order', () => {
    const series = seriesOf(table, spec);
    const windows = buildWindows(series, spec, all(8), all(8));
    const matrix = Float32Array.from([30, 10, 20, 40, 1, 2, 3, 4]);
    expect(Array.from(gatherWindows(matrix, 1, series, windows, 2))).toEqual([10, 20, 20, 30, 1, 2, 2, 3]);
  });

  it('T4: too short a series is an error in the user\'s terms', () => {
    const three = new arrow.Table({ v: arrow.vectorFromArray([1, 2, 3]) });
    expect(() => buildWindows(seriesOf(three, { size: 5, horizon: 1, stride: 1 }), { size: 5, horizon: 1, stride: 1 }, all(3), all(3)))
      .toThrow('need at least 5 rows per window, got 3');
    expect(() => buildWindows(seriesOf(three, { size: 3, horizon: 1, stride: 1 }), { size: 3, horizon: 1, stride: 1 }, all(3), all(3)))
      .toThrow('need at least 4 rows per series for a window of 3 and a horizon of 1, got 3');
  });

  it('a window with a missing row, or without a target, is left out', () => {
    const series = seriesOf(table, spec);
    const usable = all(8);
    usable[5] = 0; // city b, day 2: both of b's windows contain it
    const targets = all(8);
    targets[3] = 0; // city a, day 4: the target of a's second window
    const windows = buildWindows(series, spec, usable, targets);
    expect(Array.from(windows.targetRows)).toEqual([0]);
  });

  it('for prediction, every complete window counts, also the last ones without a known future', () => {
    const series = seriesOf(table, spec);
    const windows = buildWindows(series, spec, all(8), undefined, 1);
    expect(Array.from(windows.lastRows)).toEqual([2, 0, 3, 5, 6, 7]);
    expect(Array.from(windows.targetRows)).toEqual([0, 3, -1, 6, 7, -1]);
  });
});
