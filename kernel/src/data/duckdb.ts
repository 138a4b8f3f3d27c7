import * as arrow from 'apache-arrow';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBResult,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBType,
  DuckDBTypeId,
  DuckDBValue,
  FLOAT,
  INTEGER,
  TIMESTAMP,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { FlowbookError } from '../errors';
import { int64ToNumber } from './convert';
import { readArrowWindow } from './arrow-values';
import { ColumnBuilder, ColumnKind } from './column-builder';
import { uniqueColumnNames } from './csv/header';
import { decodeDictionaries } from './dictionary';

/** DuckDB's vector size: appending whole chunks of it is the fastest way in through the node API. */
const CHUNK_ROWS = 2048;
const MS_PER_DAY = 86_400_000;

/**
 * Runs `work` on a private in-memory DuckDB, closed afterwards. One database per call keeps table
 * names of concurrent nodes apart and frees their memory at once.
 */
export async function withDuckDB<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Creates table `name` holding `table`. Values go in through DuckDB data chunks and its appender;
 * dictionary columns are decoded first (A4), Int64 columns are appended as BIGINT as they are.
 */
export async function loadArrowTable(connection: DuckDBConnection, name: string, table: arrow.Table): Promise<void> {
  const plain = decodeDictionaries(table);
  const fields = plain.schema.fields;
  const columns = fields.map((f) => ({ name: f.name, ...duckTypeOf(f) }));
  const ddl = columns.map((c) => `${quoteIdentifier(c.name)} ${c.sql}`).join(', ');
  await connection.run(`CREATE TABLE ${quoteIdentifier(name)} (${ddl})`);
  if (plain.numRows === 0) return;
  const appender = await connection.createAppender(name);
  const sources = fields.map((f) => plain.getChild(f.name)!);
  const window: unknown[] = new Array(CHUNK_ROWS);
  for (let start = 0; start < plain.numRows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, plain.numRows - start);
    const chunk = DuckDBDataChunk.create(columns.map((c) => c.type), count);
    columns.forEach((column, c) => {
      const vector = chunk.getColumnVector(c);
      const toDuck = column.toDuck;
      readArrowWindow(sources[c], start, count, window);
      for (let i = 0; i < count; i++) vector.setItem(i, toDuck(window[i]));
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
}

interface DuckColumn {
  type: DuckDBType;
  sql: string;
  toDuck: (value: unknown) => DuckDBValue;
}

function duckTypeOf(field: arrow.Field): DuckColumn {
  const t = field.type;
  const same = (v: unknown) => (v ?? null) as DuckDBValue;
  if (arrow.DataType.isBool(t)) return { type: BOOLEAN, sql: 'BOOLEAN', toDuck: same };
  if (arrow.DataType.isInt(t)) {
    if (t.bitWidth === 64) return { type: BIGINT, sql: 'BIGINT', toDuck: (v) => (v === null || v === undefined ? null : BigInt(v as bigint)) };
    if (t.bitWidth === 32 && !t.isSigned) return { type: BIGINT, sql: 'BIGINT', toDuck: (v) => (v === null || v === undefined ? null : BigInt(v as number)) };
    return { type: INTEGER, sql: 'INTEGER', toDuck: same };
  }
  if (arrow.DataType.isFloat(t)) {
    return t.precision === arrow.Precision.DOUBLE ? { type: DOUBLE, sql: 'DOUBLE', toDuck: same } : { type: FLOAT, sql: 'FLOAT', toDuck: same };
  }
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t)) return { type: VARCHAR, sql: 'VARCHAR', toDuck: same };
  if (arrow.DataType.isDate(t)) {
    return { type: DATE, sql: 'DATE', toDuck: (v) => (v === null || v === undefined ? null : new DuckDBDateValue(Math.floor(toMillis(v) / MS_PER_DAY))) };
  }
  if (arrow.DataType.isTimestamp(t)) {
    const micros = (v: unknown) => BigInt(Math.round(toMillis(v) * 1000));
    return t.timezone
      ? { type: TIMESTAMPTZ, sql: 'TIMESTAMPTZ', toDuck: (v) => (v === null || v === undefined ? null : new DuckDBTimestampTZValue(micros(v))) }
      : { type: TIMESTAMP, sql: 'TIMESTAMP', toDuck: (v) => (v === null || v === undefined ? null : new DuckDBTimestampValue(micros(v))) };
  }
  throw new FlowbookError(
    'UnsupportedColumnType',
    `column \`${field.name}\` has type ${String(t)}, which cannot be stored as a table column yet`,
    'convert it to numbers, strings, booleans or dates first (e.g. in a %%node cell)',
    { column: field.name, type: String(t) },
  );
}

