import * as arrow from 'apache-arrow';
import { columnToFloat64, int64ToNumber } from '../data/convert';
import { FlowbookError } from '../errors';

/** How a column can feed a model, decided once from its Arrow type. */
export type ColumnRole = 'numeric' | 'categorical' | 'time' | 'unusable';

export function columnRole(type: arrow.DataType): ColumnRole {
  if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isDecimal(type) || arrow.DataType.isBool(type)) {
    return 'numeric';
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type) || arrow.DataType.isDictionary(type)) return 'categorical';
  if (arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type)) return 'time';
  return 'unusable';
}

/** A column's type in the user's terms, for messages. */
export function describeType(type: arrow.DataType): string {
  switch (columnRole(type)) {
    case 'numeric': return 'numeric';
    case 'categorical': return 'text';
    case 'time': return 'date/time';
    case 'unusable': return String(type);
  }
}

export function requireColumn(table: arrow.Table, name: string, what: string): arrow.Vector {
  const vector = table.getChild(name);
  if (!vector) {
    throw new FlowbookError(
      'UnknownColumn',
      `${what} \`${name}\` is not a column of the input`,
      `use one of: ${table.schema.fields.map((f) => f.name).join(', ')}`,
      { column: name },
    );
  }
  return vector;
}

/**
 * Whether a column holds at least one value. NaN and ±Infinity count as missing, as in readNumbers, so an
 * all-NaN column is as empty as an all-null one (C4: an empty column has nothing to learn or standardize).
 */
export function hasAnyValue(vector: arrow.Vector): boolean {
  for (let i = 0; i < vector.length; i++) {
    const v: unknown = vector.get(i);
    if (v !== null && v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))) return true;
  }
  return false;
}

/** Numbers with a validity mask; NaN counts as missing too, so it meets the missing-value policy (A1). */
export function readNumbers(table: arrow.Table, name: string): { values: Float64Array; valid: Uint8Array } {
  const read = columnToFloat64(requireColumn(table, name, 'column'), name);
  for (let i = 0; i < read.values.length; i++) if (read.valid[i] && !Number.isFinite(read.values[i])) read.valid[i] = 0;
  return read;
}

/** A column's values as labels (text, finite numbers or booleans), null where missing; never a BigInt (A2). */
export function readLabels(table: arrow.Table, name: string): (string | number | boolean | null)[] {
  const vector = requireColumn(table, name, 'column');
  const out: (string | number | boolean | null)[] = new Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v: unknown = vector.get(i);
    if (v === null || v === undefined) out[i] = null;
    else if (typeof v === 'bigint') out[i] = int64ToNumber(v, name);
    else if (typeof v === 'number') out[i] = Number.isFinite(v) ? v : null;
    else if (typeof v === 'boolean') out[i] = v;
    else out[i] = String(v);
  }
  return out;
}

/** A categorical column's values as text keys, null where missing. */
export function readCategories(table: arrow.Table, name: string): (string | null)[] {
  return readLabels(table, name).map((v) => (v === null ? null : String(v)));
}
