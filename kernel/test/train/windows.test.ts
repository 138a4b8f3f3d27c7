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

  describe('T4: horizon 2 and stride 2, two series of 9 and 7 days, rows shuffled', () => {
    const days = [...Array.from({ length: 9 }, (_, i) => ['a', i + 1] as const), ...Array.from({ length: 7 }, (_, i) => ['b', i + 1] as const)];
    const rows = days.map((_, i) => days[(i * 5) % days.length]); // 5 is prime to 16: every day once, out of order
    const series2 = new arrow.Table({
      day: arrow.vectorFromArray(rows.map(([, d]) => d), new arrow.Int32()),
      city: arrow.vectorFromArray(rows.map(([c]) => c)),
    });
    const spec2 = { size: 2, horizon: 2, stride: 2, order: 'day', group: 'city' };
    const name = (row: number) => (row < 0 ? '-' : `${rows[row][0]}${rows[row][1]}`);
    /** Each window as `first..last→target`, by city and day. */
    const described = (w: ReturnType<typeof buildWindows>, s: ReturnType<typeof seriesOf>) =>
      Array.from(w.starts, (start, i) => `${name(s.rows[start])}..${name(w.lastRows[i])}→${name(w.targetRows[i])}`);

    it('training windows start every 2 rows of a series and aim 2 rows past their end, never into the next series', () => {
      const series = seriesOf(series2, spec2);
      const windows = buildWindows(series, spec2, all(16), all(16));
      expect(described(windows, series)).toEqual(['a1..a2→a4', 'a3..a4→a6', 'a5..a6→a8', 'b1..b2→b4', 'b3..b4→b6']);
    });

    it('at stride 1, as prediction windows, every row that ends a window gets one: its target 2 rows on, none past a series\' end', () => {
      const series = seriesOf(series2, spec2);
      const windows = buildWindows(series, spec2, all(16), undefined, 1);
      expect(described(windows, series)).toEqual([
        'a1..a2→a4', 'a2..a3→a5', 'a3..a4→a6', 'a4..a5→a7', 'a5..a6→a8', 'a6..a7→a9', 'a7..a8→-', 'a8..a9→-',
        'b1..b2→b4', 'b2..b3→b5', 'b3..b4→b6', 'b4..b5→b7', 'b5..b6→-', 'b6..b7→-',
      ]);
    });
  });
});
