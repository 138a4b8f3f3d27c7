import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '../../../src/store/local';
import type { Store } from '../../../src/store/store';
import { EventFileWriter } from '../../../src/train/tensorboard/event-writer';
import { encodeEvent } from '../../../src/train/tensorboard/event-proto';
import { tfRecord } from '../../../src/train/tensorboard/tfrecord';

/*
 * An independent reader of TensorBoard event files, written from the specs (TFRecord framing in
 * tensorflow/core/lib/io/record_writer.cc, Event in tensorflow/core/util/event.proto), sharing no
 * code with the writer: a bit-by-bit CRC-32C instead of the writer's table, its own protobuf parser.
 */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function mask(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

interface DecodedEvent {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  scalars: Record<string, number>;
}

function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  for (let at = 0; at < file.length;) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(mask(crc32cBitwise(file.subarray(at, at + 8))));
    const data = file.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(mask(crc32cBitwise(data)));
    records.push(data);
    at += 12 + length + 4;
  }
  return records;
}

function fields(bytes: Uint8Array): { field: number; value: bigint | Uint8Array }[] {
  const out: { field: number; value: bigint | Uint8Array }[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[at++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    switch (key & 7) {
      case 0: out.push({ field, value: varint() }); break;
      case 1: out.push({ field, value: bytes.subarray(at, (at += 8)) }); break;
      case 2: { const n = Number(varint()); out.push({ field, value: bytes.subarray(at, (at += n)) }); break; }
      case 5: out.push({ field, value: bytes.subarray(at, (at += 4)) }); break;
      default: throw new Error(`unexpected wire type ${key & 7}`);
    }
  }
  return out;
}

const asBytes = (v: bigint | Uint8Array) => v as Uint8Array;
const view = (v: Uint8Array) => new DataView(v.buffer, v.byteOffset, v.byteLength);

function decodeEvent(data: Uint8Array): DecodedEvent {
  const event: DecodedEvent = { scalars: {} };
  for (const { field, value } of fields(data)) {
    if (field === 1) event.wallTime = view(asBytes(value)).getFloat64(0, true);
    if (field === 2) event.step = Number(value as bigint);
    if (field === 3) event.fileVersion = new TextDecoder().decode(asBytes(value));
    if (field === 5) {
      for (const entry of fields(asBytes(value)).filter((f) => f.field === 1)) {
        const parts = fields(asBytes(entry.value));
        const tag = new TextDecoder().decode(asBytes(parts.find((p) => p.field === 1)!.value));
        event.scalars[tag] = view(asBytes(parts.find((p) => p.field === 2)!.value)).getFloat32(0, true);
      }
    }
  }
  return event;
}

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

describe('TensorBoard event files', () => {
  it('the reference CRC-32C gives the published check value', () => {
    expect(crc32cBitwise(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('frames a file-version event and a scalar event exactly as the spec lays them out', () => {
    // Event{wall_time: 1.0, step: 0, file_version: "brain.Event:2"}, field by field.
    const header = hex('09 000000000000f03f  10 00  1a 0d 627261696e2e4576656e743a32');
    // Event{wall_time: 2.5, step: 3, summary{value{tag: "loss", simple_value: 0.5}}}.
    const scalar = hex('09 0000000000000440  10 03  2a 0d 0a 0b 0a 04 6c6f7373 15 0000003f');
    expect(encodeEvent(1, 0, { fileVersion: 'brain.Event:2' })).toEqual(header);
    expect(encodeEvent(2.5, 3, { scalars: { loss: 0.5 } })).toEqual(scalar);

    const framed = tfRecord(scalar);
    const length = hex('1a00000000000000'); // 26, as a little-endian uint64
    const expected = new Uint8Array([...length, ...u32(mask(crc32cBitwise(length))), ...scalar, ...u32(mask(crc32cBitwise(scalar)))]);
    expect(framed).toEqual(expected);
    expect(decodeEvent(readRecords(framed)[0])).toEqual({ wallTime: 2.5, step: 3, scalars: { loss: 0.5 } });
  });

  it('frames records byte for byte as TensorFlow does: two records of a real event file', () => {
    // `xxd` of an event file TensorFlow wrote for tf.summary.scalar("accuracy", 0.99, step=77), as quoted in
    // TensorBoard's own reader tests (tensorboard/data/server/tf_record.rs). Its first length header, 24
    // as a uint64, carries the masked CRC-32C a3 7f 4b 22 (0x224b7fa3 read little-endian), as every such file does.
    const version = hex('09 0000803899d6d741  1a 0d 627261696e2e4576656e743a32');
    const accuracy = hex(`09 c405b73d99d6d741  10 4d  2a 25 0a 23 0a 08 ${ascii('accuracy')}
      42 0a 08 01 12 00 22 04 a4707d3f 4a 0b 0a 09 0a 07 ${ascii('scalars')}`);
    const file = hex(`18 00 00 00 00 00 00 00  a3 7f 4b 22  ${toHex(version)}  12 4b 36 ab
      32 00 00 00 00 00 00 00  24 19 56 ec  ${toHex(accuracy)}  a5 5b 64 33`);
    expect(new Uint8Array([...tfRecord(version), ...tfRecord(accuracy)])).toEqual(file);
    // The reader above accepts TensorFlow's bytes too, so it cannot merely agree with the writer.
    expect(readRecords(file)).toEqual([version, accuracy]);
    expect(decodeEvent(version)).toEqual({ wallTime: 1_599_759_586, fileVersion: 'brain.Event:2', scalars: {} });
  });

  describe('EventFileWriter', () => {
    let root: string;
    beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'flowbook-tb-')); });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const decodeFile = (file: string) => readRecords(new Uint8Array(readFileSync(file))).map(decodeEvent);

    it('writes the version header first, then one scalar summary per step, appending on each flush', async () => {
      const store = new LocalStore(root);
      const writer = new EventFileWriter(store, 'jobs/j1', 1_700_000_000_000);
      writer.add({ step: 1, values: { loss: 2, mae: 1.25 }, wallTime: 1_700_000_001 });
      await writer.flush();
      writer.add({ step: 2, values: { loss: 1, broken: NaN }, wallTime: 1_700_000_002 });
      await writer.flush();
      const files = readdirSync(join(root, 'jobs/j1'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^events\.out\.tfevents\.1700000000\./);
      expect(decodeFile(join(root, 'jobs/j1', files[0]))).toEqual([
        { wallTime: 1_700_000_000, step: 0, fileVersion: 'brain.Event:2', scalars: {} },
        { wallTime: 1_700_000_001, step: 1, scalars: { loss: 2, mae: 1.25 } },
        { wallTime: 1_700_000_002, step: 2, scalars: { loss: 1 } },
      ]);
    });

    it('on a store without local paths (HDFS) rewrites the whole file through the Store', async () => {
      const local = new LocalStore(root);
      const remote: Store = { ...bind(local), localPath: () => undefined };
      const writer = new EventFileWriter(remote, 'jobs/j2', 1_700_000_000_000);
      writer.add({ step: 1, values: { loss: 3 }, wallTime: 1_700_000_001 });
      await writer.flush();
      writer.add({ step: 2, values: { loss: 2 }, wallTime: 1_700_000_002 });
      await writer.flush();
      const events = decodeFile(join(root, writer.key));
      expect(events.map((e) => e.step)).toEqual([0, 1, 2]);
    });
  });
});

function u32(value: number): number[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return [...bytes];
}

function bind(store: LocalStore): Store {
  return {
    uri: store.uri,
    read: (k) => store.read(k),
    readStream: (k) => store.readStream(k),
    write: (k, d) => store.write(k, d),
    exists: (k) => store.exists(k),
    stat: (k) => store.stat(k),
    list: (p) => store.list(p),
    remove: (k) => store.remove(k),
    publish: (t, k) => store.publish(t, k),
    localPath: (k) => store.localPath(k),
  };
}
