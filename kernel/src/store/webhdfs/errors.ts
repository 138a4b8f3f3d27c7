import type { IncomingMessage } from 'node:http';
import { FlowbookError } from '../../errors';
import { TOKEN_COMMAND_SETTING, TOKEN_SETTING, USER_SETTING } from './options';

/** The cluster's own answer, from a RemoteException JSON body: which Java exception, and its message. */
export class WebHdfsRemoteError extends FlowbookError {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly javaClassName: string,
    readonly remoteMessage: string,
    operation: string,
    path: string,
    hint: string = hintFor(exception),
  ) {
    super('HdfsRemoteException', `HDFS ${operation} ${path} failed: ${exception}: ${remoteMessage}`, hint, {
      status,
      exception,
      javaClassName,
      operation,
      path,
    });
  }
}

function hintFor(exception: string): string {
  switch (exception) {
    case 'FileNotFoundException':
      return 'check the path (HDFS paths are case-sensitive) with %store ls';
    case 'AccessControlException':
      return `ask the path's owner for access, or act as a permitted user (${USER_SETTING}) or with their delegation token (${TOKEN_SETTING})`;
    case 'InvalidToken':
      return `the delegation token expired or is unknown to this cluster: fetch a fresh one (op=GETDELEGATIONTOKEN) and set ${TOKEN_SETTING}, or set ${TOKEN_COMMAND_SETTING} to a command that prints one`;
    case 'FileAlreadyExistsException':
      return 'write to another path, or remove the existing one first';
    case 'StandbyException':
      return 'list every NameNode of the HA pair in the URI: hdfs://nn1:9870,nn2:9870/path';
    default:
      return 'see the cluster message above; the NameNode log has the details';
  }
}

/** Reads a failed WebHDFS response into the error a user should see. */
export async function failureFrom(res: IncomingMessage, operation: string, path: string, from: string): Promise<FlowbookError> {
  const status = res.statusCode ?? 0;
  const body = await readText(res, 64 * 1024);
  if (status === 401 && /negotiate/i.test(String(res.headers['www-authenticate'] ?? ''))) {
    return new FlowbookError(
      'HdfsKerberosRequired',
      `this cluster requires Kerberos: ${from} answered HDFS ${operation} ${path} with 401 Negotiate, and Flowbook does not do SPNEGO`,
      `pass a delegation token: set ${TOKEN_SETTING} (or the \`token\` option) to the urlString that \`curl --negotiate -u : "http://NAMENODE:9870/webhdfs/v1/?op=GETDELEGATIONTOKEN"\` prints after kinit, and ${TOKEN_COMMAND_SETTING} to that command to renew it when it expires`,
      { operation, path, from },
    );
  }
  const remote = parseRemoteException(body);
  if (remote) return new WebHdfsRemoteError(status, remote.exception, remote.javaClassName, remote.message, operation, path);
  return new FlowbookError(
    'HdfsHttpError',
    `HDFS ${operation} ${path} failed: ${from} answered HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ' with an empty body'}`,
    status === 400 ? 'the server refused the request as malformed; check the path for unusual characters' : 'check the cluster address and that WebHDFS is enabled (dfs.webhdfs.enabled)',
    { status, operation, path, from },
  );
}

function parseRemoteException(body: string): { exception: string; javaClassName: string; message: string } | undefined {
  try {
    const remote = (JSON.parse(body) as { RemoteException?: Record<string, unknown> }).RemoteException;
    if (remote && typeof remote.exception === 'string') {
      return {
        exception: remote.exception,
        javaClassName: typeof remote.javaClassName === 'string' ? remote.javaClassName : '',
        message: typeof remote.message === 'string' ? remote.message : '',
      };
    }
  } catch {
    // Not JSON: a proxy or Jetty error page; reported as plain HTTP.
  }
  return undefined;
}

export async function readText(res: IncomingMessage, limit = Infinity): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (size < limit) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * When no NameNode could be reached at all, the client's error names addresses; this restates it for
 * the location the user wrote (`subject`) and where that location is set, which is what they edit.
 * Any other error is returned as it is.
 */
export function unreachableLocation(e: unknown, kind: string, subject: string, whereSet: string, location: string): unknown {
  if (!(e instanceof FlowbookError) || e.kind !== 'HdfsNoActiveNameNode' || e.context.unreachable !== true) return e;
  return new FlowbookError(
    kind,
    `cannot reach ${subject}: ${(e.context.reasons as string[]).join('; ')}`,
    `check the NameNode host and its WebHDFS HTTP port (9870 on Hadoop 3, 50070 on Hadoop 2) in ${whereSet}; for HA list every NameNode: hdfs://nn1:9870,nn2:9870/path`,
    { ...e.context, location },
  );
}
