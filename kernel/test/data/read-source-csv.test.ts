import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import { readParquet } from '../../src/data/parquet';
import { readSource, sourceToParquet } from '../../src/data/read-source';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowbook-csv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ctx = () => ({ baseDir: dir });
const rowsOf = (t: { toArray(): { toJSON(): unknown }[] }) => t.toArray().map((r) => r.toJSON());
const typesOf = (t: { schema: { fields: { name: string; type: unknown }[] } }) => Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return name;
}

describe('CSV encodings (C1)', () => {
  const gbk = Buffer.from('b3c7cad02ccffacadbb6ee0d0ab1b1bea92c313230300d0a', 'hex');

  it('C1: a GBK CSV with Chinese headers loads with its names, detected without options', async () => {
    const { table, warnings } = await readSource(file('sales.csv', gbk), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['城市', '销售额']);
    expect(rowsOf(table)).toEqual([{ 城市: '北京', 销售额: 1200 }]);
    expect(warnings.join('\n')).toMatch(/not UTF-8; read it as GB18030/);
  });

  it('C1: `encoding: gb18030` reads the same file without detection', async () => {
    const { table } = await readSource(file('sales.csv', gbk), { encoding: 'gb18030' }, ctx());
    expect(rowsOf(table)).toEqual([{ 城市: '北京', 销售额: 1200 }]);
  });

  it('C1: `encoding: gbk` reads GBK, also bytes that detection would take for UTF-8', async () => {
    const { table, warnings } = await readSource(file('sales.csv', gbk), { encoding: 'gbk' }, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['城市', '销售额']);
    expect(rowsOf(table)).toEqual([{ 城市: '北京', 销售额: 1200 }]);
    expect(warnings).toEqual([]);
    // The GBK bytes of "鍖椾含" are the UTF-8 bytes of "北京": only the option tells them apart.
    const ambiguous = iconv.encode('city\n鍖椾含\n', 'gbk');
    expect(ambiguous).toEqual(Buffer.from('city\n北京\n'));
    expect(rowsOf((await readSource(file('cities.csv', ambiguous), { encoding: 'gbk' }, ctx())).table)).toEqual([{ city: '鍖椾含' }]);
  });

  it('C1: bytes that are neither UTF-8 nor GB18030 are an error naming the line and gb18030, never U+FFFD', async () => {
    const bad = Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0x33, 0x2c, 0xff, 0xff, 0x0a])]);
    await expect(readSource(file('bad.csv', bad), {}, ctx())).rejects.toMatchObject({
      kind: 'CsvEncodingError',
      message: expect.stringMatching(/not UTF-8 \(line 3/),
      hint: expect.stringContaining('encoding: gb18030'),
    });
    await expect(readSource(file('gbk.csv', gbk), { encoding: 'utf-8' }, ctx())).rejects.toMatchObject({ message: expect.stringMatching(/line 1/) });
  });

  it('reads UTF-16LE and UTF-16BE files with a BOM', async () => {
    const text = '名称,值\r\n甲,1\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    expect(rowsOf((await readSource(file('le.csv', le), {}, ctx())).table)).toEqual([{ 名称: '甲', 值: 1 }]);
    expect(rowsOf((await readSource(file('be.csv', be), {}, ctx())).table)).toEqual([{ 名称: '甲', 值: 1 }]);
  });
});

