import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DiskNamespace, parentOf } from './namespace';
import { failures, RemoteFailure, sendJson, sendRemoteFailure } from './remote-exception';
import { TokenBook } from './tokens';

export type NameNodeState = 'active' | 'standby';

export interface WebHdfsServerOptions {
  /** One entry per NameNode (HA clusters have one active and one or more standbys). Default: one active. */
  nameNodes?: NameNodeState[];
  /**
   * The DataNode address (`host:port`) the NameNode names in its 307 Location. Default: the real
   * DataNode's. A docker container id here reproduces the unreachable-DataNode case.
   */
  advertisedDataNode?: string;
  /** `kerberos`: any request without a valid `delegation=` token gets 401 with `WWW-Authenticate: Negotiate`. */
  security?: 'simple' | 'kerberos';
  /** Whether the NameNode carries `delegation=` into the DataNode Location, as Hadoop does. Default true. */
  delegationInRedirect?: boolean;
  /** HDFS path prefixes that every user is denied (AccessControlException). */
  deniedPaths?: string[];
  /** Where the namespace lives on disk. Default: a new temporary directory, removed on stop(). */
  root?: string;
}

export interface RecordedRequest {
  node: 'namenode' | 'datanode';
  /** Which NameNode answered (index into `nameNodeAddresses`); undefined for the DataNode. */
  nameNodeIndex?: number;
  method: string;
  /** The request target exactly as it came over the wire (path and query, still percent-encoded). */
  rawUrl: string;
  op: string;
  params: URLSearchParams;
  /** Body bytes received; for DataNode uploads it grows while the upload streams. */
  bodyBytes: number;
}

export interface WebHdfsTestServer {
  /** `host:port` of each NameNode, in the order of `options.nameNodes`. */
  readonly nameNodeAddresses: string[];
  /** `host:port` where the DataNode really listens. */
  readonly dataNodeAddress: string;
  readonly namespace: DiskNamespace;
  readonly requests: RecordedRequest[];
  readonly tokens: TokenBook;
  /** Bytes the DataNode has taken from upload bodies / read from disk for downloads, for backpressure checks. */
  readonly counters: { dataNodeBytesReceived: number; dataNodeBytesSent: number };
  /** Failure and timing knobs, changeable between requests. */
  readonly behaviour: {
    /** Awaited after a CREATE body is fully on disk and before the DataNode answers 201. */
    beforeCreated?: (hdfsPath: string) => Promise<void>;
    /** The DataNode stops taking upload bytes for this long after each chunk (a slow disk). */
    dataNodeChunkDelayMs: number;
    /** The DataNode drops the connection once an upload has sent more than this many bytes. */
    crashUploadAfterBytes?: number;
    /** The DataNode drops the connection once a download has sent more than this many bytes. */
    crashDownloadAfterBytes?: number;
    /** Which uploads `crashUploadAfterBytes` breaks, by HDFS path (the DataNode dying under one writer). Default: all. */
    crashUploadsOf?: (hdfsPath: string) => boolean;
  };
  setNameNodeState(index: number, state: NameNodeState): void;
  stop(): Promise<void>;
}

/**
 * An in-process WebHDFS cluster following Hadoop's WebHDFS REST specification: NameNodes and a
 * DataNode on separate ephemeral ports, CREATE/APPEND/OPEN answered by the NameNode with a real 307
 * to the DataNode, RemoteException bodies with Hadoop's status codes, standby NameNodes, a
 * Kerberos-required mode and expiring delegation tokens.
 */
