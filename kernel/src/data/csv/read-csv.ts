import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { DuckDBConnection } from '@duckdb/node-api';
import { FlowbookError } from '../../errors';
import { queryArrow, quoteLiteral, withDuckDB } from '../duckdb';
import { detectDialect } from './dialect';
import { decodeText } from './encoding';
import { uniqueColumnNames } from './header';
import { ColumnScan, CsvDialect, CsvScan, scanCsv } from './scan';
import { ColumnType, columnTypeOf, ZONED } from './value-kinds';

export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'null', 'NaN', '-'];

export interface CsvReadOptions {
  encoding?: string;
  delimiter?: string;
  quote?: string;
  header?: boolean;
  missing?: readonly string[];
  types?: Readonly<Record<string, ColumnType>>;
}

const DUCKDB_TYPES: Record<ColumnType, string> = {
  bool: 'BOOLEAN',
  int32: 'INTEGER',
  int: 'BIGINT',
  float: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  string: 'VARCHAR',
};

/** Reads CSV files (one table; part files share the header) into Arrow, every row kept. */
export async function readCsv(files: readonly string[], options: CsvReadOptions): Promise<{ table: arrow.Table; warnings: string[] }> {
  return withPreparedCsv(files, options, async (connection, plan) => {
    const table = await queryArrow(connection, `SELECT * FROM ${plan.readExpression}`);
    checkRowCount(plan, table.numRows);
    return { table, warnings: plan.warnings };
  });
}

/** Reads CSV files straight into a Parquet file inside DuckDB (no trip through JavaScript values): the fast path for storing a source. */
export async function csvToParquet(files: readonly string[], options: CsvReadOptions, outputFile: string): Promise<{ rows: number; warnings: string[] }> {
  return withPreparedCsv(files, options, async (connection, plan) => {
    const result = await connection.runAndReadAll(`COPY (SELECT * FROM ${plan.readExpression}) TO ${quoteLiteral(outputFile)} (FORMAT parquet)`);
    const rows = Number(result.getRows()[0]?.[0] ?? 0);
    checkRowCount(plan, rows);
    return { rows, warnings: plan.warnings };
  });
}

interface CsvPlan {
  /** A `read_csv(...)` call with the dialect, names and whole-column types decided here. */
  readExpression: string;
  expectedRows: number;
  warnings: string[];
  label: string;
}

