import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Store } from '../../store/store';
import { encodeEvent } from './event-proto';
import { tfRecord } from './tfrecord';

/** One step's scalars, e.g. `{ step: 12, values: { loss: 0.31 } }`. */
export interface ScalarStep {
  step: number;
  values: Record<string, number>;
  /** Seconds since the epoch; default now. */
  wallTime?: number;
}

/**
 * A TensorBoard event file in a store folder (`events.out.tfevents.<seconds>.<host>`): the
 * `brain.Event:2` header, then one Event with a scalar summary per step. On a local store records
 * are appended to the file as they come (TensorBoard follows it live); on a remote store (HDFS) the
 * file is rewritten whole on each flush, since a store write is atomic and has no append.
 */
export class EventFileWriter {
  readonly key: string;
  private readonly records: Uint8Array[] = [];
  private written = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, folder: string, startedAt = Date.now()) {
    this.key = `${folder}/events.out.tfevents.${Math.floor(startedAt / 1000)}.${os.hostname()}`;
    this.records.push(tfRecord(encodeEvent(startedAt / 1000, 0, { fileVersion: 'brain.Event:2' })));
  }

  add(scalars: ScalarStep): void {
    const values = Object.fromEntries(Object.entries(scalars.values).filter(([, v]) => Number.isFinite(v)));
    if (Object.keys(values).length === 0) return;
    this.records.push(tfRecord(encodeEvent(scalars.wallTime ?? Date.now() / 1000, scalars.step, { scalars: values })));
  }

  /** Writes what was added since the last flush; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeNew());
    return this.flushing;
  }

  private async writeNew(): Promise<void> {
    const total = this.records.length;
    if (total === this.written) return;
    const local = this.store.localPath(this.key);
    if (local) {
      await fs.promises.mkdir(path.dirname(local), { recursive: true });
      await fs.promises.appendFile(local, Buffer.concat(this.records.slice(this.written, total)));
    } else {
      await this.store.write(this.key, Buffer.concat(this.records.slice(0, total)));
    }
    this.written = total;
  }
}
