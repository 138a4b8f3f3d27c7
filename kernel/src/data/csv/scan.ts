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
  /** Records after the first; blank lines are not records. */
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
  const result: CsvScan = {
    firstRecord: [],
    firstRecordKinds: [],
    columns: [],
    records: 0,
    shortRecords: 0,
    newlines: { crlf: 0, lf: 0, cr: 0 },
    quotedNewlines: false,
  };
  const decoder = new TextDecoder();
  const isMissing = (s: number, e: number): boolean => {
    const length = e - s;
    for (const token of missingTokens) {
      if (token.length !== length) continue;
      let k = 0;
      while (k < length && buf[s + k] === token[k]) k++;
      if (k === length) return true;
    }
    return false;
  };

  let i = start;
  let line = 1;
  let recordIndex = 0;
  let field = 0;
  let recordStart = i;
  let recordLine = 1;
  while (i < end) {
    let fieldStart: number;
    let fieldEnd: number;
    let plain = true;
    if (buf[i] === quote) {
      const openLine = line;
      fieldStart = ++i;
      for (;;) {
        if (i >= end) {
          result.unterminatedQuoteLine = openLine;
          fieldEnd = end;
          break;
        }
        const b = buf[i];
        if (b === quote) {
          if (buf[i + 1] === quote) {
            plain = false;
            i += 2;
            continue;
          }
          fieldEnd = i++;
          break;
        }
        if (b === LF) {
          line++;
          result.quotedNewlines = true;
        } else if (b === CR) result.quotedNewlines = true;
        i++;
      }
      // Text after a closing quote is not RFC 4180; keep it as part of a string value.
      while (i < end && buf[i] !== delimiter && buf[i] !== LF && buf[i] !== CR) {
        i++;
        plain = false;
      }
    } else {
      fieldStart = i;
      while (i < end) {
        const b = buf[i];
        if (b === delimiter || b === LF || b === CR) break;
        i++;
      }
      fieldEnd = i;
    }

    const atRecordEnd = i >= end || buf[i] !== delimiter;
    const blankLine = atRecordEnd && field === 0 && fieldStart === recordStart && fieldEnd === fieldStart;
    if (!blankLine) {
      if (recordIndex === 0) {
        result.firstRecord.push(decoder.decode(buf.subarray(fieldStart, fieldEnd)).replace(/""/g, '"'));
        result.firstRecordKinds.push(isMissing(fieldStart, fieldEnd) ? -1 : plain ? classifyField(buf, fieldStart, fieldEnd) : 0);
      } else if (field < result.columns.length) {
        const column = result.columns[field];
        if ((column.kinds !== 0 || !column.hasValue) && !isMissing(fieldStart, fieldEnd)) {
          column.hasValue = true;
          if (column.kinds !== 0) {
            const kinds = plain ? classifyField(buf, fieldStart, fieldEnd) : 0;
            column.kinds &= kinds;
            if (kinds & ZONED) column.zoned = true;
          }
        }
      } else if (!result.longRecord) {
        result.longRecord = { line: recordLine, fields: field + 1 };
      }
    }

    if (!atRecordEnd) {
      i++;
      field++;
      continue;
    }
    if (!blankLine) {
      if (recordIndex === 0) {
        for (let c = 0; c < result.firstRecord.length; c++) result.columns.push({ kinds: ALL_KINDS, zoned: false, hasValue: false });
      } else {
        result.records++;
        if (field + 1 < result.columns.length) result.shortRecords++;
        if (field + 1 > result.columns.length && !result.longRecord) result.longRecord = { line: recordLine, fields: field + 1 };
      }
      recordIndex++;
    }
    if (i < end) {
      if (buf[i] === CR && buf[i + 1] === LF) {
        result.newlines.crlf++;
        i += 2;
      } else {
        if (buf[i] === CR) result.newlines.cr++;
        else result.newlines.lf++;
        i++;
      }
      line++;
    }
    field = 0;
    recordStart = i;
    recordLine = line;
  }
  return result;
}
