import { randomBytes } from 'node:crypto';
import { FlowbookError } from '../../errors';
import { STORE_SETTING, type Store, type StoreEntry } from '../store';
import { WebHdfsClient, type HdfsFileStatus } from './client';
import { unreachableLocation, WebHdfsRemoteError } from './errors';
import { optionsFromEnv, type WebHdfsOptions } from './options';
import { joinHdfsPath, normalizeHdfsPath } from './paths';

/** Everything but the NameNodes, which come from the URI; unset fields come from the environment. */
export type HdfsStoreOptions = Partial<Omit<WebHdfsOptions, 'nameNodes'>>;

const TEMPORARY_MARK = '.flowbook-tmp-';
const SET_ASIDE_MARK = '.flowbook-old-';
const DEFAULT_HTTP_PORT = '9870';

/**
 * `hdfs://nn:9870/warehouse` (or `webhdfs://`), with a comma list of NameNodes for HA:
 * `hdfs://nn1:9870,nn2:9870/warehouse`. The port is the NameNode's WebHDFS HTTP port. The path is
 * taken literally (not percent-decoded), so names with `%`, `+` or spaces mean what they say.
 */
export function parseHdfsUri(uri: string): { nameNodes: string[]; path: string } {
  const match = /^(?:hdfs|webhdfs):\/\/([^/]+)(\/.*)?$/i.exec(uri.trim());
  if (!match) {
    throw new FlowbookError('HdfsUriInvalid', `not an HDFS location: ${uri}`, 'write it as hdfs://NAMENODE:9870/path (a comma list of NameNodes for HA)', { uri });
  }
  const nameNodes = match[1].split(',').map((address) => {
    const trimmed = address.trim();
    return /:\d+$/.test(trimmed) ? trimmed : `${trimmed}:${DEFAULT_HTTP_PORT}`;
  });
  return { nameNodes, path: normalizeHdfsPath(match[2] ?? '/') };
}

/**
 * The Store on HDFS through WebHDFS. Writes go to a hidden temporary name beside the key, are checked
 * against the bytes sent, then RENAMEd over the key in one step; a failed upload is removed and never
 * reaches the key. `publish` renames a whole folder into place.
 */
export class WebHdfsStore implements Store {
  readonly uri: string;
  private readonly client: WebHdfsClient;
  private readonly base: string;

  constructor(uri: string, options: HdfsStoreOptions = {}) {
    const target = parseHdfsUri(uri);
    this.uri = uri;
    this.base = target.path;
    this.client = new WebHdfsClient({ ...optionsFromEnv(), ...options, nameNodes: target.nameNodes });
  }

