import type { ServerResponse } from 'node:http';

/**
 * A failure the way Hadoop's WebHDFS reports it: an HTTP status and a RemoteException JSON body
 * (`{"RemoteException":{"exception","javaClassName","message"}}`). Status follows Hadoop's
 * ExceptionHandler: IllegalArgumentException 400, SecurityException 401, FileNotFoundException 404,
 * other IOExceptions (AccessControl, InvalidToken, Standby, FileAlreadyExists, …) 403.
 */
export class RemoteFailure extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly javaClassName: string,
    message: string,
  ) {
    super(message);
  }
}

export const failures = {
  fileNotFound: (path: string) =>
    new RemoteFailure(404, 'FileNotFoundException', 'java.io.FileNotFoundException', `File does not exist: ${path}`),
  accessDenied: (user: string, path: string) =>
    new RemoteFailure(
      403,
      'AccessControlException',
      'org.apache.hadoop.security.AccessControlException',
      `Permission denied: user=${user}, access=READ_EXECUTE, inode="${path}":hdfs:supergroup:drwx------`,
    ),
  invalidToken: (detail: string) =>
    new RemoteFailure(403, 'InvalidToken', 'org.apache.hadoop.security.token.SecretManager$InvalidToken', detail),
  standby: () =>
    new RemoteFailure(
      403,
      'StandbyException',
      'org.apache.hadoop.ipc.StandbyException',
      'Operation category READ is not supported in state standby. Visit https://s.apache.org/sbnn-error',
    ),
  alreadyExists: (path: string) =>
    new RemoteFailure(
      403,
      'FileAlreadyExistsException',
      'org.apache.hadoop.fs.FileAlreadyExistsException',
      `${path} already exists`,
    ),
  directoryNotEmpty: (path: string) =>
    new RemoteFailure(
      403,
      'PathIsNotEmptyDirectoryException',
      'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException',
      `\`${path} is non empty': Directory is not empty`,
    ),
  ioError: (message: string) => new RemoteFailure(403, 'IOException', 'java.io.IOException', message),
  badArgument: (message: string) =>
    new RemoteFailure(400, 'IllegalArgumentException', 'java.lang.IllegalArgumentException', message),
};

export function sendRemoteFailure(res: ServerResponse, failure: RemoteFailure): void {
  const body = JSON.stringify({
    RemoteException: { exception: failure.exception, javaClassName: failure.javaClassName, message: failure.message },
  });
  res.writeHead(failure.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