describe('CSV structure (C3)', () => {
  it('C3: BOM, CRLF, newlines, commas and doubled quotes inside quoted fields', async () => {
    const bytes = Buffer.from('\ufeff"id","备注"\r\n1,"第一行\n第二行"\r\n2,"a,b"\r\n3,"say ""hi"""\r\n', 'utf8');
    const { table } = await readSource(file('notes.csv', bytes), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', '备注']);
    expect(table.schema.fields[0].name.charCodeAt(0)).not.toBe(0xfeff);
    expect(table.numRows).toBe(3);
    expect(table.getChild('备注')!.toJSON()).toEqual(['第一行\n第二行', 'a,b', 'say "hi"']);
  });

  it('C3: mixed CRLF/LF/CR record ends, blank lines and short rows keep every row', async () => {
    const { table } = await readSource(file('mixed.csv', 'a,b\r\n1,x\n2,"y\r\nz"\r3\r\n\r\n4,w\n'), {}, ctx());
    expect(rowsOf(table)).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y\r\nz' },
      { a: 3, b: null },
      { a: 4, b: 'w' },
    ]);
  });

  it("detects ; tab and | delimiters and ' quotes, and reads .tsv as tab-separated", async () => {
    expect(rowsOf((await readSource(file('semi.csv', 'a;b\n1,5;x\n2,5;y\n'), {}, ctx())).table)).toEqual([{ a: '1,5', b: 'x' }, { a: '2,5', b: 'y' }]);
    expect(rowsOf((await readSource(file('pipe.csv', 'a|b\n1|x\n'), {}, ctx())).table)).toEqual([{ a: 1, b: 'x' }]);
    expect(rowsOf((await readSource(file('t.tsv', 'a\tb c\n1\tx,y\n'), {}, ctx())).table)).toEqual([{ a: 1, 'b c': 'x,y' }]);
    expect(rowsOf((await readSource(file('single.csv', "id,'the ''name'''\n1,'Smith, J'\n2,'O''Neil'\n"), {}, ctx())).table)).toEqual([{ id: 1, "the 'name'": 'Smith, J' }, { id: 2, "the 'name'": "O'Neil" }]);
    expect(rowsOf((await readSource(file('given.csv', 'a,b;c\n1,2;3\n'), { delimiter: ';' }, ctx())).table)).toEqual([{ 'a,b': '1,2', c: 3 }]);
  });

  it('detects a missing header when the first line fits the column types', async () => {
    const { table } = await readSource(file('nohead.csv', '1,2.5,x\n3,4.5,y\n'), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['column_1', 'column_2', 'column_3']);
    expect(table.numRows).toBe(2);
    expect((await readSource(file('forced.csv', 'a,b\nc,d\n'), { header: false }, ctx())).table.numRows).toBe(2);
  });

  it('a header-only file is an empty table with its columns; an empty file is an error', async () => {
    const { table } = await readSource(file('head.csv', 'a,b\r\n'), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(table.numRows).toBe(0);
    await expect(readSource(file('empty.csv', ''), {}, ctx())).rejects.toMatchObject({ kind: 'EmptySource' });
  });

  it('an empty line is skipped, except in a one-column file where it is a missing value', async () => {
    expect((await readSource(file('one.csv', 'a\n1\n\n2\n'), {}, ctx())).table.getChild('a')!.toJSON()).toEqual([1, null, 2]);
    expect((await readSource(file('two.csv', 'a,b\n1,2\n\n3,4\n'), {}, ctx())).table.numRows).toBe(2);
  });

  it('a quote inside an unquoted field is part of the value', async () => {
    expect(rowsOf((await readSource(file('inch.csv', 'size,n\n5",1\n6,2\n'), {}, ctx())).table)).toEqual([{ size: '5"', n: 1 }, { size: '6', n: 2 }]);
  });

  it('a line with more fields than the header is an error naming the line', async () => {
    await expect(readSource(file('wide.csv', 'a,b\n1,2\n3,4,5\n'), {}, ctx())).rejects.toMatchObject({ kind: 'CsvWidthError', message: expect.stringMatching(/line 3 has 3 fields/) });
    await expect(readSource(file('open.csv', 'a,b\n1,"x\n'), {}, ctx())).rejects.toMatchObject({ kind: 'CsvQuoteError', message: expect.stringMatching(/line 2/) });
  });
});

