/**
 * Where data, models and job logs live. Keys are '/'-separated paths relative to the store root
 * (e.g. `nodes/cars/3f2a…/data.parquet`). Every write is atomic: a reader sees the whole new content
 * or the old one, never a part, also when the writer is killed midway.
 */
export interface Store {
  /** The store's location as the user names it: a local path or `hdfs://host:port/path`. */
  readonly uri: string;
  read(key: string): Promise<Uint8Array>;
  /** Streams a value in chunks, for inputs too large to hold in memory. */
  readStream(key: string): AsyncIterable<Uint8Array>;
  write(key: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** What is at `key` (its name is the key's last segment), or undefined when nothing is. */
  stat(key: string): Promise<StoreEntry | undefined>;
  list(prefix: string): Promise<StoreEntry[]>;
  remove(key: string): Promise<void>;
  /**
   * Publishes a folder written under a temporary key as `key`, all at once; the commit point of
   * multi-file outputs (a node's data + manifest, a model's files).
   */
  publish(temporaryKey: string, key: string): Promise<void>;
  /** A local filesystem path for `key` when the store is local (DuckDB reads it directly); else undefined. */
  localPath(key: string): string | undefined;
}

export interface StoreEntry {
  name: string;
  kind: 'file' | 'folder';
  size: number;
  modified: Date;
}

/** The environment variable naming the store (a local folder or `hdfs://namenode:9870/path`). */
export const STORE_SETTING = 'FLOWBOOK_STORE';

/** Names of unfinished writes start with this; `list` hides them and nothing reads them as data. */
export const TEMPORARY_NAME_PREFIX = '.tmp-';

/**
 * A fresh temporary key beside `key`, for writing a multi-file output before `publish(temporary, key)`.
 * Being a sibling keeps the final rename within one folder (and one filesystem).
 */
export function temporaryKeyFor(key: string): string {
  const slash = key.lastIndexOf('/');
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  return `${key.slice(0, slash + 1)}${TEMPORARY_NAME_PREFIX}${key.slice(slash + 1)}-${unique}`;
}
