import { ALL_KINDS, classifyField, ZONED } from './value-kinds';

const LF = 0x0a;
const CR = 0x0d;

export interface CsvDialect {
  /** One byte: `,` `;` tab or `|`. */
  delimiter: number;
  /** One byte, usually `"`; doubled inside a quoted field to stand for itself (RFC 4180). */
  quote: number;
}

export interface ColumnScan {
  /** Kinds (value-kinds.ts flags) that every present value of the column can be read as. */
  kinds: number;
  /** Some value carried a UTC offset. */
  zoned: boolean;
  /** Some value is present (not a missing token). */
  hasValue: boolean;
}

export interface CsvScan {
  /** The first record's fields, decoded (the header when there is one). */
  firstRecord: string[];
  /** Kinds of each first-record field, or -1 when it is a missing token: used to judge whether it is a header. */
  firstRecordKinds: number[];
  /** Per column, over every record after the first. */
  columns: ColumnScan[];
  /** Records after the first; blank lines are not records unless the file has one column. */
  records: number;
  /** Records with fewer fields than the first (padded with nulls). */
  shortRecords: number;
  /** Bytes of the longest record, line ending excluded (DuckDB refuses records over its `max_line_size`). */
  longestRecord: number;
  /** The first record with more fields than the first record, if any. */
  longRecord?: { line: number; fields: number };
  /** Record ends outside quotes, by kind; more than one kind means mixed line endings. */
  newlines: { crlf: number; lf: number; cr: number };
  /** Some quoted field spans lines. */
  quotedNewlines: boolean;
  /** Line where a quoted field starts that never closes. */
  unterminatedQuoteLine?: number;
}

/**
 * One pass over a UTF-8 CSV: RFC 4180 quoting (delimiters, CR/LF and doubled quotes inside quotes),
 * CRLF/LF/CR record ends, and the kinds each column's values can be read as, judged over every value
 * (C4). Missing tokens are not judged. Works on bytes without building strings for data fields.
 */
export function scanCsv(buf: Uint8Array, start: number, dialect: CsvDialect, missingTokens: readonly Uint8Array[]): CsvScan {
  const scanner = new CsvScanner(dialect, missingTokens);
  scanner.feed(start === 0 ? buf : buf.subarray(start), true);
  return scanner.result();
}

/**
 * The CSV scan fed in pieces, so a file of any size is judged without holding it in memory. Each
 * `feed` stops before a record the piece does not hold whole and says where it starts; the caller
 * passes those bytes again at the front of the next piece. Re-reading a record's first fields is
 * harmless: column kinds only narrow (AND) and `hasValue` only grows (OR).
 */
export class CsvScanner {
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly missing: MissingTokens;
  private readonly decoder = new TextDecoder();
  private readonly firstRecord: string[] = [];
  private readonly firstRecordKinds: number[] = [];
  private inFirstRecord = true;
  private width = 0;
  // Per column state in flat arrays (sized once the first record is known): the hot loop stays monomorphic.
  private kinds = new Int32Array(0);
  private hasValue = new Uint8Array(0);
  private zoned = new Uint8Array(0);
  private records = 0;
  private shortRecords = 0;
  private longestRecord = 0;
  private longRecord: CsvScan['longRecord'];
  private crlf = 0;
  private lf = 0;
  private cr = 0;
  private quotedNewlines = false;
  private unterminatedQuoteLine: number | undefined;
  /** 1-based line where the next record starts. */
  private line = 1;

  constructor(dialect: CsvDialect, missingTokens: readonly Uint8Array[]) {
    this.delimiter = dialect.delimiter;
    this.quote = dialect.quote;
    this.missing = new MissingTokens(missingTokens);
  }