describe('CSV round trip of awkward text', () => {
  it('any text written with RFC 4180 quoting and mixed line ends reads back exactly', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = ['a', 'Z', '0', ' ', ',', ';', '"', '\n', '\r', '\r\n', '北', '京', '😀', '\t', "'"];
    const text = () => 'x' + Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const quoteIfNeeded = (v: string) => (/[,"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const rows = Array.from({ length: 300 }, () => [text(), text(), text()]);
    const csv = ['a,b,c', ...rows.map((r) => r.map(quoteIfNeeded).join(','))].map((line) => line + (random() < 0.5 ? '\n' : '\r\n')).join('');
    const { table } = await readSource(file('awkward.csv', csv), {}, ctx());
    expect(table.numRows).toBe(300);
    expect(table.toArray().map((r) => [r.a, r.b, r.c])).toEqual(rows);
  });
});

describe('CSV types over the whole column (C4)', () => {
  it('C4: codes keep leading zeros, late surprises re-type the column, missing tokens are null, rows in = rows out', async () => {
    const lines = ['code,flag,temp,ver,empty'];
    for (let i = 0; i < 20_000; i++) lines.push(`${String(1000 + (i % 9000)).padStart(5, '0')},${i % 2 ? 'false' : 'true'},${i % 7 ? (20 + (i % 10) / 2).toFixed(1) : ''},10.${i % 10},`);
    lines.push('2A001,NA,null,11.0.1,');
    const { table, warnings } = await readSource(file('c4.csv', lines.join('\n') + '\n'), {}, ctx());
    expect(table.numRows).toBe(20_001);
    expect(typesOf(table)).toEqual({ code: 'Utf8', flag: 'Bool', temp: 'Float64', ver: 'Utf8', empty: 'Utf8' });
    expect(table.getChild('code')!.get(0)).toBe('01000');
    expect(table.getChild('code')!.get(20_000)).toBe('2A001');
    expect(table.getChild('ver')!.get(20_000)).toBe('11.0.1');
    expect(table.getChild('ver')!.get(1)).toBe('10.1');
    expect(table.getChild('flag')!.get(20_000)).toBeNull();
    expect(table.getChild('temp')!.get(20_000)).toBeNull();
    expect(table.getChild('temp')!.get(0)).toBeNull();
    expect(table.getChild('temp')!.get(1)).toBe(20.5);
    expect(table.getChild('empty')!.nullCount).toBe(20_001);
    expect(warnings).toEqual([expect.stringMatching(/`empty` is empty in every row/)]);
  });

  it('C4: all-numeric codes with leading zeros stay strings; ints, floats, dates and timestamps are typed', async () => {
    const { table } = await readSource(
      file('types.csv', 'zip,n,big,x,d,ts,tz,phone\n01000,1,3000000000,1e3,2024-02-29,2024-01-02 03:04:05,2024-01-02T03:04:05Z,13800138000123456\n02000,-2,-5,.5,2024-03-01,2024-01-02T03:04,2024-01-02 05:04:05+02:00,13800138000123457\n'),
      {},
      ctx(),
    );
    expect(typesOf(table)).toEqual({
      zip: 'Utf8',
      n: 'Int32',
      big: 'Float64',
      x: 'Float64',
      d: 'Date32<DAY>',
      ts: 'Timestamp<MILLISECOND>',
      tz: 'Timestamp<MILLISECOND, UTC>',
      phone: 'Utf8',
    });
    expect(rowsOf(table)[1]).toMatchObject({ zip: '02000', n: -2, big: -5, x: 0.5, phone: '13800138000123457' });
    expect(table.getChild('tz')!.toJSON()).toEqual([Date.UTC(2024, 0, 2, 3, 4, 5), Date.UTC(2024, 0, 2, 3, 4, 5)]);
    expect(table.getChild('d')!.get(0)).toBe(Date.UTC(2024, 1, 29));
  });

  it('an impossible date makes the column text rather than failing the read', async () => {
    const { table } = await readSource(file('dates.csv', 'd\n2024-02-28\n2023-02-29\n'), {}, ctx());
    expect(table.getChild('d')!.toJSON()).toEqual(['2024-02-28', '2023-02-29']);
  });

  it("a given type that a value does not fit is DuckDB's error naming the line, quoting it only in part", async () => {
    const long = 'y'.repeat(5000);
    const error = await readSource(file('typed.csv', `a,b\n1,2\n2,${long}\n`), { types: { b: 'int' } }, ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'CsvReadError', message: expect.stringMatching(/typed\.csv: .*Line: 3/), hint: expect.stringContaining('types:') });
    expect((error as Error).message.length).toBeLessThan(1000);
  });

  it('missing-value tokens and column types can be configured', async () => {
    const { table } = await readSource(file('tokens.csv', 'a,b,c\n?,NA,7\n1,x,8\n'), { missing: ['?'], types: { c: 'string' } }, ctx());
    expect(rowsOf(table)).toEqual([{ a: null, b: 'NA', c: '7' }, { a: 1, b: 'x', c: '8' }]);
  });
});

describe('CSV header names (C5)', () => {
  it('C5: duplicate and empty header names are renamed deterministically with a warning, no data lost', async () => {
    const { table, warnings } = await readSource(file('dups.csv', 'id,value,value,,value_1\n1,10,20,x,30\n'), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'value', 'value_2', 'column_4', 'value_1']);
    expect(rowsOf(table)).toEqual([{ id: 1, value: 10, value_2: 20, column_4: 'x', value_1: 30 }]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/`value` appears more than once; column 3 is called `value_2`/);
    expect(warnings[1]).toMatch(/column 4 has no header name; it is called `column_4`/);
  });

  it('C5: a generated name never collides with a later header', async () => {
    const { table } = await readSource(file('collide.csv', 'a,a,a_2\n1,2,3\n'), {}, ctx());
    expect(table.schema.fields.map((f) => f.name)).toEqual(['a', 'a_3', 'a_2']);
  });
});

