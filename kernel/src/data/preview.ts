import * as arrow from 'apache-arrow';
import { stringifyJson } from './convert';

/** The mime bundle of a table preview (structurally a runtime MimeBundle; data does not import runtime). */
export interface TablePreview {
  'text/html': string;
  'text/plain': string;
}

const DEFAULT_MAX_ROWS = 10;
const MAX_CELL_CHARS = 80;

/**
 * A table as the user sees it in a cell: its schema with logical types, its row count and its first
 * rows. Every name and value is HTML-escaped; nulls read as `null`; BigInts and dates print as text.
 */
export function renderTablePreview(table: arrow.Table, options: { maxRows?: number; totalRows?: number } = {}): TablePreview {
  const maxRows = Math.max(0, options.maxRows ?? DEFAULT_MAX_ROWS);
  // `totalRows`: the row count of the whole table when `table` holds only its first rows (read from a stored file).
  const totalRows = options.totalRows ?? table.numRows;
  const fields = table.schema.fields;
  const shown = Math.min(maxRows, table.numRows);
  const columns = fields.map((f) => table.getChild(f.name)!);
  const rows: (string | null)[][] = [];
  for (let r = 0; r < shown; r++) rows.push(columns.map((c) => formatCell(c.get(r), c.type)));
  const types = fields.map((f) => logicalTypeName(f.type));
  const summary = `${totalRows.toLocaleString('en-US')} row${totalRows === 1 ? '' : 's'} × ${fields.length} column${fields.length === 1 ? '' : 's'}`;
  const more = totalRows > shown ? `first ${shown} of ${totalRows.toLocaleString('en-US')} rows` : '';
  return {
    'text/html': renderHtml(fields, types, rows, summary, more),
    'text/plain': renderText(fields, types, rows, summary, more),
  };
}

/** A short, user-facing name of an Arrow type: int32, float64, string, date, timestamp[ms, UTC], … */
export function logicalTypeName(type: arrow.DataType): string {
  if (arrow.DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (arrow.DataType.isFloat(type)) return ['float16', 'float32', 'float64'][type.precision];
  if (arrow.DataType.isBool(type)) return 'bool';
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return 'string';
  if (arrow.DataType.isDate(type)) return 'date';
  if (arrow.DataType.isTimestamp(type)) {
    const unit = ['s', 'ms', 'us', 'ns'][type.unit];
    return type.timezone ? `timestamp[${unit}, ${type.timezone}]` : `timestamp[${unit}]`;
  }
  if (arrow.DataType.isDictionary(type)) return `dictionary<${logicalTypeName(type.dictionary)}>`;
  if (arrow.DataType.isDecimal(type)) return `decimal(${type.precision}, ${type.scale})`;
  if (arrow.DataType.isNull(type)) return 'null';
  return String(type).toLowerCase();
}

function formatCell(value: unknown, type: arrow.DataType): string | null {
  if (value === null || value === undefined) return null;
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number' && arrow.DataType.isDate(type)) text = new Date(value).toISOString().slice(0, 10);
  else if (typeof value === 'number' && arrow.DataType.isTimestamp(type)) text = new Date(value).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = formatNumber(value);
  else if (typeof value === 'boolean') text = String(value);
  else if (value instanceof Uint8Array) text = `<${value.length} bytes>`;
  else text = stringifyJson(typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value);
  const chars = Array.from(text);
  return chars.length > MAX_CELL_CHARS ? `${chars.slice(0, MAX_CELL_CHARS - 1).join('')}…` : text;
}

/**
 * A preview's number: a fraction to six significant digits (13.254557978138667 reads 13.2546), never
 * dropping a digit before the point; whole numbers as they are. The stored table keeps every digit.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const integerDigits = Math.abs(value) >= 1 ? Math.floor(Math.log10(Math.abs(value))) + 1 : 0;
  return String(Number(value.toPrecision(Math.min(17, Math.max(6, integerDigits)))));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function renderHtml(fields: arrow.Field[], types: string[], rows: (string | null)[][], summary: string, more: string): string {
  const head = fields
    .map((f, i) => `<th title="${escapeHtml(types[i])}">${escapeHtml(f.name)}<br><span style="font-weight:normal;opacity:0.6">${escapeHtml(types[i])}</span></th>`)
    .join('');
  const body = rows
    .map((row) => `<tr>${row.map((v) => (v === null ? '<td style="opacity:0.5"><i>null</i></td>' : `<td>${escapeHtml(v)}</td>`)).join('')}</tr>`)
    .join('');
  const caption = escapeHtml(more ? `${summary} (${more})` : summary);
  return `<div class="flowbook-table"><table><caption style="text-align:left">${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function renderText(fields: arrow.Field[], types: string[], rows: (string | null)[][], summary: string, more: string): string {
  const grid = [fields.map((f) => f.name), types, ...rows.map((row) => row.map((v) => (v === null ? 'null' : v.replace(/\r?\n|\r/g, '⏎'))))];
  const widths = fields.map((_, c) => Math.max(...grid.map((line) => displayWidth(line[c]))));
  const lines = grid.map((line) => line.map((v, c) => v + ' '.repeat(widths[c] - displayWidth(v))).join('  ').trimEnd());
  return [more ? `${summary} (${more})` : summary, ...lines].join('\n');
}

/** Columns a text takes in a monospace font: CJK and other East Asian wide characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const c = char.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}
