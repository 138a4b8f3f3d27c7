/**
 * What one CSV field could be, as bit flags. A column's type is the AND of its fields' flags over the
 * WHOLE column (C4), so a late `2A001` turns the column into strings instead of failing mid-file.
 */
export const INT = 1;
/** An integer that fits in 32 bits. */
export const INT32 = 2;
export const FLOAT = 4;
export const BOOL = 8;
export const DATE = 16;
export const TIMESTAMP = 32;
/** A timestamp written with a UTC offset or `Z` (combined with OR, not AND: one zoned value makes the column zoned). */
export const ZONED = 64;

const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
/** Digits beyond this may not be exact as a float64; such integers stay strings (ids, phone numbers). */
const MAX_EXACT_DIGITS = 15;

const isDigit = (b: number) => b >= ZERO && b <= NINE;

/** The kinds a field's bytes `buf[start, end)` can be read as; 0 means it can only be a string. */
export function classifyField(buf: Uint8Array, start: number, end: number): number {
  if (end <= start) return 0;
  const first = buf[start];
  if (isDigit(first) || first === PLUS || first === MINUS || first === DOT) {
    // `yyyy-` can only start a date or timestamp: skip the number grammar for it.
    if (end - start >= 10 && buf[start + 4] === MINUS && isDigit(first)) return classifyTemporal(buf, start, end);
    return classifyNumber(buf, start, end);
  }
  return classifyBool(buf, start, end);
}

/** Integers and decimals as DuckDB casts them, minus leading zeros (`01000` is a code, not 1000). */
function classifyNumber(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (buf[i] === PLUS || buf[i] === MINUS) i++;
  const digitsStart = i;
  while (i < end && isDigit(buf[i])) i++;
  const intDigits = i - digitsStart;
  if (intDigits > 1 && buf[digitsStart] === ZERO) return 0;
  if (i === end) {
    if (intDigits === 0) return 0;
    if (intDigits > MAX_EXACT_DIGITS) return 0;
    let flags = INT | FLOAT;
    // Nine digits always fit in 32 bits; only ten need their value.
    if (intDigits <= 9) flags |= INT32;
    else if (intDigits === 10) {
      let value = 0;
      for (let k = digitsStart; k < end; k++) value = value * 10 + (buf[k] - ZERO);
      if (buf[start] === MINUS ? value <= 2147483648 : value <= 2147483647) flags |= INT32;
    }
    return flags;
  }
  let fractionDigits = 0;
  if (buf[i] === DOT) {
    i++;
    const fractionStart = i;
    while (i < end && isDigit(buf[i])) i++;
    fractionDigits = i - fractionStart;
  }
  if (intDigits === 0 && fractionDigits === 0) return 0;
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) i++;
    const exponentStart = i;
    while (i < end && isDigit(buf[i])) i++;
    if (i === exponentStart) return 0;
  }
  return i === end ? FLOAT : 0;
}

function classifyBool(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 4) return matchesLowercase(buf, start, 'true') ? BOOL : 0;
  if (length === 5) return matchesLowercase(buf, start, 'false') ? BOOL : 0;
  return 0;
}

function matchesLowercase(buf: Uint8Array, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((buf[start + k] | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** The value of `count` ASCII digits at `at`, or -1 when one is missing or not a digit. */
function digitsAt(buf: Uint8Array, at: number, count: number, end: number): number {
  if (at + count > end) return -1;
  let value = 0;
  for (let k = at; k < at + count; k++) {
    const b = buf[k];
    if (b < ZERO || b > NINE) return -1;
    value = value * 10 + (b - ZERO);
  }
  return value;
}

/** ISO dates (`2024-02-29`) and timestamps (`2024-02-29 13:45[:07[.123456]]`, `T` form, optional `Z`/offset); impossible dates are strings. */
function classifyTemporal(buf: Uint8Array, start: number, end: number): number {
  const year = digitsAt(buf, start, 4, end);
  if (year < 0 || buf[start + 4] !== MINUS || buf[start + 7] !== MINUS) return 0;
  const month = digitsAt(buf, start + 5, 2, end);
  const day = digitsAt(buf, start + 8, 2, end);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 0;
  let i = start + 10;
  if (i === end) return DATE | TIMESTAMP;
  if (buf[i] !== 0x54 && buf[i] !== 0x20) return 0;
  const hour = digitsAt(buf, i + 1, 2, end);
  const minute = digitsAt(buf, i + 4, 2, end);
  if (hour < 0 || hour > 23 || buf[i + 3] !== 0x3a || minute < 0 || minute > 59) return 0;
  i += 6;
  if (i < end && buf[i] === 0x3a) {
    const second = digitsAt(buf, i + 1, 2, end);
    if (second < 0 || second > 59) return 0;
    i += 3;
    if (i < end && buf[i] === DOT) {
      const fractionStart = ++i;
      while (i < end && isDigit(buf[i])) i++;
      if (i === fractionStart || i - fractionStart > 6) return 0;
    }
  }
  if (i === end) return TIMESTAMP;
  if (buf[i] === 0x5a && i + 1 === end) return TIMESTAMP | ZONED;
  if (buf[i] !== PLUS && buf[i] !== MINUS) return 0;
  const offsetHours = digitsAt(buf, i + 1, 2, end);
  if (offsetHours < 0 || offsetHours > 14) return 0;
  const rest = end - (i + 3);
  if (rest === 0) return TIMESTAMP | ZONED;
  const minutesAt = buf[i + 3] === 0x3a ? i + 4 : i + 3;
  return end - minutesAt === 2 && digitsAt(buf, minutesAt, 2, end) >= 0 && digitsAt(buf, minutesAt, 2, end) < 60 ? TIMESTAMP | ZONED : 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type ColumnType = 'bool' | 'int32' | 'int' | 'float' | 'date' | 'timestamp' | 'timestamptz' | 'string';

/** The column type for the flags that held for every present value. */
export function columnTypeOf(flags: number, zoned: boolean): ColumnType {
  if (flags & BOOL) return 'bool';
  if (flags & INT32) return 'int32';
  if (flags & INT) return 'int';
  if (flags & FLOAT) return 'float';
  if (flags & DATE) return 'date';
  if (flags & TIMESTAMP) return zoned ? 'timestamptz' : 'timestamp';
  return 'string';
}

export const ALL_KINDS = INT | INT32 | FLOAT | BOOL | DATE | TIMESTAMP;
