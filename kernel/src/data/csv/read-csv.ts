import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { DuckDBConnection } from '@duckdb/node-api';
import { FlowbookError } from '../../errors';
import { queryArrow, quoteLiteral, withDuckDB } from '../duckdb';
import { detectDialect } from './dialect';
import { DecodedText, decodeText } from './encoding';
import { uniqueColumnNames } from './header';
import { ColumnScan, CsvDialect, CsvScan, CsvScanner, scanCsv } from './scan';
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

const DUCKDB_MAX_LINE_SIZE = 2_000_000;

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
  const { value: table, warnings } = await withPreparedCsv(files, options, async (connection, readExpression) => {
    const table = await queryArrow(connection, `SELECT * FROM ${readExpression}`);
    return { rows: table.numRows, value: table };
  });
  return { table, warnings };
}

/** Reads CSV files straight into a Parquet file inside DuckDB (no trip through JavaScript values): the fast path for storing a source. */
export async function csvToParquet(files: readonly string[], options: CsvReadOptions, outputFile: string): Promise<{ rows: number; warnings: string[] }> {
  const { value: rows, warnings } = await withPreparedCsv(files, options, async (connection, readExpression) => {
    const result = await connection.runAndReadAll(`COPY (SELECT * FROM ${readExpression}) TO ${quoteLiteral(outputFile)} (FORMAT parquet)`);
    const rows = Number(result.getRows()[0]?.[0] ?? 0);
    return { rows, value: rows };
  });
  return { rows, warnings };
}

interface CsvPlan {
  /** A `read_csv(...)` call with the dialect, names and whole-column types decided here. */
  readExpression: string;
  expectedRows: number;
  warnings: string[];
  label: string;
}

/** What DuckDB's read of the files yields: its row count, checked against the scan, and the value itself. */
type CsvWork<T> = (connection: DuckDBConnection, readExpression: string) => Promise<{ rows: number; value: T }>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Plans the read over every byte of every file, then lets DuckDB read them with that plan. DuckDB
 * does not wait for the whole-file scan: it starts at once on the plan the first piece of the first
 * file suggests, and that read is kept only when the full scan arrives at the very same plan (types,
 * header, dialect, files); otherwise it is stopped and done again with the full plan. Either way the
 * result is what the full plan reads.
 */
