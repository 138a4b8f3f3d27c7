/**
 * The few protocol-buffer messages of TensorBoard's event files, encoded by hand (tensorflow/core/util/event.proto,
 * framework/summary.proto):
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

class ProtoWriter {
  private readonly bytes: number[] = [];

  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  private varint(value: bigint): void {
    // int64 fields encode negatives as their 64-bit two's complement (10 bytes).
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  double(field: number, value: number): void {
    this.key(field, WIRE_FIXED64);
    const buffer = new DataView(new ArrayBuffer(8));
    buffer.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.bytes.push(buffer.getUint8(i));
  }

  float(field: number, value: number): void {
    this.key(field, WIRE_FIXED32);
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.bytes.push(buffer.getUint8(i));
  }

  int64(field: number, value: number): void {
    this.key(field, WIRE_VARINT);
    this.varint(BigInt(Math.trunc(value)));
  }

  bytesField(field: number, value: Uint8Array): void {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.varint(BigInt(value.length));
    for (const b of value) this.bytes.push(b);
  }

  string(field: number, value: string): void {
    this.bytesField(field, utf8.encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export type EventBody = { fileVersion: string } | { scalars: Record<string, number> };

/** An `Event` message: the file-version header event, or one step's scalar summaries. */
export function encodeEvent(wallTimeSeconds: number, step: number, body: EventBody): Uint8Array {
  const event = new ProtoWriter();
  event.double(1, wallTimeSeconds);
  event.int64(2, step);
  if ('fileVersion' in body) {
    event.string(3, body.fileVersion);
  } else {
    const summary = new ProtoWriter();
    for (const [tag, value] of Object.entries(body.scalars)) {
      const entry = new ProtoWriter();
      entry.string(1, tag);
      entry.float(2, value);
      summary.bytesField(1, entry.finish());
    }
    event.bytesField(5, summary.finish());
  }
  return event.finish();
}
