/** Test data sources: byte patterns that say where they come from, produced lazily in chunks. */

/** `size` bytes whose value at position i is i % 251, so an offset error shows as a mismatch. */
export function patternBytes(size: number, start = 0): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (start + i) % 251;
  return bytes;
}

/** Yields `total` pattern bytes in `chunkSize` chunks, calling `onChunk` with the bytes produced so far. */
export async function* patternStream(total: number, chunkSize: number, onChunk: (produced: number) => void = () => {}): AsyncGenerator<Uint8Array> {
  for (let produced = 0; produced < total; ) {
    const size = Math.min(chunkSize, total - produced);
    const chunk = patternBytes(size, produced);
    produced += size;
    onChunk(produced);
    yield chunk;
  }
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