export async function startWebHdfsServer(options: WebHdfsServerOptions = {}): Promise<WebHdfsTestServer> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'flowbook-webhdfs-')));
  const namespace = new DiskNamespace(root);
  const tokens = new TokenBook();
  const requests: RecordedRequest[] = [];
  const counters = { dataNodeBytesReceived: 0, dataNodeBytesSent: 0 };
  const behaviour: WebHdfsTestServer['behaviour'] = { dataNodeChunkDelayMs: 0 };
  const states = [...(options.nameNodes ?? ['active'])];
  const security = options.security ?? 'simple';
  const denied = options.deniedPaths ?? [];

  const dataNode = createServer((req, res) => {
    const request = record(req, 'datanode');
    handleDataNode(req, res, request).catch((e) => answerFailure(res, e));
  });
  const dataNodeAddress = await listen(dataNode);
  const advertised = options.advertisedDataNode ?? dataNodeAddress;

  const nameNodes = states.map((_, index) =>
    createServer((req, res) => {
      const request = record(req, 'namenode', index);
      handleNameNode(req, res, request, index).catch((e) => answerFailure(res, e));
    }),
  );
  const nameNodeAddresses = await Promise.all(nameNodes.map(listen));

  function record(req: IncomingMessage, node: RecordedRequest['node'], nameNodeIndex?: number): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://server');
    const request: RecordedRequest = {
      node,
      nameNodeIndex,
      method: req.method ?? 'GET',
      rawUrl: req.url ?? '/',
      op: (url.searchParams.get('op') ?? '').toUpperCase(),
      params: url.searchParams,
      bodyBytes: 0,
    };
    requests.push(request);
    return request;
  }

  async function handleNameNode(req: IncomingMessage, res: ServerResponse, request: RecordedRequest, index: number) {
    // A NameNode takes no file bodies; count what a wrong client sends so tests can see it.
    for await (const chunk of req) request.bodyBytes += (chunk as Buffer).length;
    const { hdfsPath, rawPath } = decodeTarget(request.rawUrl);
    const params = request.params;
    if (states[index] === 'standby') throw failures.standby();
    const user = authenticate(params, res);
    if (user === undefined) return;
    checkAccess(user, hdfsPath);
    const op = request.op;
    const method = request.method;
    const redirect = (extra: string[]) => {
      const query = [`op=${op}`, 'namenoderpcaddress=localhost:8020', ...extra];
      const token = params.get('delegation');
      if (token !== null && options.delegationInRedirect !== false) query.push(`delegation=${encodeURIComponent(token)}`);
      res.writeHead(307, { Location: `http://${advertised}/webhdfs/v1${rawPath}?${query.join('&')}`, 'Content-Length': 0 });
      res.end();
    };
    const passThrough = (...names: string[]) =>
      names.filter((n) => params.has(n)).map((n) => `${n}=${encodeURIComponent(params.get(n) ?? '')}`);

    if (method === 'GET' && op === 'GETFILESTATUS') return sendJson(res, { FileStatus: await namespace.status(hdfsPath) });
    if (method === 'GET' && op === 'LISTSTATUS') return sendJson(res, { FileStatuses: { FileStatus: await namespace.list(hdfsPath) } });
    if (method === 'GET' && op === 'OPEN') {
      await namespace.checkFile(hdfsPath);
      return redirect(passThrough('offset', 'length', 'buffersize'));
    }
    if (method === 'GET' && op === 'GETDELEGATIONTOKEN') {
      return sendJson(res, { Token: { urlString: tokens.issue(user) } });
    }
    if (method === 'PUT' && op === 'CREATE') {
      await namespace.checkCreate(hdfsPath, params.get('overwrite') === 'true');
      return redirect(passThrough('overwrite', 'blocksize', 'replication', 'permission', 'buffersize'));
    }
    if (method === 'POST' && op === 'APPEND') {
      await namespace.checkFile(hdfsPath);
      return redirect(passThrough('buffersize'));
    }
    if (method === 'PUT' && op === 'MKDIRS') return sendJson(res, { boolean: await namespace.mkdirs(hdfsPath) });
    if (method === 'PUT' && op === 'RENAME') {
      const destination = params.get('destination');
      if (!destination?.startsWith('/')) throw failures.badArgument(`Invalid value for webhdfs parameter "destination": ${destination}`);
      checkAccess(user, destination);
      const renameOptions = (params.get('renameoptions') ?? '').split(',').filter((o) => o !== '');
      if (renameOptions.length === 0) return sendJson(res, { boolean: await namespace.rename(hdfsPath, destination) });
      if (!renameOptions.every((o) => o === 'OVERWRITE' || o === 'NONE')) {
        throw failures.badArgument(`Invalid value for webhdfs parameter "renameoptions": ${params.get('renameoptions')}`);
      }
      await namespace.renameWithOptions(hdfsPath, destination, renameOptions.includes('OVERWRITE'));
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
      return res.end();
    }
    if (method === 'PUT' && op === 'RENEWDELEGATIONTOKEN') {
      return sendJson(res, { long: tokens.renew(params.get('token') ?? '') });
    }
    if (method === 'DELETE' && op === 'DELETE') {
      return sendJson(res, { boolean: await namespace.delete(hdfsPath, params.get('recursive') === 'true') });
    }
    throw failures.badArgument(`Invalid value for webhdfs parameter "op": No enum constant for ${method} ${op}`);
  }

  async function handleDataNode(req: IncomingMessage, res: ServerResponse, request: RecordedRequest) {
    const { hdfsPath, rawPath } = decodeTarget(request.rawUrl);
    const params = request.params;
    if (!params.has('namenoderpcaddress')) throw failures.badArgument('namenoderpcaddress is not specified.');
    const token = params.get('delegation');
    if (token !== null) tokens.check(token);
    else if (security === 'kerberos') {
      throw new RemoteFailure(
        403,
        'AccessControlException',
        'org.apache.hadoop.security.AccessControlException',
        'Client cannot authenticate via:[TOKEN, KERBEROS]',
      );
    }
    if (request.method === 'PUT' && request.op === 'CREATE') {
      await namespace.checkCreate(hdfsPath, params.get('overwrite') === 'true');
      await namespace.mkdirs(parentOf(hdfsPath));
      await receiveBody(req, request, hdfsPath, 'w');
      await behaviour.beforeCreated?.(hdfsPath);
      res.writeHead(201, { Location: `hdfs://localhost:8020${rawPath}`, 'Content-Length': 0 });
      return res.end();
    }
    if (request.method === 'POST' && request.op === 'APPEND') {
      await namespace.checkFile(hdfsPath);
      await receiveBody(req, request, hdfsPath, 'a');
      res.writeHead(200, { 'Content-Length': 0 });
      return res.end();
    }
    if (request.method === 'GET' && request.op === 'OPEN') {
      const stats = await namespace.checkFile(hdfsPath);
      const offset = Number(params.get('offset') ?? 0);
      if (!Number.isInteger(offset) || offset < 0 || offset > stats.size) {
        throw failures.ioError(`Offset=${params.get('offset')} out of the range [0, ${stats.size}]; OPEN, path=${hdfsPath}`);
      }
      const requested = params.has('length') ? Number(params.get('length')) : Infinity;
      const length = Math.min(requested, stats.size - offset);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': length });
      if (length === 0) return res.end();
      const source = createReadStream(namespace.diskPath(hdfsPath), { start: offset, end: offset + length - 1 });
      let sent = 0;
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          counters.dataNodeBytesSent += chunk.length;
          const crashAfter = behaviour.crashDownloadAfterBytes;
          if (crashAfter !== undefined && sent > crashAfter) {
            res.socket?.destroy();
            return done(new Error('DataNode went away'));
          }
          done(null, chunk);
        },
      });
      return pipeline(source, counting, res);
    }
    throw failures.badArgument(`Invalid value for webhdfs parameter "op": No enum constant for ${request.method} ${request.op}`);
  }

  async function receiveBody(req: IncomingMessage, request: RecordedRequest, hdfsPath: string, flags: 'w' | 'a') {
    const crashes = behaviour.crashUploadsOf?.(hdfsPath) ?? true;
    const taking = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        request.bodyBytes += chunk.length;
        counters.dataNodeBytesReceived += chunk.length;
        const crashAfter = behaviour.crashUploadAfterBytes;
        if (crashes && crashAfter !== undefined && request.bodyBytes > crashAfter) {
          req.socket.destroy();
          return done(new Error('DataNode went away'));
        }
        if (behaviour.dataNodeChunkDelayMs === 0) return done(null, chunk);
        setTimeout(() => done(null, chunk), behaviour.dataNodeChunkDelayMs);
      },
    });
    await pipeline(req, taking, createWriteStream(namespace.diskPath(hdfsPath), { flags }));
  }

  /** Returns the acting user, or undefined after answering 401 (Kerberos required). */
  function authenticate(params: URLSearchParams, res: ServerResponse): string | undefined {
    const token = params.get('delegation');
    if (token !== null && (params.has('user.name') || params.has('doas'))) {
      throw failures.badArgument('delegation cannot be combined with user.name or doas');
    }
    if (token !== null) return tokens.check(token);
    if (security === 'kerberos') {
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate', 'Content-Type': 'text/html' });
      res.end('<html><body><h2>HTTP ERROR 401 Authentication required</h2></body></html>');
      return undefined;
    }
    return params.get('user.name') ?? 'dr.who';
  }

  function checkAccess(user: string, hdfsPath: string) {
    const prefix = denied.find((d) => hdfsPath === d || hdfsPath.startsWith(d.endsWith('/') ? d : `${d}/`));
    if (prefix !== undefined) throw failures.accessDenied(user, prefix);
  }

  return {
    nameNodeAddresses,
    dataNodeAddress,
    namespace,
    requests,
    tokens,
    counters,
    behaviour,
    setNameNodeState(index, state) {
      states[index] = state;
    },
    async stop() {
      for (const server of [dataNode, ...nameNodes]) server.closeAllConnections();
      await Promise.all([dataNode, ...nameNodes].map((s) => new Promise((resolve) => s.close(resolve))));
      if (ownRoot) await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** Splits `/webhdfs/v1/<path>?…` and percent-decodes each path segment once, strictly (a stray `%` is a 400). */
function decodeTarget(rawUrl: string): { hdfsPath: string; rawPath: string } {
  if (!rawUrl.startsWith('/webhdfs/v1/')) throw failures.badArgument(`Not a WebHDFS URL: ${rawUrl}`);
  const rawPath = rawUrl.split('?')[0].slice('/webhdfs/v1'.length);
  try {
    const hdfsPath = '/' + rawPath.split('/').filter((s) => s !== '').map(decodeURIComponent).join('/');
    return { hdfsPath, rawPath };
  } catch {
    throw failures.badArgument(`Illegal percent-encoding in path: ${rawPath}`);
  }
}

function answerFailure(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof RemoteFailure) return sendRemoteFailure(res, error);
  sendRemoteFailure(res, new RemoteFailure(500, 'RuntimeException', 'java.lang.RuntimeException', String(error)));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}
