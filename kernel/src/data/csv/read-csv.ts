import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { DuckDBConnection } from '@duckdb/node-api';
import * as iconv from 'iconv-lite';
import { FlowbookError } from '../../errors';
import { queryArrow, quoteLiteral, withDuckDB } from '../duckdb';
import { detectDialect } from './dialect';
import { checkEncodingExists, lineOfFirstInvalidUtf8InFile, neitherUtf8NorGb18030, notDecodable, notUtf8, requestedEncoding } from './encoding';
import { uniqueColumnNames } from './header';
import { ColumnScan, CsvDialect, CsvScan, CsvScanner } from './scan';
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

/** One file scanned; `copy` is its UTF-8 copy when it was in another encoding (`transcodedFrom`). */
interface FileScan {
  scan: CsvScan;
  dialect: CsvDialect;
  transcodedFrom?: string;
  copy?: string;
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
    const copyPath = async () => join(await scratchDir(), `part-${readPaths.length}.csv`);
    const { scan, dialect: fileDialect, transcodedFrom, copy } = await scanFile(file, options, missingBytes, dialectFor, copyPath, first ? undefined : guessFrom);
    if (transcodedFrom && !options.encoding) warnings.push(`${file} is not UTF-8; read it as ${transcodedFrom.toUpperCase()}`);
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
    // DuckDB reads only UTF-8 and one kind of line ending per file: hand it a clean copy.
    if (copy) {
      readPaths.push(copy);
    } else if (mixedEnds) {
      const normalized = await copyPath();
      await copyWithRecordEnds(file, normalized, new RecordEndNormalizer(fileDialect.quote));
      readPaths.push(normalized);
    } else {
      readPaths.push(file);
    }
  }
  if (!first || !dialect) throw new FlowbookError('EmptySource', 'no CSV files to read', 'point the source at a CSV file or a folder of them');
  return planFrom({ dialect, first, columns, firstRecordKinds, rows, shortRecords, longestRecord, quotedNewlines, readPaths, warnings }, options, files);
}

/**
 * Scans one file a piece at a time, so memory stays flat whatever its size. UTF-8 (with or without
 * BOM, as given or detected) is scanned as it is; `onFirstPiece` sees the scan after its first piece.
 * Any other encoding (given, a UTF-16 BOM, or GB18030 when the bytes are not UTF-8) is decoded into
 * a UTF-8 copy for DuckDB while it is scanned; bytes that do not decode are an error naming the line.
 */
async function scanFile(file: string, options: CsvReadOptions, missingBytes: readonly Uint8Array[], dialectFor: (head: Uint8Array) => CsvDialect, copyPath: () => Promise<string>, onFirstPiece?: (scan: CsvScan, dialect: CsvDialect) => void): Promise<FileScan> {
  const wanted = requestedEncoding(options.encoding);
  if (wanted === undefined || wanted === 'utf-8') {
    const streamed = await scanUtf8InPieces(file, missingBytes, dialectFor, onFirstPiece);
    if (streamed) return streamed;
    if (wanted === 'utf-8') throw notUtf8(file, await lineOfFirstInvalidUtf8InFile(file));
  }
  const encoding = wanted ?? (await utf16ByteOrderMark(file)) ?? 'gb18030';
  checkEncodingExists(encoding);
  const badBytes = async (line: number): Promise<FlowbookError> =>
    wanted === undefined && encoding === 'gb18030' ? neitherUtf8NorGb18030(file, await lineOfFirstInvalidUtf8InFile(file)) : notDecodable(file, encoding, line);
  return transcodeInPieces(file, encoding, await copyPath(), missingBytes, dialectFor, badBytes);
}

async function utf16ByteOrderMark(file: string): Promise<'utf-16le' | 'utf-16be' | undefined> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    if (bytesRead < 2) return undefined;
    if (buffer[0] === 0xff && buffer[1] === 0xfe) return 'utf-16le';
    if (buffer[0] === 0xfe && buffer[1] === 0xff) return 'utf-16be';
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Decodes a file from `encoding` piece by piece, scanning the UTF-8 text and writing it, record ends normalized, to `copy`. */
async function transcodeInPieces(file: string, encoding: string, copy: string, missingBytes: readonly Uint8Array[], dialectFor: (head: Uint8Array) => CsvDialect, badBytes: (line: number) => Promise<FlowbookError>): Promise<FileScan> {
  // iconv-lite's decoder keeps a character cut by the pieces for the next one, and drops a BOM of its encoding.
  const decoder = iconv.getDecoder(encoding);
  const output = await open(copy, 'w');
  let dialect: CsvDialect | undefined;
  let scanner: CsvScanner | undefined;
  let normalizer: RecordEndNormalizer | undefined;
  let carry = Buffer.alloc(0);
  let line = 1;
  const step = async (text: string, final: boolean): Promise<CsvScan> => {
    const bad = text.indexOf('\ufffd');
    if (bad >= 0) throw await badBytes(line + countLines(text, bad));
    line += countLines(text, text.length);
    const utf8 = Buffer.from(text, 'utf8');
    const piece = carry.length > 0 ? Buffer.concat([carry, utf8]) : utf8;
    dialect ??= dialectFor(piece);
    scanner ??= new CsvScanner(dialect, missingBytes);
    normalizer ??= new RecordEndNormalizer(dialect.quote);
    await output.write(normalizer.push(utf8));
    carry = Buffer.from(piece.subarray(scanner.feed(piece, final)));
    return scanner.result();
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: PIECE_BYTES }) as AsyncIterable<Buffer>) await step(decoder.write(chunk), false);
    const scan = await step(decoder.end() ?? '', true);
    if (!dialect) throw new FlowbookError('EmptySource', `${file} is empty`, 'check the file');
    return { scan, dialect, transcodedFrom: encoding, copy };
  } finally {
    await output.close();
  }
}

/** Line feeds in `text` before `end`. */
function countLines(text: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
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
