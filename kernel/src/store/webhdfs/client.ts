import type { IncomingMessage } from 'node:http';
import { FlowbookError } from '../../errors';
import { failureFrom, readText, WebHdfsRemoteError } from './errors';
import { DATANODE_MAP_SETTING, type WebHdfsOptions } from './options';
import { encodeHdfsPath, encodeQueryValue, normalizeHdfsPath } from './paths';
import { ConnectionFailure, send } from './transport';

/** A FileStatus object of the WebHDFS specification. */
export interface HdfsFileStatus {
  /** The entry's own name in LISTSTATUS (decoded: exactly the name on HDFS); empty in GETFILESTATUS. */
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  /** Milliseconds since the epoch. */
  modificationTime: number;
  accessTime: number;
  blockSize: number;
  owner: string;
  group: string;
  permission: string;
  replication: number;
}

export type UploadBody = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * A WebHDFS REST client on Node's own `http`. CREATE, APPEND and OPEN are two explicit steps: the
 * NameNode request goes without a body and its 307 is not followed automatically; the body (or the
 * download) then goes to the DataNode the Location names, after the DataNode address map. Errors are
 * FlowbookErrors; RemoteException answers become WebHdfsRemoteError.
 */
export class WebHdfsClient {
  private activeNameNode = 0;
  private token: string | undefined;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: WebHdfsOptions) {
    if (options.nameNodes.length === 0) {
      throw new FlowbookError('HdfsNoNameNode', 'no HDFS NameNode address given', 'name one: hdfs://namenode:9870/path');
    }
    this.token = options.token;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  async getFileStatus(path: string): Promise<HdfsFileStatus> {
    const res = await this.withTokenRefresh(() => this.nameNode('GET', path, 'GETFILESTATUS'));
    return (await readJson<{ FileStatus: HdfsFileStatus }>(res)).FileStatus;
  }

  async listStatus(path: string): Promise<HdfsFileStatus[]> {
    const res = await this.withTokenRefresh(() => this.nameNode('GET', path, 'LISTSTATUS'));
    return (await readJson<{ FileStatuses: { FileStatus: HdfsFileStatus[] } }>(res)).FileStatuses.FileStatus;
  }

  /** True on 200, false only on 404 FileNotFoundException; any other answer (401, 403, 5xx) throws. */
  async exists(path: string): Promise<boolean> {
    try {
      await this.getFileStatus(path);
      return true;
    } catch (e) {
      if (e instanceof WebHdfsRemoteError && e.status === 404 && e.exception === 'FileNotFoundException') return false;
      throw e;
    }
  }

  async mkdirs(path: string): Promise<boolean> {
    const res = await this.withTokenRefresh(() => this.nameNode('PUT', path, 'MKDIRS'));
    return (await readJson<{ boolean: boolean }>(res)).boolean;
  }

  /**
   * Writes a file; resolves with the bytes sent, only after the DataNode's 201 Created. The body is
   * streamed with backpressure, never held whole in memory.
   */
  async create(path: string, data: UploadBody, options: { overwrite?: boolean } = {}): Promise<number> {
    const params = { overwrite: String(options.overwrite ?? false) };
    return this.upload('PUT', 'CREATE', 201, path, params, data);
  }

  /** Appends to an existing file; resolves with the bytes sent after the DataNode's 200. */
  async append(path: string, data: UploadBody): Promise<number> {
    return this.upload('POST', 'APPEND', 200, path, {}, data);
  }

  /** Streams a file (or `length` bytes from `offset`) from its DataNode, pulling chunks as they are read. */
  async *open(path: string, options: { offset?: number; length?: number } = {}): AsyncGenerator<Uint8Array> {
    const params: Record<string, string> = {};
    if (options.offset !== undefined) params.offset = String(options.offset);
    if (options.length !== undefined) params.length = String(options.length);
    const res = await this.withTokenRefresh(async () => {
      const redirect = await this.nameNode('GET', path, 'OPEN', params);
      return this.dataNode(redirect, 'GET', undefined, 'OPEN', path, 200);
    });
    const expected = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    let received = 0;
    try {
      for await (const chunk of res) {
        received += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (e) {
      throw brokenDownload(path, res, received, e);
    } finally {
      res.destroy();
    }
    if (expected !== undefined && received !== expected) throw brokenDownload(path, res, received, undefined);
  }

  /**
   * RENAME. Without `overwrite` this is HDFS's classic rename: false when it cannot, and a source moved
   * *into* an existing folder. With `overwrite` set (true or false) it is Hadoop's rename2: never into a
   * folder; an existing destination (a file or an empty folder) is replaced in one step, or, with
   * false, refused with FileAlreadyExistsException.
   */
  async rename(source: string, destination: string, options: { overwrite?: boolean } = {}): Promise<boolean> {
    const params: Record<string, string> = { destination: normalizeHdfsPath(destination) };
    if (options.overwrite !== undefined) params.renameoptions = options.overwrite ? 'OVERWRITE' : 'NONE';
    const res = await this.withTokenRefresh(() => this.nameNode('PUT', source, 'RENAME', params));
    const text = await readText(res);
    // With renameoptions Hadoop answers an empty 200 and reports failures as exceptions.
    return text.trim() === '' ? true : (JSON.parse(text) as { boolean: boolean }).boolean;
  }

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const params = { recursive: String(options.recursive ?? false) };
    const res = await this.withTokenRefresh(() => this.nameNode('DELETE', path, 'DELETE', params));
    return (await readJson<{ boolean: boolean }>(res)).boolean;
  }

  private async upload(method: string, op: string, success: number, path: string, params: Record<string, string>, data: UploadBody): Promise<number> {
    let sent = 0;
    let started = false;
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      started = true;
      sent = 0;
      if (data instanceof Uint8Array) {
        sent = data.length;
        yield data;
        return;
      }
      for await (const chunk of data) {
        sent += chunk.length;
        yield chunk;
      }
    };
    // A one-shot stream cannot be sent twice, so a token refresh retries it only if it was not started.
    const replayable = () => data instanceof Uint8Array || !started;
    await this.withTokenRefresh(async () => {
      const redirect = await this.nameNode(method, path, op, params);
      const res = await this.dataNode(redirect, method, chunks(), op, path, success);
      res.resume();
    }, replayable);
    return sent;
  }

  /**
   * Runs a NameNode request on the active NameNode, failing over to the next on StandbyException or a
   * refused connection. Resolves only with a 2xx or 307 answer; anything else throws.
   */
  private async nameNode(method: string, path: string, op: string, params: Record<string, string> = {}): Promise<IncomingMessage> {
    const nameNodes = this.options.nameNodes;
    const reasons: string[] = [];
    let unreachable = 0;
    for (let i = 0; i < nameNodes.length; i++) {
      const index = (this.activeNameNode + i) % nameNodes.length;
      const address = nameNodes[index];
      let res: IncomingMessage;
      try {
        res = await send(this.url(address, path, op, params), method, undefined, this.idleTimeoutMs);
      } catch (e) {
        if (e instanceof ConnectionFailure && !e.afterConnect) {
          reasons.push(`${address} could not be reached (${e.code})`);
          unreachable++;
          continue;
        }
        throw e instanceof ConnectionFailure ? transferBroken('NameNode', e, op, path) : e;
      }
      const status = res.statusCode ?? 0;
      if ((status >= 200 && status < 300) || status === 307) {
        this.activeNameNode = index;
        return res;
      }
      const failure = await failureFrom(res, op, path, `the NameNode at ${address}`);
      if (failure instanceof WebHdfsRemoteError && failure.exception === 'StandbyException') {
        reasons.push(`${address} is a standby NameNode`);
        continue;
      }
      throw failure;
    }
    throw new FlowbookError(
      'HdfsNoActiveNameNode',
      `no active HDFS NameNode answered ${op} ${path}: ${reasons.join('; ')}`,
      nameNodes.length === 1
        ? 'check the NameNode address and port (the WebHDFS HTTP port, 9870 on Hadoop 3); for HA list every NameNode: hdfs://nn1:9870,nn2:9870/path'
        : 'check that one of the listed NameNodes is active and reachable',
      { nameNodes, op, path, reasons, unreachable: unreachable === nameNodes.length },
    );
  }

  /** The second step: follows the NameNode's 307 to the DataNode (through the address map) with the body. */
  private async dataNode(
    redirect: IncomingMessage,
    method: string,
    body: AsyncIterable<Uint8Array> | undefined,
    op: string,
    path: string,
    success: number,
  ): Promise<IncomingMessage> {
    redirect.resume();
    const location = redirect.headers.location;
    if (redirect.statusCode !== 307 || !location) {
      throw new FlowbookError(
        'HdfsUnexpectedAnswer',
        `HDFS ${op} ${path}: the NameNode answered ${redirect.statusCode} instead of a 307 redirect to a DataNode`,
        'point the URI at a NameNode\'s WebHDFS port (HttpFS gateways are not supported)',
        { op, path, status: redirect.statusCode },
      );
    }
    const named = new URL(location);
    const namedAddress = `${named.hostname}:${named.port || '80'}`;
    const url = this.mapDataNode(named);
    // Hadoop puts the token into the Location itself; a gateway that drops it would make the DataNode refuse us.
    if (this.token !== undefined && !/[?&]delegation=/.test(url.search)) {
      url.search += `${url.search ? '&' : '?'}delegation=${encodeQueryValue(this.token)}`;
    }
    let res: IncomingMessage;
    try {
      res = await send(url, method, body, this.idleTimeoutMs);
    } catch (e) {
      if (e instanceof ConnectionFailure) {
        throw e.afterConnect ? transferBroken('DataNode', e, op, path) : dataNodeUnreachable(namedAddress, url.host, e.code, op, path);
      }
      throw e;
    }
    if (res.statusCode !== success) throw await failureFrom(res, op, path, `the DataNode at ${url.host}`);
    return res;
  }

  private mapDataNode(named: URL): URL {
    const map = this.options.dataNodeMap;
    if (!map || map.size === 0) return named;
    const port = named.port || '80';
    const byAddress = map.get(`${named.hostname.toLowerCase()}:${port}`);
    const byHost = map.get(named.hostname.toLowerCase());
    const target = byAddress ?? byHost;
    if (target === undefined) return named;
    const mapped = new URL(named.href);
    const [host, mappedPort] = target.split(':');
    mapped.hostname = host;
    mapped.port = mappedPort ?? port;
    return mapped;
  }

  private url(address: string, path: string, op: string, params: Record<string, string>): URL {
    const query = [`op=${op}`];
    for (const [name, value] of Object.entries(params)) query.push(`${name}=${encodeQueryValue(value)}`);
    // A token is the only credential sent: mixing it with user.name or doas makes secure clusters answer 403.
    if (this.token !== undefined) query.push(`delegation=${encodeQueryValue(this.token)}`);
    else if (this.options.user !== undefined) query.push(`user.name=${encodeQueryValue(this.options.user)}`);
    return new URL(`http://${address}/webhdfs/v1${encodeHdfsPath(path)}?${query.join('&')}`);
  }

  /** Runs `attempt`; on InvalidToken, asks the token provider once for a fresh token and runs it again. */
  private async withTokenRefresh<T>(attempt: () => Promise<T>, replayable: () => boolean = () => true): Promise<T> {
    try {
      return await attempt();
    } catch (e) {
      const refresh = this.options.refreshToken;
      const rejected = this.token;
      if (!isInvalidToken(e) || rejected === undefined || !refresh || !replayable()) throw e;
      this.token = await refresh(rejected);
      try {
        return await attempt();
      } catch (again) {
        if (!isInvalidToken(again)) throw again;
        throw new WebHdfsRemoteError(
          again.status,
          again.exception,
          again.javaClassName,
          `${again.remoteMessage} (a refreshed token was rejected too)`,
          String(again.context.operation),
          String(again.context.path),
          'the token provider returned a token this cluster does not accept: check it is fetched from this cluster and not already expired',
        );
      }
    }
  }
}

