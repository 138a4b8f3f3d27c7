import { isAscii } from 'node:buffer';
import * as arrow from 'apache-arrow';

/**
 * Rows `[from, from + count)` of an Arrow column into `out` (null where invalid), read straight from
 * each chunk's buffers with its `offset`, `length` and null bitmap (A5): several times faster than
 * `vector.get(i)` on million-row columns, and exact for sliced and IPC-padded data. Reading window by
 * window into one reused array keeps large copies out of memory.
 */
export function readArrowWindow(vector: arrow.Vector, from: number, count: number, out: unknown[]): void {
  let chunkStart = 0;
  for (const data of vector.data) {
    const chunkEnd = chunkStart + data.length;
    const lo = Math.max(from, chunkStart);
    const hi = Math.min(from + count, chunkEnd);
    if (lo < hi) readChunk(data, lo - chunkStart, hi - chunkStart, out, lo - from);
    chunkStart = chunkEnd;
    if (chunkStart >= from + count) break;
  }
}

/** Rows `[first, end)` of one chunk into `out` from `at`. */
function readChunk(data: arrow.Data, first: number, end: number, out: unknown[], at: number): void {
  const { type, offset } = data;
  const start = at - first;
  const bitmap = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : undefined;
  const valid = (i: number) => !bitmap || ((bitmap[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) === 1;
  if ((arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) && !(arrow.DataType.isFloat(type) && type.precision === arrow.Precision.HALF)) {
    // Value buffers of fixed-width types are sliced with the data; only the bitmap keeps `offset`.
    const values = data.values as ArrayLike<number | bigint>;
    for (let i = first; i < end; i++) out[start + i] = valid(i) ? values[i] : null;
    return;
  }
  if (arrow.DataType.isBool(type)) {
    // Bool values are a bitmap that keeps `offset`, like the validity bitmap.
    const bits = data.values as Uint8Array;
    for (let i = first; i < end; i++) out[start + i] = valid(i) ? ((bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) === 1 : null;
    return;
  }
  if (arrow.DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const low = offsets[first];
    const high = offsets[end];
    if (isAscii(bytes.subarray(low, high))) {
      // One decode for the whole window; substrings then cost no copying.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + low, high - low).toString('latin1');
      for (let i = first; i < end; i++) out[start + i] = valid(i) ? text.slice(offsets[i] - low, offsets[i + 1] - low) : null;
      return;
    }
    const decoder = new TextDecoder();
    for (let i = first; i < end; i++) out[start + i] = valid(i) ? decoder.decode(bytes.subarray(offsets[i], offsets[i + 1])) : null;
    return;
  }
  const chunk = arrow.makeVector(data);
  for (let i = first; i < end; i++) out[start + i] = chunk.get(i);
}
