import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoreCommand } from '@flowbook/magics';
import type { MimeBundle } from '../core/messages';
import { FlowbookError } from '../errors';
import { isStoreUri, openStore } from '../store/open';
import { temporaryKeyFor, type Store, type StoreEntry } from '../store/store';
import { listingBundle } from './flow-display';

export type StoreTransferCommand = Extract<StoreCommand, { action: 'put' | 'get' | 'rm' }>;

/** A place in a store: the store, and the key inside it. */
interface StorePlace {
  store: Store;
  key: string;
}

/**
 * `%store put / get / rm`: copies files between the notebook's folder and a store (the current one,
 * or any store named by a full URI), and removes from a store. Returns the line to print.
 */
export async function runStoreTransfer(command: StoreTransferCommand, current: Store, notebookDir: string): Promise<string> {
  switch (command.action) {
    case 'put':
      return put(resolve(notebookDir, command.local), command.remote, current, notebookDir);
    case 'get':
      return get(placeOf(command.remote, current, notebookDir), command.local, notebookDir);
    case 'rm':
      return remove(placeOf(command.path, current, notebookDir), command.recursive);
  }
}

async function put(local: string, remote: string | undefined, current: Store, notebookDir: string): Promise<string> {
  const info = await stat(local).catch(() => undefined);
  if (!info) {
    throw new FlowbookError('LocalFileMissing', `no local file or folder ${local} to put into the store`, `local paths are relative to the notebook's folder (${notebookDir}); check the name`, { path: local });
  }
  let target = placeOf(remote === undefined || remote.endsWith('/') ? `${remote ?? ''}${basename(local)}` : remote, current, notebookDir);
  if ((await target.store.stat(target.key))?.kind === 'folder') target = { store: target.store, key: `${target.key}/${basename(local)}` };
  if (!info.isDirectory()) {
    await target.store.write(target.key, createReadStream(local));
    return `put ${local} → ${describe(target)} (${info.size} bytes)\n`;
  }
  const files = await filesUnder(local);
  if (files.length === 0) {
    throw new FlowbookError('LocalFolderEmpty', `the local folder ${local} has no files to put into the store`, 'put a folder that holds files, or a single file', { path: local });
  }
  // A folder appears whole or not at all: its files go under a temporary key, published at once.
  const temporary = temporaryKeyFor(target.key);
  try {
    for (const file of files) {
      await target.store.write(`${temporary}/${relative(local, file).split(sep).join('/')}`, createReadStream(file));
    }
    await target.store.publish(temporary, target.key);
  } catch (error) {
    await target.store.remove(temporary).catch(() => undefined);
    throw error;
  }
  return `put ${local}${sep} → ${describe(target)}/ (${files.length} file${files.length === 1 ? '' : 's'})\n`;
}

async function get(source: StorePlace, local: string | undefined, notebookDir: string): Promise<string> {
  const entry = await statOrRefuse(source, 'list the folder with %store ls');
  if (entry.kind === 'folder') {
    throw new FlowbookError('StoreGetFolder', `${describe(source)} is a folder; %store get copies one file`, 'get the files inside it one by one (list them with %store ls)', { key: source.key, store: source.store.uri });
  }
  let target = resolve(notebookDir, local ?? entry.name);
  if (local?.endsWith('/') || (await stat(target).catch(() => undefined))?.isDirectory()) target = join(target, entry.name);
  // Downloaded beside the target and renamed over it, so a broken download never leaves a part file under its name.
  const partial = join(dirname(target), `.${basename(target)}.flowbook-part-${process.pid}`);
  await mkdir(dirname(target), { recursive: true });
  try {
    await pipeline(Readable.from(source.store.readStream(source.key)), createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return `got ${describe(source)} → ${target} (${entry.size} bytes)\n`;
}

async function remove(place: StorePlace, recursive: boolean): Promise<string> {
  const entry = await statOrRefuse(place, 'list the folder with %store ls');
  if (entry.kind === 'folder' && !recursive && (await place.store.list(place.key)).length > 0) {
    throw new FlowbookError('StoreFolderNotEmpty', `${describe(place)} is a folder that is not empty`, `remove it with everything inside: %store rm -r ${place.key}`, { key: place.key, store: place.store.uri });
  }
  await place.store.remove(place.key);
  return `removed ${describe(place)}${entry.kind === 'folder' ? '/' : ''}\n`;
}

/**
 * `%store ls [PATH | URI]`: a folder of the current store, or the folder a URI names. A path where
 * nothing is stored is an error, so that a typo does not read as an empty folder.
 */
export async function storeListing(path: string | undefined, current: Store, notebookDir: string): Promise<MimeBundle> {
  const place = path !== undefined && isStoreUri(path) ? { store: openStore(path, notebookDir), key: '' } : { store: current, key: path ?? '' };
  if (place.key !== '') await statOrRefuse(place, 'list its parent folder with %store ls');
  const entries = await place.store.list(place.key);
  const rows = entries.map((e) => [e.kind === 'folder' ? `${e.name}/` : e.name, e.kind === 'folder' ? '' : String(e.size), e.modified.toISOString()]);
  const title = `${place.key === '' ? place.store.uri : describe(place)}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
  return listingBundle(title, ['name', 'bytes', 'modified'], rows);
}

/**
 * `%store use URI`: the store, once it answers. An HDFS store that cannot be reached fails here,
 * naming the URI, rather than in the next cell that writes.
 */
export async function openAnsweringStore(uri: string, notebookDir: string): Promise<Store> {
  const store = openStore(uri, notebookDir);
  if ((await store.stat(''))?.kind === 'file') {
    throw new FlowbookError('StoreIsFile', `${store.uri} is a file, so it cannot hold a store`, 'name a folder (it is created on the first write)', { uri: store.uri });
  }
  return store;
}

/**
 * A store key of the current store, or a full URI split into its parent folder's store and the last
 * name (so the key's own temporary name during a write is its sibling, as for any key).
 */
function placeOf(pathOrUri: string, current: Store, notebookDir: string): StorePlace {
  if (!isStoreUri(pathOrUri)) return { store: current, key: keyOrRefuse(pathOrUri, current.uri) };
  const [, authority, path = ''] = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(\/.*)?$/i.exec(pathOrUri)!;
  const segments = path.split('/').filter((s) => s !== '');
  const key = keyOrRefuse(segments.pop() ?? '', pathOrUri);
  return { store: openStore(`${authority}/${segments.join('/')}`, notebookDir), key };
}

function keyOrRefuse(path: string, where: string): string {
  const key = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
  if (key === '') {
    throw new FlowbookError('BadStoreKey', `\`${path}\` names the root of ${where}, not a file or folder in it`, 'name a file or folder inside the store, e.g. raw/cars.csv', { path });
  }
  return key;
}

async function statOrRefuse(place: StorePlace, hint: string): Promise<StoreEntry> {
  const entry = await place.store.stat(place.key);
  if (!entry) throw new FlowbookError('StoreKeyMissing', `nothing is stored at ${describe(place)}`, hint, { key: place.key, store: place.store.uri });
  return entry;
}

function describe(place: StorePlace): string {
  return `${place.store.uri.replace(/\/+$/, '')}/${place.key}`;
}

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
