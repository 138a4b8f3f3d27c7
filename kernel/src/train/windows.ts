import type * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import { columnRole, readCategories, readNumbers, requireColumn } from './columns';

/** How rows become LSTM inputs of shape [samples, timesteps, features] (T4); saved with the model. */
export interface WindowSpec {
  size: number;
  horizon: number;
  stride: number;
  order?: string;
  group?: string;
}

/** Table row indices in series order: each series is a contiguous run, sorted by the order column. */
export interface Series {
  rows: Int32Array;
  /** Start offset of each series in `rows`, plus `rows.length` at the end. */
  bounds: number[];
}

export function seriesOf(table: arrow.Table, spec: WindowSpec): Series {
  const n = table.numRows;
  const groupKeys = spec.group ? readCategories(table, spec.group) : undefined;
  const orderKeys = spec.order ? orderValues(table, spec.order) : undefined;
  const rows = Array.from({ length: n }, (_, i) => i);
  const firstSeen = new Map<string, number>();
  if (groupKeys) groupKeys.forEach((g, i) => { if (!firstSeen.has(String(g))) firstSeen.set(String(g), i); });
  rows.sort((a, b) => {
    if (groupKeys) {
      const ga = firstSeen.get(String(groupKeys[a]))!, gb = firstSeen.get(String(groupKeys[b]))!;
      if (ga !== gb) return ga - gb;
    }
    if (orderKeys) {
      const oa = orderKeys[a], ob = orderKeys[b];
      if (oa < ob) return -1;
      if (oa > ob) return 1;
    }
    return a - b;
  });
  const bounds = [0];
  for (let i = 1; i < n; i++) {
    if (groupKeys && String(groupKeys[rows[i]]) !== String(groupKeys[rows[i - 1]])) bounds.push(i);
  }
  bounds.push(n);
  return { rows: Int32Array.from(rows), bounds };
}

function orderValues(table: arrow.Table, name: string): (number | string)[] {
  const role = columnRole(requireColumn(table, name, 'order column').type);
  const values: (number | string | null)[] = role === 'categorical'
    ? readCategories(table, name)
    : (() => { const { values: v, valid } = readNumbers(table, name); return Array.from(v, (x, i) => (valid[i] ? x : null)); })();
  const gap = values.indexOf(null);
  if (gap >= 0) {
    throw new FlowbookError(
      'MissingOrder',
      `order column \`${name}\` is missing in row ${gap + 1}`,
      'fill or filter the order column upstream; rows without a position cannot be windowed',
      { column: name, row: gap + 1 },
    );
  }
  return values as (number | string)[];
}

/** A window: its rows are `series.rows[start .. start+size)`; its target row is `horizon` rows after the last. */
export interface Windows {
  /** Offsets into `series.rows` of each window's first row. */
  starts: Int32Array;
  /** Table row of each window's target (training) or −1 when beyond the series (prediction). */
  targetRows: Int32Array;
  /** Table row of each window's last row: where its forecast is reported. */
  lastRows: Int32Array;
}

/**
 * Every window of `spec.size` consecutive rows inside one series whose rows are all `usable`.
 * For training (`targetUsable` given), the target row must exist in the same series and have a target.
 */
export function buildWindows(series: Series, spec: WindowSpec, usable: Uint8Array, targetUsable?: Uint8Array, stride = spec.stride): Windows {
  const needTarget = targetUsable !== undefined;
  checkLongEnough(series, spec, needTarget);
  const starts: number[] = [], targets: number[] = [], lasts: number[] = [];
  for (let s = 0; s + 1 < series.bounds.length; s++) {
    const from = series.bounds[s], to = series.bounds[s + 1];
    for (let start = from; start + spec.size <= to; start += stride) {
      const last = start + spec.size - 1;
      const targetAt = last + spec.horizon;
      const hasTarget = targetAt < to;
      if (targetUsable && (!hasTarget || !targetUsable[series.rows[targetAt]])) continue;
      let ok = true;
      for (let i = start; i <= last && ok; i++) ok = usable[series.rows[i]] === 1;
      if (!ok) continue;
      starts.push(start);
      lasts.push(series.rows[last]);
      targets.push(hasTarget ? series.rows[targetAt] : -1);
    }
  }
  return { starts: Int32Array.from(starts), targetRows: Int32Array.from(targets), lastRows: Int32Array.from(lasts) };
}

function checkLongEnough(series: Series, spec: WindowSpec, needTarget: boolean): void {
  let longest = 0;
  for (let s = 0; s + 1 < series.bounds.length; s++) longest = Math.max(longest, series.bounds[s + 1] - series.bounds[s]);
  const where = spec.group ? ` (longest series in \`${spec.group}\`)` : '';
  if (longest < spec.size) {
    throw new FlowbookError(
      'TooFewRowsForWindow',
      `need at least ${spec.size} rows per window, got ${longest}${where}`,
      `lower \`window\` to at most ${Math.max(1, longest)}, or give the node more rows`,
      { window: spec.size, rows: longest },
    );
  }
  if (needTarget && longest < spec.size + spec.horizon) {
    throw new FlowbookError(
      'TooFewRowsForWindow',
      `need at least ${spec.size + spec.horizon} rows per series for a window of ${spec.size} and a horizon of ${spec.horizon}, got ${longest}${where}`,
      'lower `window` or `horizon`, or give the node more rows',
      { window: spec.size, horizon: spec.horizon, rows: longest },
    );
  }
}

/** Copies the windows' rows out of the encoded row matrix into [samples, timesteps, features] order. */
export function gatherWindows(matrix: Float32Array, width: number, series: Series, windows: Windows, size: number, pick?: ArrayLike<number>): Float32Array {
  const chosen = pick ?? Int32Array.from({ length: windows.starts.length }, (_, i) => i);
  const out = new Float32Array(chosen.length * size * width);
  for (let k = 0; k < chosen.length; k++) {
    const start = windows.starts[chosen[k]];
    for (let t = 0; t < size; t++) {
      const row = series.rows[start + t];
      out.set(matrix.subarray(row * width, (row + 1) * width), (k * size + t) * width);
    }
  }
  return out;
}