  async read(key: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.readStream(key)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async *readStream(key: string): AsyncIterable<Uint8Array> {
    const path = this.pathOf(key);
    try {
      yield* this.client.open(path);
    } catch (e) {
      if (e instanceof WebHdfsRemoteError && e.exception === 'FileNotFoundException') {
        throw new FlowbookError('StoreKeyMissing', `nothing is stored at \`${key}\` (looked for ${path} on HDFS)`, 'run the node that produces it first', { key, path });
      }
      throw this.unreachableStore(e);
    }
  }

  async write(key: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const path = this.pathOf(key);
    const temporary = besideWithMark(path, TEMPORARY_MARK);
    try {
      const sent = await this.client.create(temporary, data, { overwrite: false });
      const stored = await this.client.getFileStatus(temporary);
      if (stored.length !== sent) {
        throw new FlowbookError(
          'HdfsWriteIncomplete',
          `HDFS kept ${stored.length} of the ${sent} bytes written to ${path}`,
          'retry the write; if it repeats, check the DataNode log for failed writes',
          { path, sent, stored: stored.length },
        );
      }
      await this.client.rename(temporary, path, { overwrite: true });
    } catch (e) {
      await this.removeQuietly(temporary);
      throw this.unreachableStore(e);
    }
  }

  exists(key: string): Promise<boolean> {
    return this.reaching(() => this.client.exists(this.pathOf(key)));
  }

  async stat(key: string): Promise<StoreEntry | undefined> {
    const path = this.pathOf(key);
    try {
      return entryOf(path.split('/').at(-1) ?? '', await this.client.getFileStatus(path));
    } catch (e) {
      if (e instanceof WebHdfsRemoteError && e.exception === 'FileNotFoundException') return undefined;
      throw this.unreachableStore(e);
    }
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    let statuses;
    try {
      statuses = await this.client.listStatus(this.pathOf(prefix));
    } catch (e) {
      if (e instanceof WebHdfsRemoteError && e.exception === 'FileNotFoundException') return [];
      throw this.unreachableStore(e);
    }
    const ownName = this.pathOf(prefix).split('/').at(-1) ?? '';
    return statuses
      .map((s) => entryOf(s.pathSuffix === '' ? ownName : s.pathSuffix, s))
      .filter((entry) => !entry.name.includes(TEMPORARY_MARK) && !entry.name.includes(SET_ASIDE_MARK));
  }

  async remove(key: string): Promise<void> {
    await this.reaching(() => this.client.delete(this.pathOf(key), { recursive: true }));
  }

  /**
   * Renames the folder `temporaryKey` to `key`. An existing `key` is first set aside under a hidden
   * name and deleted after the new folder is in place (HDFS cannot replace a non-empty folder in one
   * rename); if the second rename fails the old folder is put back.
   */
  publish(temporaryKey: string, key: string): Promise<void> {
    return this.reaching(() => this.rename(temporaryKey, key));
  }

  private async rename(temporaryKey: string, key: string): Promise<void> {
    const from = this.pathOf(temporaryKey);
    const to = this.pathOf(key);
    if (!(await this.client.exists(from))) {
      throw new FlowbookError('StorePublishFailed', `cannot publish ${to}: ${from} does not exist`, 'write the folder before publishing it', { from, to });
    }
    await this.client.mkdirs(to.slice(0, to.lastIndexOf('/')) || '/');
    if (!(await this.client.exists(to))) {
      await this.client.rename(from, to, { overwrite: false });
      return;
    }
    const aside = besideWithMark(to, SET_ASIDE_MARK);
    await this.client.rename(to, aside, { overwrite: false });
    try {
      await this.client.rename(from, to, { overwrite: false });
    } catch (e) {
      await this.client.rename(aside, to, { overwrite: false });
      throw e;
    }
    await this.client.delete(aside, { recursive: true });
  }

  localPath(_key: string): string | undefined {
    return undefined;
  }

  private pathOf(key: string): string {
    if (key.split('/').some((segment) => segment === '..' || segment === '.')) {
      throw new FlowbookError('BadStoreKey', `store key \`${key}\` leaves the store`, 'use a relative key without `..`', { key });
    }
    return joinHdfsPath(this.base, key);
  }

  /** Runs a store operation, naming the store and its setting when no NameNode can be reached. */
  private async reaching<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (e) {
      throw this.unreachableStore(e);
    }
  }

  /** A store is usually chosen once (FLOWBOOK_STORE) and used by every cell after: name it and its setting. */
  private unreachableStore(e: unknown): unknown {
    return unreachableLocation(e, 'HdfsStoreUnreachable', `the HDFS store ${this.uri}`, `the store URI, set by ${STORE_SETTING} or \`%store use URI\``, this.uri);
  }

  /** Cleanup after a failed write must not hide the write's own error, so its failure is ignored. */
  private async removeQuietly(path: string): Promise<void> {
    try {
      await this.client.delete(path, { recursive: true });
    } catch {
      // The original error is the one the user needs; a leftover temporary name is never read as a key.
    }
  }
}

/** Streams one file named by a full `hdfs://` URI; for the source reader. */
export function openHdfsReadStream(uri: string, options: HdfsStoreOptions = {}): AsyncIterable<Uint8Array> {
  const target = parseHdfsUri(uri);
  const client = new WebHdfsClient({ ...optionsFromEnv(), ...options, nameNodes: target.nameNodes });
  return client.open(target.path);
}

function entryOf(name: string, status: HdfsFileStatus): StoreEntry {
  return { name, kind: status.type === 'DIRECTORY' ? 'folder' : 'file', size: status.length, modified: new Date(status.modificationTime) };
}

function besideWithMark(path: string, mark: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash)}/.${path.slice(slash + 1)}${mark}${randomBytes(6).toString('hex')}`;
}
