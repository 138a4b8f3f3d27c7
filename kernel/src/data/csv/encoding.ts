import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import * as iconv from 'iconv-lite';
import { FlowbookError } from '../../errors';

export interface DecodedText {
  /** The encoding the bytes were read in, as the user would name it. */
  encoding: string;
  /** The content as UTF-8, without a byte-order mark. */
  utf8: Buffer;
  /** True when `utf8` differs from the file's bytes after its BOM (so DuckDB must read a copy). */
  transcoded: boolean;
  /** Length of the byte-order mark the file starts with (0 when none). */
  bomLength: number;
}

/**
 * Reads a text file's bytes as UTF-8 (C1). The `encoding` option wins; else a BOM decides (UTF-8,
 * UTF-16LE/BE); else valid UTF-8 is UTF-8; else GB18030 (a superset of GBK, what Excel on Chinese
 * Windows writes) when it decodes without a replacement character; else an error naming the first
 * bad line. Never a silent U+FFFD.
 */
export function decodeText(bytes: Buffer, requested: string | undefined, fileLabel: string): DecodedText {
  const wanted = requestedEncoding(requested);
  if (wanted) return decodeAs(bytes, wanted, fileLabel);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeAs(bytes, 'utf-8', fileLabel);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeAs(bytes, 'utf-16le', fileLabel);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeAs(bytes, 'utf-16be', fileLabel);
  if (isUtf8(bytes)) return { encoding: 'utf-8', utf8: bytes, transcoded: false, bomLength: 0 };
  const gb = iconv.decode(bytes, 'gb18030');
  if (!gb.includes('\ufffd')) return { encoding: 'gb18030', utf8: Buffer.from(gb, 'utf8'), transcoded: true, bomLength: 0 };
  throw neitherUtf8NorGb18030(fileLabel, lineOfFirstInvalidUtf8(bytes));
}

/** The encoding a source asks for, named as iconv-lite knows it; undefined for `auto` (detect) or none given. */
export function requestedEncoding(requested: string | undefined): string | undefined {
  const wanted = requested?.toLowerCase().replace(/_/g, '-');
  if (!wanted || wanted === 'auto') return undefined;
  return wanted === 'utf8' ? 'utf-8' : wanted;
}

export function checkEncodingExists(encoding: string): void {
  if (!iconv.encodingExists(encoding)) {
    throw new FlowbookError('UnknownEncoding', `unknown encoding \`${encoding}\``, 'use one of utf-8, utf-16le, utf-16be, gb18030, gbk, big5, shift_jis, latin1', { encoding });
  }
}

export function notUtf8(fileLabel: string, line: number): FlowbookError {
  return new FlowbookError(
    'CsvEncodingError',
    `${fileLabel} is not UTF-8: line ${line} has bytes that are not valid UTF-8`,
    'try `encoding: gb18030` (Chinese Excel exports) or `encoding: latin1`',
    { file: fileLabel, line },
  );
}

export function neitherUtf8NorGb18030(fileLabel: string, line: number): FlowbookError {
  return new FlowbookError(
    'CsvEncodingError',
    `${fileLabel} is not UTF-8 (line ${line} has bytes that are not valid UTF-8) and is not GB18030 either`,
    'try `encoding: gb18030`, `encoding: big5`, `encoding: shift_jis` or `encoding: latin1` in the source options',
    { file: fileLabel, line },
  );
}

export function notDecodable(fileLabel: string, encoding: string, line: number): FlowbookError {
  return new FlowbookError(
    'CsvEncodingError',
    `${fileLabel} is not valid ${encoding}: line ${line} has bytes that do not decode`,
    'check the `encoding` option (auto-detection handles UTF-8, UTF-16 with a BOM and GB18030)',
    { file: fileLabel, line, encoding },
  );
}

function decodeAs(bytes: Buffer, encoding: string, fileLabel: string): DecodedText {
  if (encoding === 'utf-8') {
    const bomLength = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const body = bytes.subarray(bomLength);
    if (!isUtf8(body)) throw notUtf8(fileLabel, lineOfFirstInvalidUtf8(body));
    return { encoding: 'utf-8', utf8: body, transcoded: false, bomLength };
  }
  checkEncodingExists(encoding);
  // iconv-lite strips a BOM of the encoding it decodes by default.
  const text = iconv.decode(bytes, encoding);
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) throw notDecodable(fileLabel, encoding, text.slice(0, bad).split('\n').length);
  const bomLength = encoding.startsWith('utf-16') && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) ? 2 : 0;
  return { encoding, utf8: Buffer.from(text, 'utf8'), transcoded: true, bomLength };
}

/** 1-based line of the first byte sequence that is not UTF-8, found by decoding line by line. */
export function lineOfFirstInvalidUtf8(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    line++;
    start = end + 1;
  }
  return line;
}

/** The line of a file's first bytes that are not UTF-8, read a piece at a time (on the error path only). */
export async function lineOfFirstInvalidUtf8InFile(file: string): Promise<number> {
  let line = 1;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const bytes = Buffer.concat([carry, chunk]);
    const wholeLines = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
    if (!isUtf8(wholeLines)) return line + lineOfFirstInvalidUtf8(wholeLines) - 1;
    line += countLineFeeds(wholeLines);
    carry = bytes.subarray(wholeLines.length);
  }
  return line + lineOfFirstInvalidUtf8(carry) - 1;
}

function countLineFeeds(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