function isInvalidToken(e: unknown): e is WebHdfsRemoteError {
  return e instanceof WebHdfsRemoteError && e.exception === 'InvalidToken';
}

function dataNodeUnreachable(named: string, tried: string, code: string, op: string, path: string): FlowbookError {
  const mapped = named === tried ? '' : ` (mapped to ${tried})`;
  return new FlowbookError(
    'HdfsDataNodeUnreachable',
    `HDFS ${op} ${path}: cannot reach the DataNode ${named}${mapped} that the NameNode redirected to (${code})`,
    `clusters in containers or behind NAT name DataNodes by internal addresses; map this one to an address you can reach with ${DATANODE_MAP_SETTING}="${named}=REACHABLE_HOST:PORT" (or the dataNodeMap option)`,
    { dataNode: named, tried, code, op, path },
  );
}

function transferBroken(node: 'NameNode' | 'DataNode', failure: ConnectionFailure, op: string, path: string): FlowbookError {
  const stalled = failure.code === 'ETIMEDOUT';
  return new FlowbookError(
    'HdfsTransferBroken',
    `HDFS ${op} ${path}: the ${node} at ${failure.address} ${stalled ? 'stopped answering' : 'closed the connection'} before finishing (${failure.code})`,
    `retry; if it repeats, check the ${node} log (a restart, a full disk or a quota)`,
    { node, address: failure.address, code: failure.code, op, path },
  );
}

function brokenDownload(path: string, res: IncomingMessage, received: number, cause: unknown): FlowbookError {
  return new FlowbookError(
    'HdfsDownloadBroken',
    `the download of HDFS ${path} broke off after ${received} of ${res.headers['content-length'] ?? '?'} bytes${cause instanceof Error ? ` (${cause.message})` : ''}`,
    'retry; if it keeps failing, check the DataNode log',
    { path, received },
  );
}

async function readJson<T>(res: IncomingMessage): Promise<T> {
  return JSON.parse(await readText(res)) as T;
}