async function withPreparedCsv<T>(files: readonly string[], options: CsvReadOptions, work: (connection: DuckDBConnection, plan: CsvPlan) => Promise<T>): Promise<T> {
  let scratch: string | undefined;
  const scratchDir = async () => (scratch ??= await mkdtemp(join(tmpdir(), 'flowbook-csv-')));
  try {
    const plan = await planCsv(files, options, scratchDir);
    return await withDuckDB(async (connection) => {
      await connection.run("SET TimeZone = 'UTC'");
      try {
        return await work(connection, plan);
      } catch (error) {
        if (error instanceof FlowbookError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new FlowbookError('CsvReadError', `${plan.label}: ${message.split('\n').slice(0, 3).join(' ')}`, 'check the file near that line, or set `types:` for the column', { duckdb: message });
      }
    });
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

function checkRowCount(plan: CsvPlan, rows: number): void {
  if (rows !== plan.expectedRows) {
    throw new FlowbookError('CsvRowCountMismatch', `${plan.label}: read ${rows} rows but the file has ${plan.expectedRows}`, 'report this file: rows in must equal rows out', { rows, expected: plan.expectedRows });
  }
}

async function planCsv(files: readonly string[], options: CsvReadOptions, scratchDir: () => Promise<string>): Promise<CsvPlan> {
  const missing = options.missing ?? DEFAULT_MISSING_TOKENS;
  const missingBytes = missing.map((token) => Buffer.from(token, 'utf8'));
  const label = files.length === 1 ? files[0] : `${files.length} CSV part files in ${join(files[0], '..')}`;
  const warnings: string[] = [];
  const readPaths: string[] = [];
  let dialect: CsvDialect | undefined;
  let first: CsvScan | undefined;
  const firstRecordKinds: number[][] = [];
  let columns: ColumnScan[] = [];
  let rows = 0;
  let shortRecords = false;
  let quotedNewlines = false;
  for (const file of files) {
    const decoded = decodeText(await readFile(file), options.encoding, file);
    if (decoded.transcoded && decoded.encoding !== 'utf-8' && !options.encoding) warnings.push(`${file} is not UTF-8; read it as ${decoded.encoding.toUpperCase()}`);
    const text = decoded.utf8;
    dialect ??= detectDialect(text, 0, { delimiter: options.delimiter, quote: options.quote, tabByDefault: /\.tsv$/i.test(file) });
    const scan = scanCsv(text, 0, dialect, missingBytes);
    if (scan.unterminatedQuoteLine !== undefined) {
      throw new FlowbookError('CsvQuoteError', `${file}: the quoted field starting on line ${scan.unterminatedQuoteLine} never closes`, 'close the quote, or set `quote:` if that character is not a quote here', { file, line: scan.unterminatedQuoteLine });
    }
    if (scan.longRecord) {
      throw new FlowbookError(
        'CsvWidthError',
        `${file}: line ${scan.longRecord.line} has ${scan.longRecord.fields} fields but the first line has ${scan.firstRecord.length}`,
        'quote fields that contain the delimiter, or set `delimiter:`',
        { file, line: scan.longRecord.line },
      );
    }
    if (first && scan.firstRecord.length !== first.firstRecord.length) {
      throw new FlowbookError('CsvPartMismatch', `${file} has ${scan.firstRecord.length} columns but ${files[0]} has ${first.firstRecord.length}`, 'give every part file the same columns', { file });
    }
    if (!first) {
      first = scan;
      columns = scan.columns.map((c) => ({ ...c }));
    } else {
      mergeColumns(columns, scan.columns);
    }
    rows += scan.records;
    firstRecordKinds.push(scan.firstRecordKinds);
    shortRecords ||= scan.shortRecords > 0;
    quotedNewlines ||= scan.quotedNewlines;
    const kindsOfEnds = [scan.newlines.crlf, scan.newlines.lf, scan.newlines.cr].filter((n) => n > 0).length;
    if (decoded.transcoded || kindsOfEnds > 1 || scan.newlines.cr > 0) {
      // DuckDB reads only UTF-8 and one kind of line ending per file: hand it a clean copy.
      const copy = join(await scratchDir(), `part-${readPaths.length}.csv`);
      await writeFile(copy, kindsOfEnds > 1 || scan.newlines.cr > 0 ? normalizeRecordEnds(text, dialect.quote) : text);
      readPaths.push(copy);
    } else {
      readPaths.push(file);
    }
  }
  if (!first || !dialect) throw new FlowbookError('EmptySource', 'no CSV files to read', 'point the source at a CSV file or a folder of them');
  if (first.firstRecord.length === 0) throw new FlowbookError('EmptySource', `${label} is empty`, 'check the file');

  const header = options.header ?? looksLikeHeader(first.firstRecordKinds, columns);
  let names: string[];
  if (header) {
    const unique = uniqueColumnNames(first.firstRecord);
    names = unique.names;
    warnings.push(...unique.warnings);
  } else {
    names = first.firstRecord.map((_, i) => `column_${i + 1}`);
    // Without a header, every file's first record is data too.
    for (const kindsOfRecord of firstRecordKinds) {
      kindsOfRecord.forEach((kinds, c) => {
        if (kinds === -1) return;
        columns[c].kinds = columns[c].hasValue ? columns[c].kinds & kinds : kinds;
        columns[c].hasValue = true;
        if (kinds & ZONED) columns[c].zoned = true;
      });
      rows += 1;
    }
  }

  const types = names.map((name, c) => {
    const given = options.types?.[name];
    if (given) return given;
    if (!columns[c].hasValue) {
      warnings.push(`column \`${name}\` is empty in every row; it is kept as an all-null string column and is not a usable feature`);
      return 'string';
    }
    return columnTypeOf(columns[c].kinds, columns[c].zoned);
  });

  const columnSpec = names.map((name, c) => `${quoteLiteral(name)}: ${quoteLiteral(DUCKDB_TYPES[types[c]])}`).join(', ');
  const quote = String.fromCharCode(dialect.quote);
  const settings = [
    `delim=${quoteLiteral(String.fromCharCode(dialect.delimiter))}`,
    `quote=${quoteLiteral(quote)}`,
    `escape=${quoteLiteral(quote)}`,
    `header=${header}`,
    `columns={${columnSpec}}`,
    'auto_detect=false',
    `nullstr=[${missing.map(quoteLiteral).join(', ')}]`,
    `null_padding=${shortRecords}`,
    // DuckDB's parallel scanner cannot pad short rows when quoted fields span lines.
    `parallel=${!(shortRecords && quotedNewlines)}`,
  ];
  const readExpression = `read_csv([${readPaths.map(quoteLiteral).join(', ')}], ${settings.join(', ')})`;
  return { readExpression, expectedRows: rows, warnings, label };
}

function mergeColumns(into: ColumnScan[], from: readonly ColumnScan[]): void {
  from.forEach((column, c) => {
    if (!column.hasValue) return;
    into[c].kinds = into[c].hasValue ? into[c].kinds & column.kinds : column.kinds;
    into[c].hasValue = true;
    into[c].zoned ||= column.zoned;
  });
}

/**
 * The first record is data, not a header, when its values fit the types the columns have without it
 * (e.g. numbers over numbers) and none contradicts them. An all-text file is taken to have a header.
 */
function looksLikeHeader(firstKinds: readonly number[], columns: readonly ColumnScan[]): boolean {
  let fitsTypedColumn = false;
  for (let c = 0; c < firstKinds.length; c++) {
    const column = columns[c];
    if (!column.hasValue || column.kinds === 0 || firstKinds[c] === -1) continue;
    if ((firstKinds[c] & column.kinds) === 0) return true;
    fitsTypedColumn = true;
  }
  return !fitsTypedColumn;
}

/** Rewrites record ends outside quotes (CRLF, CR) as LF; line breaks inside quoted fields stay as written. */
function normalizeRecordEnds(text: Buffer, quote: number): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let length = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const b = text[i];
    if (b === quote) quoted = !quoted;
    if (b === 0x0d && !quoted) {
      out[length++] = 0x0a;
      if (text[i + 1] === 0x0a) i++;
      continue;
    }
    out[length++] = b;
  }
  return out.subarray(0, length);
}
