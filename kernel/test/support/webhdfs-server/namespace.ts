import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { failures } from './remote-exception';

/** The JSON FileStatus object of the WebHDFS specification. */
export interface FileStatusJson {
  accessTime: number;
  blockSize: number;
  childrenNum: number;
  fileId: number;
  group: string;
  length: number;
  modificationTime: number;
  owner: string;
  pathSuffix: string;
  permission: string;
  replication: number;
  storagePolicy: number;
  type: 'FILE' | 'DIRECTORY';
}

/**
 * The HDFS namespace of the test server, kept in a temporary directory so that gigabyte uploads
 * stream to disk instead of memory. Methods follow HDFS semantics (rename into an existing folder,
 * false instead of an error where the NameNode answers `{"boolean": false}`), throwing
 * RemoteFailure where the NameNode answers with a RemoteException.
 */
export class DiskNamespace {
  constructor(readonly root: string) {}

  /** `/a/b` → the file on disk. Segments were already percent-decoded by the server. */
  diskPath(hdfsPath: string): string {
    const segments = splitPath(hdfsPath);
    return path.join(this.root, ...segments);
  }

  async status(hdfsPath: string, pathSuffix = ''): Promise<FileStatusJson> {
    const stats = await this.stat(hdfsPath);
    if (!stats) throw failures.fileNotFound(hdfsPath);
    return toStatus(stats, pathSuffix, stats.isDirectory() ? (await fs.readdir(this.diskPath(hdfsPath))).length : 0);
  }

  async list(hdfsPath: string): Promise<FileStatusJson[]> {
    const stats = await this.stat(hdfsPath);
    if (!stats) throw failures.fileNotFound(hdfsPath);
    if (!stats.isDirectory()) return [toStatus(stats, '', 0)];
    const names = (await fs.readdir(this.diskPath(hdfsPath))).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return Promise.all(names.map((name) => this.status(joinPath(hdfsPath, name), name)));
  }

  async mkdirs(hdfsPath: string): Promise<boolean> {
    await this.assertNoFileOnTheWay(hdfsPath);
    await fs.mkdir(this.diskPath(hdfsPath), { recursive: true });
    return true;
  }

  /** Checks made by the NameNode before it redirects a CREATE to a DataNode. */
  async checkCreate(hdfsPath: string, overwrite: boolean): Promise<void> {
    const stats = await this.stat(hdfsPath);
    if (stats?.isDirectory()) throw failures.alreadyExists(`${hdfsPath} is a directory:`);
    if (stats && !overwrite) throw failures.alreadyExists(hdfsPath);
    await this.assertNoFileOnTheWay(parentOf(hdfsPath));
  }

  async checkFile(hdfsPath: string): Promise<Stats> {
    const stats = await this.stat(hdfsPath);
    if (!stats) throw failures.fileNotFound(hdfsPath);
    if (stats.isDirectory()) throw failures.fileNotFound(`Path is not a file: ${hdfsPath}`);
    return stats;
  }

  /** The classic RENAME: false (not an error) for a missing source, an existing file or a missing parent. */
  async rename(source: string, destination: string): Promise<boolean> {
    if (!(await this.stat(source)) || !(await this.stat(parentOf(destination)))) return false;
    const target = await this.stat(destination);
    let finalDestination = destination;
    if (target?.isDirectory()) finalDestination = joinPath(destination, splitPath(source).at(-1) ?? '');
    else if (target) return false;
    if (await this.stat(finalDestination)) return false;
    await fs.rename(this.diskPath(source), this.diskPath(finalDestination));
    return true;
  }

  /**
   * RENAME with `renameoptions` (Hadoop's rename2): never moves into an existing folder; an existing
   * destination is replaced with OVERWRITE, else FileAlreadyExistsException.
   */
  async renameWithOptions(source: string, destination: string, overwrite: boolean): Promise<void> {
    const from = await this.stat(source);
    if (!from) throw failures.fileNotFound(`rename source ${source} is not found.`);
    if (!(await this.stat(parentOf(destination)))) throw failures.fileNotFound(`rename destination parent ${parentOf(destination)} not found.`);
    const to = await this.stat(destination);
    if (to && !overwrite) throw failures.alreadyExists(`rename destination ${destination} already exists.`);
    if (to?.isDirectory() && (await fs.readdir(this.diskPath(destination))).length > 0) {
      throw failures.ioError(`rename destination directory is not empty: ${destination}`);
    }
    if (to && to.isDirectory() !== from.isDirectory()) {
      throw failures.ioError(`Source ${source} and destination ${destination} must both be directories or files`);
    }
    if (to?.isDirectory()) await fs.rmdir(this.diskPath(destination));
    await fs.rename(this.diskPath(source), this.diskPath(destination));
  }

  async delete(hdfsPath: string, recursive: boolean): Promise<boolean> {
    const stats = await this.stat(hdfsPath);
    if (!stats) return false;
    if (stats.isDirectory() && !recursive && (await fs.readdir(this.diskPath(hdfsPath))).length > 0) {
      throw failures.directoryNotEmpty(hdfsPath);
    }
    await fs.rm(this.diskPath(hdfsPath), { recursive: true, force: true });
    return true;
  }

  private async stat(hdfsPath: string): Promise<Stats | undefined> {
    try {
      return await fs.stat(this.diskPath(hdfsPath));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  private async assertNoFileOnTheWay(hdfsPath: string): Promise<void> {
    const segments = splitPath(hdfsPath);
    for (let i = 1; i <= segments.length; i++) {
      const prefix = '/' + segments.slice(0, i).join('/');
      const stats = await this.stat(prefix);
      if (stats && !stats.isDirectory()) {
        throw failures.alreadyExists(`Parent path is not a directory: ${prefix}`);
      }
    }
  }
}

export function splitPath(hdfsPath: string): string[] {
  const segments = hdfsPath.split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (s === '.' || s === '..' || s.includes('\0')) throw failures.badArgument(`Invalid path name ${hdfsPath}`);
  }
  return segments;
}

export function joinPath(parent: string, name: string): string {
  return parent.endsWith('/') ? parent + name : `${parent}/${name}`;
}

export function parentOf(hdfsPath: string): string {
  const segments = splitPath(hdfsPath);
  return '/' + segments.slice(0, -1).join('/');
}

let nextFileId = 16386;

function toStatus(stats: Stats, pathSuffix: string, childrenNum: number): FileStatusJson {
  const directory = stats.isDirectory();
  return {
    accessTime: directory ? 0 : Math.floor(stats.atimeMs),
    blockSize: directory ? 0 : 134217728,
    childrenNum,
    fileId: nextFileId++,
    group: 'supergroup',
    length: directory ? 0 : stats.size,
    modificationTime: Math.floor(stats.mtimeMs),
    owner: 'analyst',
    pathSuffix,
    permission: directory ? '755' : '644',
    replication: directory ? 0 : 3,
    storagePolicy: 0,
    type: directory ? 'DIRECTORY' : 'FILE',
  };
}
