import * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';

/**
 * The one int64 policy of the product (field case A2): a 64-bit integer becomes a JavaScript number
 * when it is exact (|v| ≤ 2^53−1) and is an error otherwise, so a BigInt never reaches math, JSON or
 * tfjs (which silently drops BigInts).
 */
export function int64ToNumber(value: bigint, column: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FlowbookError(
      'Int64OutOfRange',
      `column \`${column}\` holds ${value}, which is too large to be an exact number (|v| > 2^53−1)`,
      `cast \`${column}\` to a string (e.g. CAST(${column} AS VARCHAR) in SQL) or to a double if approximate values are fine`,
      { column, value: value.toString() },
    );
  }
  return Number(value);
}

/** JSON.stringify that writes exact BigInts as numbers and larger ones as strings, instead of throwing. */
export function stringifyJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    },
    space,
  );
}

/**
 * Turns what a `%%node` cell returns into an Arrow table: an Arrow Table, an array of row objects, or
 * an object of columns (arrays, typed arrays or Arrow vectors). Int64 columns follow the int64 policy;
 * nulls (and undefined) stay nulls (A1).
 */
export function toArrowTable(value: unknown): arrow.Table {
  if (value instanceof arrow.Table) return normalizeInt64Columns(value);
  if (Array.isArray(value)) return tableFromRows(value);
  if (value !== null && typeof value === 'object') return tableFromColumns(value as Record<string, unknown>);
  throw new FlowbookError(
    'NotATable',
    `expected a table, got ${value === null ? 'null' : typeof value}`,
    'return an Arrow Table, an array of row objects, or an object of equal-length columns',
  );
}

/** Replaces Int64/Uint64 columns by Float64 ones under the int64 policy; other columns are kept as they are. */
export function normalizeInt64Columns(table: arrow.Table): arrow.Table {
  const wide = table.schema.fields.filter((f) => arrow.DataType.isInt(f.type) && f.type.bitWidth === 64);
  if (wide.length === 0) return table;
  const columns: Record<string, arrow.Vector> = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name)!;
    columns[field.name] = wide.includes(field) ? int64VectorToFloat64(vector, field.name) : vector;
  }
  return new arrow.Table(columns);
}

function int64VectorToFloat64(vector: arrow.Vector, column: string): arrow.Vector {
  const values: (number | null)[] = new Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v = vector.get(i) as bigint | null;
    values[i] = v === null ? null : int64ToNumber(v, column);
  }
  return arrow.vectorFromArray(values, new arrow.Float64());
}

function tableFromRows(rows: unknown[]): arrow.Table {
  const names: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new FlowbookError('NotATable', `row ${index} is not an object`, 'return an array of objects like [{ a: 1, b: "x" }]', { row: index });
    }
    for (const name of Object.keys(row)) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  });
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((row) => (row as Record<string, unknown>)[name]);
  return tableFromColumns(columns);
}

function tableFromColumns(columns: Record<string, unknown>): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  let length: number | undefined;
  for (const [name, column] of Object.entries(columns)) {
    const vector = toVector(name, column);
    if (length !== undefined && vector.length !== length) {
      throw new FlowbookError(
        'NotATable',
        `column \`${name}\` has ${vector.length} values but the columns before it have ${length}`,
        'give every column the same number of values',
        { column: name },
      );
    }
    length = vector.length;
    vectors[name] = vector;
  }
  return normalizeInt64Columns(new arrow.Table(vectors));
}

function toVector(name: string, column: unknown): arrow.Vector {
  if (column instanceof arrow.Vector) return column;
  if (column instanceof BigInt64Array || column instanceof BigUint64Array) {
    return arrow.vectorFromArray(Array.from(column, (v) => int64ToNumber(v, name)), new arrow.Float64());
  }
  if (ArrayBuffer.isView(column) && !(column instanceof DataView)) return arrow.makeVector(column as Float64Array);
  if (!Array.isArray(column)) {
    throw new FlowbookError('NotATable', `column \`${name}\` is not an array`, 'give each column as an array, a typed array or an Arrow vector', { column: name });
  }
  return arrow.vectorFromArray(column.map((v: unknown) => normalizeCell(v, name)), inferType(name, column));
}