  /**
   * Scans `buf`. Unless `final`, stops at the start of a record that may continue past `buf` and
   * returns its offset (the bytes consumed); when `final`, consumes everything.
   */
  feed(buf: Uint8Array, final: boolean): number {
    const { delimiter, quote, missing } = this;
    const end = buf.length;
    let { kinds, hasValue, zoned, width, inFirstRecord, line } = this;
    let i = 0;
    let field = 0;
    let recordStart = 0;
    let recordLine = line;
    let lineInRecord = line;
    while (i < end) {
      let fieldStart = i;
      let fieldEnd: number;
      let plain = true;
      if (buf[i] === quote) {
        const openLine = lineInRecord;
        fieldStart = ++i;
        fieldEnd = -1;
        while (i < end) {
          const b = buf[i];
          if (b === quote) {
            if (i + 1 >= end && !final) break; // a doubled quote may straddle the pieces
            if (i + 1 < end && buf[i + 1] === quote) {
              plain = false;
              i += 2;
              continue;
            }
            fieldEnd = i++;
            break;
          }
          if (b === LF) {
            lineInRecord++;
            this.quotedNewlines = true;
          } else if (b === CR) this.quotedNewlines = true;
          i++;
        }
        if (fieldEnd < 0) {
          if (!final) return this.stopBefore(recordStart, line);
          this.unterminatedQuoteLine ??= openLine;
          fieldEnd = end;
        }
        // Text after a closing quote is not RFC 4180; keep it as part of a string value.
        while (i < end && buf[i] !== delimiter && buf[i] !== LF && buf[i] !== CR) {
          i++;
          plain = false;
        }
      } else {
        i = endOfPlainField(buf, i, end, delimiter);
        fieldEnd = i;
      }
      if (i >= end && !final) return this.stopBefore(recordStart, line);
      if (buf[i] === CR && i + 1 >= end && !final) return this.stopBefore(recordStart, line); // CRLF may straddle the pieces

      const atRecordEnd = i >= end || buf[i] !== delimiter;
      // An empty line is skipped, as DuckDB does, except in a one-column file where it is a missing value.
      const blankLine = fieldEnd === fieldStart && field === 0 && atRecordEnd && fieldStart === recordStart && (inFirstRecord || width !== 1);
      if (!blankLine) {
        if (inFirstRecord) {
          const text = this.decoder.decode(buf.subarray(fieldStart, fieldEnd));
          this.firstRecord.push(plain ? text : text.split(String.fromCharCode(quote, quote)).join(String.fromCharCode(quote)));
          this.firstRecordKinds.push(missing.matches(buf, fieldStart, fieldEnd) ? -1 : plain ? classifyField(buf, fieldStart, fieldEnd) : 0);
        } else if (field < width) {
          const k = kinds[field];
          if (hasValue[field] === 0) {
            if (!missing.matches(buf, fieldStart, fieldEnd)) {
              hasValue[field] = 1;
              const found = plain ? classifyField(buf, fieldStart, fieldEnd) : 0;
              kinds[field] = k & found;
              if (found & ZONED) zoned[field] = 1;
            }
          } else if (k !== 0) {
            const found = plain ? classifyField(buf, fieldStart, fieldEnd) : 0;
            // Most fields leave their column as it is; only one that would change it is checked for a missing token.
            if (((k & found) !== k || ((found & ZONED) !== 0 && zoned[field] === 0)) && !missing.matches(buf, fieldStart, fieldEnd)) {
              kinds[field] = k & found;
              if (found & ZONED) zoned[field] = 1;
            }
          }
        } else if (!this.longRecord) {
          this.longRecord = { line: recordLine, fields: field + 1 };
        }
      }

      if (!atRecordEnd) {
        i++;
        field++;
        continue;
      }
      if (!blankLine) {
        if (i - recordStart > this.longestRecord) this.longestRecord = i - recordStart;
        if (inFirstRecord) {
          inFirstRecord = this.inFirstRecord = false;
          width = this.width = this.firstRecord.length;
          kinds = this.kinds = new Int32Array(width).fill(ALL_KINDS);
          hasValue = this.hasValue = new Uint8Array(width);
          zoned = this.zoned = new Uint8Array(width);
        } else {
          this.records++;
          if (field + 1 < width) this.shortRecords++;
        }
      }
      if (i < end) {
        if (buf[i] === CR && i + 1 < end && buf[i + 1] === LF) {
          this.crlf++;
          i += 2;
        } else {
          if (buf[i] === CR) this.cr++;
          else this.lf++;
          i++;
        }
        lineInRecord++;
      }
      line = lineInRecord;
      field = 0;
      recordStart = i;
      recordLine = line;
    }
    // A delimiter that ends the piece leaves its record open: the record's next field is in the next piece.
    if (!final && recordStart < end) return this.stopBefore(recordStart, line);
    this.line = line;
    return end;
  }

  /** Leaves a record the piece does not hold whole for the next feed. */
  private stopBefore(recordStart: number, recordLine: number): number {
    if (this.inFirstRecord) {
      this.firstRecord.length = 0;
      this.firstRecordKinds.length = 0;
    }
    this.line = recordLine;
    return recordStart;
  }

  result(): CsvScan {
    const columns: ColumnScan[] = Array.from({ length: this.width }, (_, c) => ({ kinds: this.kinds[c], zoned: this.zoned[c] === 1, hasValue: this.hasValue[c] === 1 }));
    return {
      firstRecord: this.firstRecord,
      firstRecordKinds: this.firstRecordKinds,
      columns,
      records: this.records,
      shortRecords: this.shortRecords,
      longestRecord: this.longestRecord,
      longRecord: this.longRecord,
      newlines: { crlf: this.crlf, lf: this.lf, cr: this.cr },
      quotedNewlines: this.quotedNewlines,
      unterminatedQuoteLine: this.unterminatedQuoteLine,
    };
  }
}

/** Index of the delimiter, CR or LF that ends an unquoted field starting at `i` (or `end`). */
function endOfPlainField(buf: Uint8Array, i: number, end: number, delimiter: number): number {
  while (i < end) {
    const b = buf[i];
    if (b === delimiter || b === LF || b === CR) return i;
    i++;
  }
  return end;
}

/** Missing-value tokens grouped by byte length, so most fields are ruled out by their length alone. */
class MissingTokens {
  private readonly byLength: Uint8Array[][] = [];

  constructor(tokens: readonly Uint8Array[]) {
    for (const token of tokens) (this.byLength[token.length] ??= []).push(token);
  }

  matches(buf: Uint8Array, start: number, end: number): boolean {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return false;
    for (let t = 0; t < candidates.length; t++) {
      const token = candidates[t];
      let k = 0;
      while (k < token.length && buf[start + k] === token[k]) k++;
      if (k === token.length) return true;
    }
    return false;
  }
}