async function withPreparedCsv<T>(files: readonly string[], options: CsvReadOptions, work: CsvWork<T>): Promise<{ value: T; warnings: string[] }> {
  let scratch: string | undefined;
  const scratchDir = async () => (scratch ??= await mkdtemp(join(tmpdir(), 'flowbook-csv-')));
  try {
    return await withDuckDB(async (connection) => {
      await connection.run("SET TimeZone = 'UTC'");
      const head: { guess?: CsvPlan; early?: Promise<Settled<{ rows: number; value: T }>> } = {};
      const startOnGuess = (guess: CsvPlan) => {
        head.guess = guess;
        head.early = settle(work(connection, guess.readExpression));
      };
      let plan: CsvPlan;
      try {
        plan = await planCsv(files, options, scratchDir, startOnGuess);
      } catch (error) {
        if (head.early) await stop(connection, head.early);
        throw error;
      }
      let outcome: Settled<{ rows: number; value: T }>;
      if (head.early && head.guess?.readExpression === plan.readExpression) {
        outcome = await head.early;
      } else {
        if (head.early) await stop(connection, head.early);
        outcome = await settle(work(connection, plan.readExpression));
      }
      if (!outcome.ok) throw asCsvReadError(outcome.error, plan.label);
      checkRowCount(plan, outcome.value.rows);
      return { value: outcome.value.value, warnings: plan.warnings };
    });
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Stops a read whose plan turned out wrong, and waits until DuckDB has let go of it. */
async function stop(connection: DuckDBConnection, running: Promise<unknown>): Promise<void> {
  connection.interrupt();
  await running;
}

function asCsvReadError(error: unknown, label: string): FlowbookError {
  if (error instanceof FlowbookError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB quotes the offending line whole; a few hundred characters of it are enough to find it.
  const firstLines = message
    .split('\n')
    .slice(0, 3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));
  return new FlowbookError('CsvReadError', `${label}: ${firstLines.join(' ')}`, 'check the file near that line, or set `types:` for the column', { duckdb: message });
}

function checkRowCount(plan: CsvPlan, rows: number): void {
  if (rows !== plan.expectedRows) {
    throw new FlowbookError('CsvRowCountMismatch', `${plan.label}: read ${rows} rows but the file has ${plan.expectedRows}`, 'report this file: rows in must equal rows out', { rows, expected: plan.expectedRows });
  }
}

/** What scanning the files found, the input of a plan. */
interface CsvFacts {
  dialect: CsvDialect;
  first: CsvScan;
  columns: ColumnScan[];
  /** Each file's first-record kinds: data too when there is no header. */
  firstRecordKinds: number[][];
  rows: number;
  shortRecords: boolean;
  longestRecord: number;
  quotedNewlines: boolean;
  readPaths: string[];
  warnings: string[];
}

/** One file scanned; `decoded` when it had to be read whole (not UTF-8, or UTF-8 that is not valid). */
interface FileScan {
  scan: CsvScan;
  dialect: CsvDialect;
  decoded?: DecodedText;
}

/**
 * Bytes read and scanned at a time from a UTF-8 file: memory stays flat whatever the file's size,
 * and the first piece of the first file is what DuckDB's early start is planned on.
 */
const PIECE_BYTES = 1 << 20;

async function planCsv(files: readonly string[], options: CsvReadOptions, scratchDir: () => Promise<string>, onGuess: (guess: CsvPlan) => void): Promise<CsvPlan> {
  const missingBytes = (options.missing ?? DEFAULT_MISSING_TOKENS).map((token) => Buffer.from(token, 'utf8'));
  const warnings: string[] = [];
  const readPaths: string[] = [];
  let dialect: CsvDialect | undefined;
  const dialectFor = (head: Uint8Array): CsvDialect => (dialect ??= detectDialect(head, 0, { delimiter: options.delimiter, quote: options.quote, tabByDefault: /\.tsv$/i.test(files[0]) }));
  const guessFrom = (scan: CsvScan, dialect: CsvDialect) => {
    if (scan.firstRecord.length === 0 || scan.longRecord || scan.unterminatedQuoteLine !== undefined) return;
    const facts: CsvFacts = {
      dialect,
      first: scan,
      columns: scan.columns.map((c) => ({ ...c })),
      firstRecordKinds: [scan.firstRecordKinds],
      rows: scan.records,
      shortRecords: scan.shortRecords > 0,
      longestRecord: scan.longestRecord,
      quotedNewlines: scan.quotedNewlines,
      readPaths: [...files],
      warnings: [],
    };
    onGuess(planFrom(facts, options, files));
  };
  let first: CsvScan | undefined;
  const firstRecordKinds: number[][] = [];
  let columns: ColumnScan[] = [];
  let rows = 0;
  let shortRecords = false;
  let longestRecord = 0;
  let quotedNewlines = false;
  for (const file of files) {
    const { scan, decoded, dialect: fileDialect } = await scanFile(file, options, missingBytes, dialectFor, first ? undefined : guessFrom);
    if (decoded?.transcoded && decoded.encoding !== 'utf-8' && !options.encoding) warnings.push(`${file} is not UTF-8; read it as ${decoded.encoding.toUpperCase()}`);
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
    longestRecord = Math.max(longestRecord, scan.longestRecord);
    quotedNewlines ||= scan.quotedNewlines;
    const kindsOfEnds = [scan.newlines.crlf, scan.newlines.lf, scan.newlines.cr].filter((n) => n > 0).length;
    const mixedEnds = kindsOfEnds > 1 || scan.newlines.cr > 0;
    if (decoded?.transcoded || mixedEnds) {
      // DuckDB reads only UTF-8 and one kind of line ending per file: hand it a clean copy.
      const copy = join(await scratchDir(), `part-${readPaths.length}.csv`);
      const { quote } = fileDialect;
      if (decoded) await writeFile(copy, mixedEnds ? new RecordEndNormalizer(quote).push(decoded.utf8) : decoded.utf8);
      else await copyWithRecordEnds(file, copy, new RecordEndNormalizer(quote));
      readPaths.push(copy);
    } else {
      readPaths.push(file);
    }
  }
  if (!first || !dialect) throw new FlowbookError('EmptySource', 'no CSV files to read', 'point the source at a CSV file or a folder of them');
  return planFrom({ dialect, first, columns, firstRecordKinds, rows, shortRecords, longestRecord, quotedNewlines, readPaths, warnings }, options, files);
}

/**
 * Scans one file. UTF-8 (with or without BOM, as given or detected) is read and scanned piece by
 * piece; `onFirstPiece` sees the scan after the first piece. Any other encoding, and bytes that are
 * not UTF-8 after all, are read whole and decoded (GB18030 detection, errors naming the line).
 */
async function scanFile(file: string, options: CsvReadOptions, missingBytes: readonly Uint8Array[], dialectFor: (head: Uint8Array) => CsvDialect, onFirstPiece?: (scan: CsvScan, dialect: CsvDialect) => void): Promise<FileScan> {
  const wanted = options.encoding?.toLowerCase().replace(/_/g, '-');
  if (!wanted || wanted === 'auto' || wanted === 'utf-8' || wanted === 'utf8') {
    const streamed = await scanUtf8InPieces(file, missingBytes, dialectFor, onFirstPiece);
    if (streamed) return streamed;
  }
  const decoded = decodeText(await readFile(file), options.encoding, file);
  const dialect = dialectFor(decoded.utf8);
  return { scan: scanCsv(decoded.utf8, 0, dialect, missingBytes), dialect, decoded };
}

/** The scan of a UTF-8 file read in pieces, or undefined as soon as a piece is not UTF-8 (or a UTF-16 BOM shows). */
async function scanUtf8InPieces(file: string, missingBytes: readonly Uint8Array[], dialectFor: (head: Uint8Array) => CsvDialect, onFirstPiece?: (scan: CsvScan, dialect: CsvDialect) => void): Promise<FileScan | undefined> {
  const handle = await open(file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(PIECE_BYTES);
    let dialect: CsvDialect | undefined;
    let scanner: CsvScanner | undefined;
    let start = 0;
    let filled = 0;
    for (let piece = 0; ; piece++) {
      // A record longer than the buffer: grow it so the record fits whole.
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      filled += bytesRead;
      const final = bytesRead === 0;
      if (piece === 0) {
        if (filled >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))) return undefined;
        if (filled >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
      }
      const text = buffer.subarray(start, filled);
      dialect ??= dialectFor(text);
      scanner ??= new CsvScanner(dialect, missingBytes);
      const consumed = scanner.feed(text, final);
      // What was consumed ends a record (a line break is ASCII), so it never cuts a character in two.
      if (!isUtf8(text.subarray(0, consumed))) return undefined;
      if (piece === 0 && onFirstPiece) onFirstPiece(scanner.result(), dialect);
      if (final) return { scan: scanner.result(), dialect };
      buffer.copy(buffer, 0, start + consumed, filled);
      filled -= start + consumed;
      start = 0;
    }
  } finally {
    await handle.close();
  }
}

/** The read DuckDB is to do, from what the scan found: header or not, names, one type per column. */
function planFrom(facts: CsvFacts, options: CsvReadOptions, files: readonly string[]): CsvPlan {
  const { dialect, first, columns, warnings } = facts;
  const label = files.length === 1 ? files[0] : `${files.length} CSV part files in ${join(files[0], '..')}`;
  if (first.firstRecord.length === 0) throw new FlowbookError('EmptySource', `${label} is empty`, 'check the file');
  let rows = facts.rows;

  const header = options.header ?? looksLikeHeader(first.firstRecordKinds, columns);
  let names: string[];
  if (header) {
    const unique = uniqueColumnNames(first.firstRecord);
    names = unique.names;
    warnings.push(...unique.warnings);
  } else {
    names = first.firstRecord.map((_, i) => `column_${i + 1}`);
    // Without a header, every file's first record is data too.
    for (const kindsOfRecord of facts.firstRecordKinds) {
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

  const missing = options.missing ?? DEFAULT_MISSING_TOKENS;
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
    `null_padding=${facts.shortRecords}`,
    // DuckDB's parallel scanner cannot pad short rows when quoted fields span lines.
    `parallel=${!(facts.shortRecords && facts.quotedNewlines)}`,
  ];
  // DuckDB refuses a record longer than its max_line_size (2,000,000 bytes unless raised); CRLF may count too.
  if (facts.longestRecord + 2 > DUCKDB_MAX_LINE_SIZE) settings.push(`max_line_size=${facts.longestRecord + 2}`);
  const readExpression = `read_csv([${facts.readPaths.map(quoteLiteral).join(', ')}], ${settings.join(', ')})`;
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

/**
 * Rewrites record ends outside quotes (CRLF, CR) as LF; line breaks inside quoted fields stay as
 * written. Fed piece by piece: a quote or a CRLF cut in two by the pieces is followed across them.
 */
class RecordEndNormalizer {
  private quoted = false;
  private afterCr = false;

  constructor(private readonly quote: number) {}

  push(piece: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(piece.length);
    let length = 0;
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i];
      if (this.afterCr) {
        this.afterCr = false;
        if (b === 0x0a) continue;
      }
      if (b === this.quote) this.quoted = !this.quoted;
      if (b === 0x0d && !this.quoted) {
        out[length++] = 0x0a;
        this.afterCr = true;
        continue;
      }
      out[length++] = b;
    }
    return out.subarray(0, length);
  }
}

/** Copies a UTF-8 file without its BOM, record ends normalized, a piece at a time. */
async function copyWithRecordEnds(file: string, copy: string, normalizer: RecordEndNormalizer): Promise<void> {
  const output = await open(copy, 'w');
  try {
    let first = true;
    for await (const chunk of createReadStream(file, { highWaterMark: PIECE_BYTES }) as AsyncIterable<Buffer>) {
      const piece = first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
      first = false;
      await output.write(normalizer.push(piece));
    }
  } finally {
    await output.close();
  }
}
