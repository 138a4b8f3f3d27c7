import { request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The connection failed (refused, unknown host, reset, idle too long) before an HTTP answer came. */
export class ConnectionFailure extends Error {
  constructor(
    readonly address: string,
    readonly code: string,
    /** False: the address could not be reached. True: it was reached, and the connection broke off later. */
    readonly afterConnect: boolean,
    cause: unknown,
  ) {
    super(`${address}: ${code}`, { cause });
  }
}

const connectionCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

/**
 * Sends one HTTP request and resolves with the response head; the body is left to the caller.
 * Redirects are never followed here: WebHDFS's two steps are the client's job. An upload body is
 * piped with backpressure (the next chunk is pulled only when the socket has taken the last).
 */
export function send(url: URL, method: string, body: AsyncIterable<Uint8Array> | undefined, idleTimeoutMs: number): Promise<IncomingMessage> {
  const address = url.host;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { 'Content-Type': 'application/octet-stream' } : {} });
    let connected = false;
    req.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (connected = true));
      else connected = true;
    });
    const failure = (e: NodeJS.ErrnoException) =>
      e.code && connectionCodes.has(e.code) ? new ConnectionFailure(address, e.code, connected, e) : e;
    req.setTimeout(idleTimeoutMs, () => req.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' })));
    req.once('response', resolve);
    req.once('error', (e: NodeJS.ErrnoException) => reject(failure(e)));
    if (body) {
      // pipeline destroys `req` on a failing body, so the caller sees the body's own error.
      pipeline(Readable.from(body, { objectMode: false }), req).catch((e: NodeJS.ErrnoException) => reject(failure(e)));
    } else {
      req.end();
    }
  });
}
