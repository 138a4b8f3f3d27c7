import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FlowbookError } from '../../errors';
import { WebHdfsClient, type HdfsFileStatus } from './client';
import { unreachableLocation, WebHdfsRemoteError } from './errors';
import { optionsFromEnv } from './options';
import { parseHdfsUri, type HdfsStoreOptions } from './store';

/** One data file of an `hdfs://` source: its HDFS path and what identifies its content. */
export interface HdfsSourceFile {
  path: string;
  name: string;
  size: number;
  modificationTime: number;
}

/**
 * The data files an `hdfs://` source location names: the file itself, or a folder's part files
 * (hidden names and `_` markers such as `_SUCCESS` skipped, as for local folders). Reads no data.
 */
export async function listHdfsSource(uri: string, options: HdfsStoreOptions = {}): Promise<{ folder: boolean; files: HdfsSourceFile[] }> {
  const { client, path } = clientFor(uri, options);
  let status: HdfsFileStatus;
  try {
    status = await client.getFileStatus(path);
  } catch (e) {
    if (e instanceof WebHdfsRemoteError && e.exception === 'FileNotFoundException') {
      throw new FlowbookError('SourceNotFound', `no file or folder at ${uri}`, 'check the path with %store ls (HDFS paths are case-sensitive)', { location: uri });
    }
    throw unreachableLocation(e, 'HdfsSourceUnreachable', `the HDFS NameNode of the source ${uri}`, 'the %%source location', uri);
  }
  if (status.type !== 'DIRECTORY') {
    return { folder: false, files: [{ path, name: path.split('/').at(-1) ?? '', size: status.length, modificationTime: status.modificationTime }] };
  }
  const files = (await client.listStatus(path))
    .filter((s) => s.type === 'FILE' && !s.pathSuffix.startsWith('.') && !s.pathSuffix.startsWith('_'))
    .map((s) => ({ path: `${path}/${s.pathSuffix}`, name: s.pathSuffix, size: s.length, modificationTime: s.modificationTime }));
  return { folder: true, files };
}

/**
 * Streams an `hdfs://` source (a file or a folder's part files) into `targetDir`, keeping the names,
 * so local readers (encoding detection, DuckDB) can take it. Never holds a whole file in memory.
 * Returns the local path to read: the file, or the folder holding the parts.
 */
export async function downloadHdfsSource(uri: string, targetDir: string, options: HdfsStoreOptions = {}): Promise<string> {
  const { client } = clientFor(uri, options);
  const { folder, files } = await listHdfsSource(uri, options);
  for (const file of files) {
    await pipeline(Readable.from(client.open(file.path)), createWriteStream(join(targetDir, file.name)));
  }
  return folder ? targetDir : join(targetDir, files[0].name);
}

function clientFor(uri: string, options: HdfsStoreOptions): { client: WebHdfsClient; path: string } {
  const target = parseHdfsUri(uri);
  return { client: new WebHdfsClient({ ...optionsFromEnv(), ...options, nameNodes: target.nameNodes }), path: target.path };
}
