import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as arrow from 'apache-arrow';
import { toArrowTable } from '../../src/data/convert';

/** Real public data (copies from vega-datasets in examples/data, sources named there), as Arrow tables. */
const DATA = path.resolve(__dirname, '../../../examples/data');

export function loadJson(name: string): arrow.Table {
  return toArrowTable(JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8')) as unknown[]);
}

/** seattle-weather.csv has no quoted fields: a plain split reads it faithfully. */
export function loadSeattleWeather(): arrow.Table {
  const [header, ...lines] = fs.readFileSync(path.join(DATA, 'seattle-weather.csv'), 'utf8').trim().split('\n');
  const names = header.split(',');
  const rows = lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, i) => [name, name === 'date' || name === 'weather' ? cells[i] : Number(cells[i])]));
  });
  return toArrowTable(rows);
}

/** Rows of `table` picked by index, as a new table (a held-out split for tests). */
export function pickRows(table: arrow.Table, keep: (row: number) => boolean): arrow.Table {
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < table.numRows; r++) if (keep(r)) rows.push(table.get(r)!.toJSON() as Record<string, unknown>);
  return toArrowTable(rows);
}