function normalizeCell(value: unknown, column: string): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return int64ToNumber(value, column);
  return value;
}

/** One type per column from all its values; mixing kinds is an error rather than a silent coercion. */
function inferType(name: string, values: unknown[]): arrow.DataType {
  const kinds = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'bigint') kinds.add('number');
    else if (typeof v === 'string') kinds.add('string');
    else if (typeof v === 'boolean') kinds.add('boolean');
    else if (v instanceof Date) kinds.add('date');
    else kinds.add(Array.isArray(v) ? 'array' : typeof v);
  }
  if (kinds.size > 1) {
    throw new FlowbookError(
      'MixedColumnTypes',
      `column \`${name}\` mixes ${[...kinds].join(' and ')} values`,
      `give \`${name}\` one kind of value (e.g. String(v) for every row)`,
      { column: name, kinds: [...kinds] },
    );
  }
  const kind = kinds.values().next().value ?? 'string';
  switch (kind) {
    case 'number':
      return new arrow.Float64();
    case 'boolean':
      return new arrow.Bool();
    case 'date':
      return new arrow.TimestampMillisecond();
    case 'string':
      return new arrow.Utf8();
    default:
      throw new FlowbookError(
        'UnsupportedColumnType',
        `column \`${name}\` holds ${kind} values, which a table column cannot store`,
        'flatten nested values into their own columns or JSON.stringify them',
        { column: name },
      );
  }
}

/**
 * A column as float64 values plus a validity mask (1 = present), for the model layer. Reads each chunk
 * through its own `offset`, `length` and null bitmap (A1, A5): buffer lengths include IPC padding and
 * typed-array fast paths read nulls as 0, so neither is trusted.
 */
export function columnToFloat64(vector: arrow.Vector, column = 'column'): { values: Float64Array; valid: Uint8Array } {
  const values = new Float64Array(vector.length);
  const valid = new Uint8Array(vector.length);
  let position = 0;
  for (const data of vector.data) {
    readChunkAsFloat64(data, column, values, valid, position);
    position += data.length;
  }
  return { values, valid };
}

function readChunkAsFloat64(data: arrow.Data, column: string, values: Float64Array, valid: Uint8Array, start: number): void {
  const type = data.type;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  const isValid = (i: number): boolean =>
    !bitmap || bitmap.length === 0 || ((bitmap[(data.offset + i) >> 3] >> ((data.offset + i) & 7)) & 1) === 1;
  const primitive = (arrow.DataType.isInt(type) && type.bitWidth <= 32) || (arrow.DataType.isFloat(type) && type.precision !== arrow.Precision.HALF);
  if (primitive) {
    // Arrow JS slices value buffers on `slice()` but keeps the bitmap whole and shifts `offset`
    // instead: values are indexed from 0, validity bits from `offset`.
    const raw = data.values as ArrayLike<number>;
    for (let i = 0; i < data.length; i++) {
      if (isValid(i)) {
        values[start + i] = raw[i];
        valid[start + i] = 1;
      }
    }
    return;
  }
  const chunk = arrow.makeVector(data);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(i)) continue;
    const v: unknown = chunk.get(i);
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') values[start + i] = v;
    else if (typeof v === 'bigint') values[start + i] = int64ToNumber(v, column);
    else if (typeof v === 'boolean') values[start + i] = v ? 1 : 0;
    else if (v instanceof Date) values[start + i] = v.getTime();
    else {
      throw new FlowbookError(
        'NonNumericColumn',
        `column \`${column}\` (${String(type)}) cannot be used as numbers (value ${JSON.stringify(String(v))})`,
        'encode text columns as categories, or cast them to numbers in a %%sql node',
        { column, type: String(type) },
      );
    }
    valid[start + i] = 1;
  }
}
