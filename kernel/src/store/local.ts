import { createReadStream, type Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { FlowbookError } from '../errors';
import { Store, StoreEntry, TEMPORARY_NAME_PREFIX, temporaryKeyFor } from './store';

/**
 * The default store: a folder on the local disk. Writes go to a temporary file in the same folder,
 * are fsynced, then renamed over the key, so a reader (or a writer killed midway) never sees a part.
 */
export class LocalStore implements Store {
  readonly root: string;

  constructor(readonly uri: string) {
    this.root = resolve(uri.startsWith('file://') ? new URL(uri).pathname : uri);
  }

  localPath(key: string): string {
    const parts = key.split('/').filter((p) => p !== '' && p !== '.');
    if (isAbsolute(key) || parts.includes('..')) {
      throw new FlowbookError('BadStoreKey', `store key \`${key}\` leaves the store`, 'use a relative key without `..`', { key });
    }
    return parts.length ? join(this.root, ...parts) : this.root;
  }

  async read(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.localPath(key));
    } catch (error) {
      throw this.missing(error, key);
    }
  }

  async *readStream(key: string): AsyncIterable<Uint8Array> {
    const path = this.localPath(key);
    try {
      await stat(path);
    } catch (error) {
      throw this.missing(error, key);
    }
    yield* createReadStream(path) as AsyncIterable<Buffer>;
  }

  async write(key: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const target = this.localPath(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = this.localPath(temporaryKeyFor(key));
    const file = await open(temporary, 'w');
    try {
      if (data instanceof Uint8Array) await file.write(data);
      else for await (const chunk of data) await file.write(chunk);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, target);
    await syncFolder(dirname(target));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.localPath(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async stat(key: string): Promise<StoreEntry | undefined> {
    const path = this.localPath(key);
    try {
      return entryOf(basename(path), await stat(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const folder = this.localPath(prefix);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      // A file lists as itself, as HDFS's LISTSTATUS answers for a file.
      if (code === 'ENOTDIR') return [entryOf(basename(folder), await stat(folder))];
      throw error;
    }
    const entries: StoreEntry[] = [];
    for (const name of names.sort()) {
      if (name.startsWith(TEMPORARY_NAME_PREFIX)) continue;
      const info = await stat(join(folder, name)).catch(() => undefined);
      if (!info) continue; // removed between readdir and stat
      entries.push(entryOf(name, info));
    }
    return entries;
  }

  async remove(key: string): Promise<void> {
    await rm(this.localPath(key), { recursive: true, force: true });
  }

  /**
   * Renames a finished folder into place. An existing value is first moved aside under a temporary
   * name (rename cannot replace a non-empty folder), so readers see the old or the new folder whole.
   */
  async publish(temporaryKey: string, key: string): Promise<void> {
    const source = this.localPath(temporaryKey);
    const target = this.localPath(key);
    await mkdir(dirname(target), { recursive: true });
    await syncTree(source);
    const aside = this.localPath(temporaryKeyFor(key));
    const replaced = await rename(target, aside).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    await rename(source, target);
    await syncFolder(dirname(target));
    if (replaced) await rm(aside, { recursive: true, force: true });
  }

  private missing(error: unknown, key: string): unknown {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
    return new FlowbookError('StoreKeyMissing', `nothing is stored at \`${key}\` (looked for ${this.localPath(key)})`, 'run the node that produces it first', { key, path: this.localPath(key) });
  }
}

function entryOf(name: string, info: Stats): StoreEntry {
  return { name, kind: info.isDirectory() ? 'folder' : 'file', size: info.isDirectory() ? 0 : info.size, modified: info.mtime };
}

/** Makes a rename durable: the folder entry itself is flushed. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes every file of a folder written by plain fs calls (e.g. DuckDB's Parquet writer) before it is published. */
async function syncTree(path: string): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) {
    for (const name of await readdir(path)) await syncTree(path + sep + name);
    await syncFolder(path);
    return;
  }
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
