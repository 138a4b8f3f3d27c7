import { CsvScanner, scanCsv } from '../../../src/data/csv/scan';

const COMMA_QUOTE = { delimiter: 0x2c, quote: 0x22 };
const MISSING = ['', 'NA'].map((token) => Buffer.from(token));

/** Feeds `bytes` in pieces of `size`, passing the unconsumed tail again at the front of the next piece, as a streaming reader does. */
function scanInPieces(bytes: Buffer, size: number) {
  const scanner = new CsvScanner(COMMA_QUOTE, MISSING);
  let carried = Buffer.alloc(0);
  for (let at = 0; at < bytes.length; at += size) {
    const piece = Buffer.concat([carried, bytes.subarray(at, at + size)]);
    const final = at + size >= bytes.length;
    const consumed = scanner.feed(piece, final);
    carried = piece.subarray(consumed);
  }
  return scanner.result();
}

describe('the CSV scan fed in pieces', () => {
  const text = Buffer.from(
    [
      'id,code,note,when',
      '1,007,"plain",2024-01-02',
      '2,NA,"two\r\nlines, and ""quotes""",2024-01-03 10:00:00Z',
      '3,12,,2024-02-29',
      '',
      '4,5,"ends with a quote """',
      '5,6,x,2024-03-01',
    ].join('\r\n') + '\r\n',
  );

  it('judges every piece size exactly as one pass over the whole file: records straddling pieces, CRLF and doubled quotes cut in two', () => {
    const whole = scanCsv(text, 0, COMMA_QUOTE, MISSING);
    expect(whole.records).toBe(5);
    expect(whole.shortRecords).toBe(1);
    expect(whole.quotedNewlines).toBe(true);
    for (let size = 1; size <= text.length; size++) {
      expect({ size, scan: scanInPieces(text, size) }).toEqual({ size, scan: whole });
    }
  });

  it('a piece that ends inside the first record leaves the header whole for the next piece', () => {
    const scanner = new CsvScanner(COMMA_QUOTE, MISSING);
    expect(scanner.feed(Buffer.from('name,val'), false)).toBe(0);
    expect(scanner.feed(Buffer.from('name,value\n1,2\n3,'), false)).toBe('name,value\n1,2\n'.length);
    expect(scanner.result()).toMatchObject({ firstRecord: ['name', 'value'], records: 1 });
  });

  it('names the line where a quote opens that never closes, counting lines of earlier pieces', () => {
    const bytes = Buffer.from('a,b\n1,2\n3,"4\n5,6\n');
    expect(scanInPieces(bytes, 3).unterminatedQuoteLine).toBe(3);
    expect(scanCsv(bytes, 0, COMMA_QUOTE, MISSING).unterminatedQuoteLine).toBe(3);
  });

  it('a missing token leaves the column as it is, wherever it comes; a value that is no number makes it strings', () => {
    const scan = scanCsv(Buffer.from('n,m\n1,1\nNA,2\n3,x\n'), 0, COMMA_QUOTE, MISSING);
    expect(scan.columns[0]).toMatchObject({ hasValue: true });
    expect(scan.columns[0].kinds).not.toBe(0);
    expect(scan.columns[1].kinds).toBe(0);
  });
});
