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
  const { delimiter, quote } = dialect;
  const end = buf.length;
  const missing = new MissingTokens(missingTokens);
  const decoder = new TextDecoder();
  const quoteText = String.fromCharCode(quote);
  const doubledQuote = quoteText + quoteText;
  const firstRecord: string[] = [];
  const firstRecordKinds: number[] = [];
  // Per column state in flat arrays (sized once the first record is known): the hot loop stays monomorphic.
  let kinds = new Int32Array(0);
  let hasValue = new Uint8Array(0);
  let zoned = new Uint8Array(0);
  let width = 0;
  let records = 0;
  let shortRecords = 0;
  let longRecord: CsvScan['longRecord'];
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  let quotedNewlines = false;
  let unterminatedQuoteLine: number | undefined;

  let i = start;
  let line = 1;
  let inFirstRecord = true;
  let field = 0;
  let recordStart = i;
  let recordLine = 1;
  while (i < end) {
    let fieldStart = i;
    let fieldEnd: number;
    let plain = true;
    if (buf[i] === quote) {
      const openLine = line;
      fieldStart = ++i;
      fieldEnd = end;
      while (i < end) {
        const b = buf[i];
        if (b === quote) {
          if (i + 1 < end && buf[i + 1] === quote) {
            plain = false;
            i += 2;
            continue;
          }
          fieldEnd = i++;
          break;
        }
        if (b === LF) {
          line++;
          quotedNewlines = true;
        } else if (b === CR) quotedNewlines = true;
        i++;
      }
      if (fieldEnd === end) unterminatedQuoteLine ??= openLine;
      // Text after a closing quote is not RFC 4180; keep it as part of a string value.
      while (i < end && buf[i] !== delimiter && buf[i] !== LF && buf[i] !== CR) {
        i++;
        plain = false;
      }
    } else {
      i = endOfPlainField(buf, i, end, delimiter);
      fieldEnd = i;
    }

    const atRecordEnd = i >= end || buf[i] !== delimiter;
    // An empty line is skipped, as DuckDB does, except in a one-column file where it is a missing value.
    const blankLine = (inFirstRecord || width !== 1) && atRecordEnd && field === 0 && fieldStart === recordStart && fieldEnd === fieldStart;
    if (!blankLine) {
      if (inFirstRecord) {
        firstRecord.push(decoder.decode(buf.subarray(fieldStart, fieldEnd)).split(doubledQuote).join(quoteText));
        firstRecordKinds.push(missing.matches(buf, fieldStart, fieldEnd) ? -1 : plain ? classifyField(buf, fieldStart, fieldEnd) : 0);
      } else if (field < width) {
        const k = kinds[field];
        if ((k !== 0 || hasValue[field] === 0) && !missing.matches(buf, fieldStart, fieldEnd)) {
          hasValue[field] = 1;
          if (k !== 0) {
            const found = plain ? classifyField(buf, fieldStart, fieldEnd) : 0;
            kinds[field] = k & found;
            if (found & ZONED) zoned[field] = 1;
          }
        }
      } else if (!longRecord) {
        longRecord = { line: recordLine, fields: field + 1 };
      }
    }

    if (!atRecordEnd) {
      i++;
      field++;
      continue;
    }
    if (!blankLine) {
      if (inFirstRecord) {
        inFirstRecord = false;
        width = firstRecord.length;
        kinds = new Int32Array(width).fill(ALL_KINDS);
        hasValue = new Uint8Array(width);
        zoned = new Uint8Array(width);
      } else {
        records++;
        if (field + 1 < width) shortRecords++;
      }
    }
    if (i < end) {
      if (buf[i] === CR && i + 1 < end && buf[i + 1] === LF) {
        crlf++;
        i += 2;
      } else {
        if (buf[i] === CR) cr++;
        else lf++;
        i++;
      }
      line++;
    }
    field = 0;
    recordStart = i;
    recordLine = line;
  }
  const columns: ColumnScan[] = Array.from({ length: width }, (_, c) => ({ kinds: kinds[c], zoned: zoned[c] === 1, hasValue: hasValue[c] === 1 }));
  return { firstRecord, firstRecordKinds, columns, records, shortRecords, longRecord, newlines: { crlf, lf, cr }, quotedNewlines, unterminatedQuoteLine };
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

/** Index of the delimiter, CR or LF that ends an unquoted field starting at `i` (or `end`). */
function endOfPlainField(buf: Uint8Array, i: number, end: number, delimiter: number): number {
  while (i < end) {
    const b = buf[i];
    if (b === delimiter || b === LF || b === CR) return i;
    i++;
  }
  return end;
}
