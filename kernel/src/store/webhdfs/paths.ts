import { FlowbookError } from '../../errors';

/**
 * Normalises an absolute HDFS path: one leading `/`, no empty, `.` or `..` segments, no trailing `/`.
 * HDFS itself rejects `.` and `..`, so they are refused here with a message instead of a 400 later.
 */
export function normalizeHdfsPath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      throw new FlowbookError('HdfsInvalidPath', `HDFS paths cannot contain "${segment}": ${path}`, 'write the path without . or .. segments', { path });
    }
  }
  return '/' + segments.join('/');
}

/**
 * The path part of a WebHDFS URL: every segment percent-encoded as UTF-8 exactly once. A space is
 * `%20` (never `+`), `+` is `%2B`, `%` is `%25`; `=` stays as it is, because partition folders like
 * `dt=2024-01-01` are matched literally by some gateways (fsspec/filesystem_spec#1428).
 */
export function encodeHdfsPath(path: string): string {
  return normalizeHdfsPath(path)
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%3D/g, '='))
    .join('/');
}

/** A query parameter value (e.g. RENAME's `destination`): the whole value percent-encoded, `/` included. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value);
}

/** Joins a base folder and a '/'-separated key into one normalised HDFS path. */
export function joinHdfsPath(base: string, key: string): string {
  return normalizeHdfsPath(`${base}/${key}`);
}