function toMillis(value: unknown): number {
  return value instanceof Date ? value.getTime() : Number(value);
}

/**
 * Reads a whole DuckDB result into an Arrow table with one type per column. 64-bit integers follow
 * the int64 policy (exact numbers, else an error naming the column and value), decimals become float64.
 */
export async function resultToArrow(result: DuckDBResult): Promise<arrow.Table> {
  // SQL allows repeated output names (`SELECT a.x, b.x`); a table keeps each column under its own name.
  const names = uniqueColumnNames(result.columnNames()).names;
  const readers = result.columnTypes().map((type, c) => arrowReaderFor(type, names[c]));
  const builders = readers.map((reader) => new ColumnBuilder(reader.kind));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let c = 0; c < names.length; c++) {
      const vector = chunk.getColumnVector(c);
      const builder = builders[c];
      const append = readers[c].append;
      const count = vector.itemCount;
      for (let i = 0; i < count; i++) {
        const value = vector.getItem(i);
        if (value === null) builder.appendNull();
        else append(builder, value);
      }
    }
  }
  const vectors: Record<string, arrow.Vector> = {};
  names.forEach((name, c) => {
    vectors[name] = arrow.makeVector(builders[c].finish());
  });
  return new arrow.Table(vectors);
}

interface ArrowReader {
  kind: ColumnKind;
  append: (builder: ColumnBuilder, value: DuckDBValue) => void;
}

function arrowReaderFor(type: DuckDBType, column: string): ArrowReader {
  const number = (builder: ColumnBuilder, v: DuckDBValue) => builder.appendNumber(v as number);
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { kind: 'bool', append: (builder, v) => builder.appendBool(v as boolean) };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return { kind: 'int32', append: number };
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.DOUBLE:
      return { kind: 'float64', append: number };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { kind: 'float64', append: (builder, v) => builder.appendNumber(int64ToNumber(v as bigint, column)) };
    case DuckDBTypeId.FLOAT:
      return { kind: 'float32', append: number };
    case DuckDBTypeId.DECIMAL:
      return { kind: 'float64', append: (builder, v) => builder.appendNumber((v as DuckDBDecimalValue).toDouble()) };
    case DuckDBTypeId.VARCHAR:
      return { kind: 'utf8', append: (builder, v) => builder.appendString(v as string) };
    case DuckDBTypeId.DATE:
      return { kind: 'date', append: (builder, v) => builder.appendNumber((v as DuckDBDateValue).days) };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { kind: 'timestamp', append: (builder, v) => builder.appendNumber(timestampMillis(v, type.typeId)) };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { kind: 'timestamptz', append: (builder, v) => builder.appendNumber(Number((v as DuckDBTimestampTZValue).micros / 1000n)) };
    default:
      // Rare types (intervals, lists, structs, UUIDs, …) keep their DuckDB text form rather than being dropped.
      return { kind: 'utf8', append: (builder, v) => builder.appendString(String(v)) };
  }
}

function timestampMillis(value: DuckDBValue, typeId: DuckDBTypeId): number {
  const v = value as unknown as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint };
  if (typeId === DuckDBTypeId.TIMESTAMP_S) return Number(v.seconds!) * 1000;
  if (typeId === DuckDBTypeId.TIMESTAMP_MS) return Number(v.millis!);
  if (typeId === DuckDBTypeId.TIMESTAMP_NS) return Number(v.nanos! / 1_000_000n);
  return Number(v.micros! / 1000n);
}

/** Runs a query and reads its result as Arrow. */
export async function queryArrow(connection: DuckDBConnection, sql: string): Promise<arrow.Table> {
  return resultToArrow(await connection.run(sql));
}
