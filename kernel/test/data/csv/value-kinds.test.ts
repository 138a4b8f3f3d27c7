import { BOOL, classifyField, columnTypeOf, DATE, FLOAT, INT, INT32, TIMESTAMP, ZONED } from '../../../src/data/csv/value-kinds';

const kinds = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  return classifyField(bytes, 0, bytes.length);
};

describe('classifyField', () => {
  it('reads integers, with 32-bit ones marked, and never a leading-zero code', () => {
    expect(kinds('0')).toBe(INT | INT32 | FLOAT);
    expect(kinds('-2147483648')).toBe(INT | INT32 | FLOAT);
    expect(kinds('2147483648')).toBe(INT | FLOAT);
    expect(kinds('+17')).toBe(INT | INT32 | FLOAT);
    expect(kinds('01000')).toBe(0);
    expect(kinds('-007')).toBe(0);
    expect(kinds('1234567890123456')).toBe(0); // 16 digits: not exact as a number, so text
  });

  it('reads decimals and exponents, but not versions, hex or words', () => {
    for (const text of ['1.5', '-0.25', '.5', '5.', '1e3', '2.5E-7', '0.0']) expect(kinds(text)).toBe(FLOAT);
    for (const text of ['11.0.1', '0x10', '1_000', '1,5', 'inf', 'NaN', '.', '-', '1e', '00.5', ' 1']) expect(kinds(text)).toBe(0);
  });

  it('reads true/false in any case as booleans, nothing else', () => {
    expect(kinds('true')).toBe(BOOL);
    expect(kinds('FALSE')).toBe(BOOL);
    for (const text of ['yes', 'T', '1x', 'truth']) expect(kinds(text)).toBe(0);
  });

  it('reads real ISO dates and timestamps, with or without a zone', () => {
    expect(kinds('2024-02-29')).toBe(DATE | TIMESTAMP);
    expect(kinds('2023-02-29')).toBe(0);
    expect(kinds('2024-13-01')).toBe(0);
    expect(kinds('2024-01-02 03:04')).toBe(TIMESTAMP);
    expect(kinds('2024-01-02T03:04:05.123456')).toBe(TIMESTAMP);
    expect(kinds('2024-01-02T03:04:05.1234567')).toBe(0);
    expect(kinds('2024-01-02T03:04:05Z')).toBe(TIMESTAMP | ZONED);
    expect(kinds('2024-01-02 03:04:05+08:00')).toBe(TIMESTAMP | ZONED);
    expect(kinds('2024-01-02 03:04:05-0530')).toBe(TIMESTAMP | ZONED);
    expect(kinds('2024-01-02 24:00')).toBe(0);
    expect(kinds('2024/01/02')).toBe(0);
  });
});

describe('columnTypeOf', () => {
  it('picks the narrowest type that every value fits', () => {
    expect(columnTypeOf(INT | INT32 | FLOAT, false)).toBe('int32');
    expect(columnTypeOf(INT | FLOAT, false)).toBe('int');
    expect(columnTypeOf(FLOAT, false)).toBe('float');
    expect(columnTypeOf(DATE | TIMESTAMP, false)).toBe('date');
    expect(columnTypeOf(TIMESTAMP, true)).toBe('timestamptz');
    expect(columnTypeOf(0, false)).toBe('string');
  });
});