describe('CSV folders of part files', () => {
  it('types columns across all parts and keeps every row, in natural part order', async () => {
    mkdirSync(join(dir, 'parts'));
    writeFileSync(join(dir, 'parts', 'part-2.csv'), 'code,n\n00012,2\n');
    writeFileSync(join(dir, 'parts', 'part-10.csv'), 'code,n\nX1,10\n');
    writeFileSync(join(dir, 'parts', 'part-1.csv'), 'code,n\n11,1\n');
    writeFileSync(join(dir, 'parts', '_SUCCESS'), '');
    const { table } = await readSource('parts', {}, ctx());
    expect(rowsOf(table)).toEqual([{ code: '11', n: 1 }, { code: '00012', n: 2 }, { code: 'X1', n: 10 }]);
  });
});

/**
 * DuckDB starts reading on a plan guessed from the first megabyte while the rest is still being
 * judged; these files hold their surprise past that head, so the guess is wrong and must not count.
 */
describe('surprises past the first megabyte', () => {
  const ROWS = 100_000;
  /** `id,code,city` rows, over a megabyte long, ending with `last`. */
  function bigCsv(last: string | Buffer, lineEnd = '\n'): Buffer {
    const lines = ['id,code,city'];
    for (let i = 0; i < ROWS - 1; i++) lines.push(`${i},${1000 + (i % 9000)},Paris`);
    const body = Buffer.from(lines.join(lineEnd) + lineEnd);
    expect(body.length).toBeGreaterThan(1 << 20);
    return Buffer.concat([body, Buffer.isBuffer(last) ? last : Buffer.from(last)]);
  }

  it('C4: a code and an id that stop being int32 near the end re-type their columns, stored and read', async () => {
    const name = file('late.csv', bigCsv('3000000000,2A001,Lyon\n'));
    const { table } = await readSource(name, {}, ctx());
    expect(table.numRows).toBe(ROWS);
    expect(typesOf(table)).toMatchObject({ code: 'Utf8' });
    expect(typesOf(table).id).not.toBe('Int32');
    expect(table.getChild('code')!.get(0)).toBe('1000');
    expect(rowsOf(table.slice(ROWS - 1))).toEqual([{ id: 3000000000, code: '2A001', city: 'Lyon' }]);

    const stored = join(dir, 'late.parquet');
    expect((await sourceToParquet(name, {}, ctx(), stored)).rows).toBe(ROWS);
    const back = await readParquet(stored);
    expect(typesOf(back)).toEqual(typesOf(table));
    expect(rowsOf(back.slice(ROWS - 1))).toEqual([{ id: 3000000000, code: '2A001', city: 'Lyon' }]);
  });

  it('C1: GB18030 bytes after a plain first megabyte make the whole file read as GB18030', async () => {
    const beijing = Buffer.from('b1b1bea9', 'hex');
    const { table, warnings } = await readSource(file('late-gbk.csv', bigCsv(Buffer.concat([Buffer.from('1,2,'), beijing, Buffer.from('\n')]))), {}, ctx());
    expect(table.numRows).toBe(ROWS);
    expect(table.getChild('city')!.get(ROWS - 1)).toBe('北京');
    expect(warnings.join('\n')).toMatch(/read it as GB18030/);
  });

  it('C3: a bare CR record end past the first megabyte keeps every row', async () => {
    const { table } = await readSource(file('late-cr.csv', bigCsv('7,8,Rome\r9,10,Oslo\n')), {}, ctx());
    expect(table.numRows).toBe(ROWS + 1);
    expect(rowsOf(table.slice(ROWS - 1))).toEqual([
      { id: 7, code: 8, city: 'Rome' },
      { id: 9, code: 10, city: 'Oslo' },
    ]);
  });

  it('a field longer than a megabyte, a BOM, and characters cut by the piece boundaries arrive whole', async () => {
    const long = '长'.repeat(800_000);
    const lines = ['\ufeffid,text', `1,"${long}"`];
    for (let i = 2; i < 60_000; i++) lines.push(`${i},北京 ${i}`);
    const { table } = await readSource(file('long.csv', lines.join('\n') + '\n'), {}, ctx());
    expect(table.numRows).toBe(59_999);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'text']);
    expect(table.getChild('text')!.get(0)).toBe(long);
    expect(table.getChild('text')!.toArray().slice(1).every((value: string, i: number) => value === `北京 ${i + 2}`)).toBe(true);
  });

  it('C3: mixed record ends are normalized piece by piece: a CRLF cut by the 1 MB boundary stays one record end (a one-column file, where a blank line would be a row), CRLFs inside quotes stay', async () => {
    const boundary = 1 << 20;
    const parts = ['\ufeffnote\r\n'];
    let length = Buffer.byteLength(parts[0]);
    const notes: string[] = [];
    const row = (note: string, end: string) => {
      notes.push(note);
      parts.push(`"${note}"${end}`);
      length += Buffer.byteLength(parts[parts.length - 1]);
    };
    while (length < boundary - 200) row(`line\r\nbreak ${notes.length}`, '\r\n');
    // The next row's CR is the last byte of the first megabyte, its LF the first of the second.
    const prefix = '""'.length;
    row('x'.repeat(boundary - 1 - length - prefix), '\r\n');
    row('after the boundary', '\r');
    row('last', '\n');
    const bytes = Buffer.from(parts.join(''));
    expect(bytes.subarray(boundary - 1, boundary + 1).toString('hex')).toBe('0d0a');
    const { table } = await readSource(file('ends.csv', bytes), {}, ctx());
    expect(table.numRows).toBe(notes.length);
    expect(table.getChild('note')!.toArray()).toEqual(notes);
  });

  it('C1: a GB18030 file over a megabyte is decoded piece by piece, a character cut by the 1 MB boundary kept whole', async () => {
    const boundary = 1 << 20;
    const parts = [iconv.encode('城市,销售额\r\n', 'gb18030')];
    let length = parts[0].length;
    const cities: string[] = [];
    const row = (city: string) => {
      cities.push(city);
      parts.push(iconv.encode(`${city},${cities.length}\r\n`, 'gb18030'));
      length += parts[parts.length - 1].length;
    };
    while (length < boundary - 100) row(`北京${cities.length}`);
    // An ASCII filler, then 北 on bytes boundary-1 and boundary.
    row('x'.repeat(boundary - 1 - length) + '北京');
    for (let i = 0; i < 1000; i++) row(`上海${i}`);
    const bytes = Buffer.concat(parts);
    expect(bytes.subarray(boundary - 1, boundary + 1)).toEqual(iconv.encode('北', 'gb18030'));
    const { table, warnings } = await readSource(file('big-gbk.csv', bytes), {}, ctx());
    expect(warnings.join('\n')).toMatch(/read it as GB18030/);
    expect(table.numRows).toBe(cities.length);
    expect(table.getChild('城市')!.toArray()).toEqual(cities);
    expect(table.getChild('销售额')!.get(cities.length - 1)).toBe(cities.length);
  });

  it('C1: a UTF-16LE file over a megabyte reads every row', async () => {
    const lines = ['名称,值'];
    for (let i = 0; i < 60_000; i++) lines.push(`甲${i},${i}`);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(lines.join('\r\n') + '\r\n', 'utf-16le')]);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    const { table } = await readSource(file('big-utf16.csv', bytes), {}, ctx());
    expect(table.numRows).toBe(60_000);
    expect(rowsOf(table.slice(59_999))).toEqual([{ 名称: '甲59999', 值: 59999 }]);
  });

  it('C1: `encoding: gb18030` with bytes that do not decode past the first megabyte names that line', async () => {
    const bad = bigCsv(Buffer.from([0x31, 0x2c, 0x32, 0x2c, 0x81, 0x0a]));
    await expect(readSource(file('bad-gbk.csv', bad), { encoding: 'gb18030' }, ctx())).rejects.toMatchObject({
      kind: 'CsvEncodingError',
      message: expect.stringContaining(`is not valid gb18030: line ${ROWS + 1}`),
    });
  });

  it('C1: `encoding: utf-8` with a bad byte past the first megabyte names that line', async () => {
    await expect(readSource(file('late-bad.csv', bigCsv(Buffer.from([0x31, 0x2c, 0x32, 0x2c, 0xff, 0x0a]))), { encoding: 'utf-8' }, ctx())).rejects.toMatchObject({
      kind: 'CsvEncodingError',
      message: expect.stringContaining(`line ${ROWS + 1}`),
    });
  });

  it('a quote left open past the first megabyte is an error naming its line', async () => {
    await expect(readSource(file('late-quote.csv', bigCsv('1,"2,x\n')), {}, ctx())).rejects.toMatchObject({ kind: 'CsvQuoteError', message: expect.stringContaining(`line ${ROWS + 1}`) });
  });
});
