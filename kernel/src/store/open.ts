import { isAbsolute, resolve } from 'node:path';
import { FlowbookError } from '../errors';
import { LocalStore } from './local';
import { STORE_SETTING, Store, StoreEntry } from './store';

/**
 * The store a notebook uses: `uri` when given (`%store use URI`), else the `FLOWBOOK_STORE`
 * environment variable, else `.flowbook/` beside the notebook. A relative local path is taken
 * relative to `baseDir` (the notebook's folder).
 */
export function openStore(uri: string | undefined, baseDir: string): Store {
  const chosen = uri ?? process.env[STORE_SETTING] ?? '.flowbook';
  if (/^(hdfs|webhdfs):\/\//i.test(chosen)) return new LazyStore(chosen, loadWebHdfs);
  if (isStoreUri(chosen) && !chosen.startsWith('file://')) {
    throw new FlowbookError(
      'UnknownStoreScheme',
      `no store backend for \`${chosen}\``,
      'use a local folder, file:///path or hdfs://namenode:9870/path',
      { uri: chosen },
    );
  }
  const localPath = chosen.startsWith('file://') ? new URL(chosen).pathname : chosen;
  return new LocalStore(isAbsolute(localPath) ? localPath : resolve(baseDir, localPath));
}

/** True for a store named by URI (`hdfs://…`, `file://…`); false for a local path or a key inside a store. */
export function isStoreUri(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

async function loadWebHdfs(uri: string): Promise<Store> {
  // Loaded on first use, so local-only sessions never load the HDFS client. require, not import():
  // the kernel compiles to CommonJS, where a native import() of a folder throws ERR_UNSUPPORTED_DIR_IMPORT.
  const { WebHdfsStore } = require('./webhdfs') as typeof import('./webhdfs');
  return new WebHdfsStore(uri);
}

/** A store whose backend module is imported on first use, so opening a store stays synchronous. */
class LazyStore implements Store {
  private backend: Promise<Store> | undefined;

  constructor(
    readonly uri: string,
    private readonly load: (uri: string) => Promise<Store>,
  ) {}

  private get store(): Promise<Store> {
    this.backend ??= this.load(this.uri);
    return this.backend;
  }

  async read(key: string): Promise<Uint8Array> {
    return (await this.store).read(key);
  }

  async *readStream(key: string): AsyncIterable<Uint8Array> {
    yield* (await this.store).readStream(key);
  }

  async write(key: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    return (await this.store).write(key, data);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.store).exists(key);
  }

  async stat(key: string): Promise<StoreEntry | undefined> {
    return (await this.store).stat(key);
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    return (await this.store).list(prefix);
  }

  async remove(key: string): Promise<void> {
    return (await this.store).remove(key);
  }

  async publish(temporaryKey: string, key: string): Promise<void> {
    return (await this.store).publish(temporaryKey, key);
  }

  localPath(): string | undefined {
    return undefined;
  }
}
