import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import { Store } from '../store/store';
import { downloadHdfsSource, listHdfsSource } from '../store/webhdfs';
import { toArrowTable } from './convert';
import { decodeText } from './csv/encoding';
import { csvToParquet, readCsv } from './csv/read-csv';
import { decodeDictionaries } from './dictionary';
import { readArrowIpc } from './ipc';
import { copyParquet, readParquet, writeParquet } from './parquet';
import { SourceFormat, SourceOptions } from './source-options';

export type { SourceOptions } from './source-options';
export { sourceOptionsSchema } from './source-options';

export interface SourceContext {
  /** The notebook's folder: relative locations are resolved against it. */
  baseDir: string;
  store?: Store;
}

export interface LoadedTable {
  table: arrow.Table;
  warnings: string[];
}

const FORMAT_BY_EXTENSION: Partial<Record<string, SourceFormat>> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

/**
 * Reads a `%%source` location (a file, or a folder of part files, relative to the notebook) into one
 * Arrow table. Every row of the input is a row of the output; warnings say what was decided for the
 * user (an encoding, renamed headers, empty columns).
 */
export async function readSource(location: string, options: SourceOptions, ctx: SourceContext): Promise<LoadedTable> {
  if (HDFS_LOCATION.test(location.trim())) return withHdfsCopy(location, (local) => readSource(local, options, ctx));
  const { files, format } = await resolveSource(location, options, ctx);
  switch (format) {
    case 'csv':
    case 'tsv':
      return readCsv(files, { ...options, delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : undefined) });
    case 'parquet':
      return { table: await readParquet(files), warnings: [] };
    case 'arrow':
      return { table: await readArrowFiles(files), warnings: [] };
    case 'json':
    case 'ndjson':
      return { table: await readJsonFiles(files, format, options), warnings: [] };
  }
}

/**
 * Reads a source straight into a Parquet file: CSV and Parquet go from file to Parquet inside DuckDB,
 * the fastest way to store a large source; other formats go through readSource.
 */
export async function sourceToParquet(location: string, options: SourceOptions, ctx: SourceContext, outputFile: string): Promise<{ rows: number; warnings: string[] }> {
  if (HDFS_LOCATION.test(location.trim())) return withHdfsCopy(location, (local) => sourceToParquet(local, options, ctx, outputFile));
  const { files, format } = await resolveSource(location, options, ctx);
  if (format === 'csv' || format === 'tsv') {
    return csvToParquet(files, { ...options, delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : undefined) }, outputFile);
  }
  if (format === 'parquet') return { rows: await copyParquet(files, outputFile), warnings: [] };
  const { table, warnings } = await readSource(location, options, ctx);
  await writeParquet(table, outputFile);
  return { rows: table.numRows, warnings };
}

/**
 * What identifies a source's content without reading it: resolved paths, sizes and modification
 * times of every file (part files included), with the format and options. Part of node fingerprints.
 */
export async function sourceIdentity(location: string, options: SourceOptions, ctx: SourceContext): Promise<string> {
  if (HDFS_LOCATION.test(location.trim())) {
    const { files } = await listHdfsSource(location.trim());
    const facts = files.map((file) => [file.path, file.size, file.modificationTime]);
    return createHash('sha256').update(JSON.stringify({ location: location.trim(), options: sortKeys(options), facts })).digest('hex');
  }
  const { files, format } = await resolveSource(location, options, ctx);
  const facts = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file);
      return [file, info.size, info.mtimeMs];
    }),
  );
  return createHash('sha256').update(JSON.stringify({ format, options: sortKeys(options), facts })).digest('hex');
}

const HDFS_LOCATION = /^(hdfs|webhdfs):\/\//i;

/**
 * `hdfs://` sources are streamed (never held in memory) into a temporary local copy with the same
 * names, then read like local files, so encoding detection and DuckDB apply unchanged.
 */
async function withHdfsCopy<T>(location: string, read: (localPath: string) => Promise<T>): Promise<T> {
  const copyDir = await mkdtemp(join(tmpdir(), 'flowbook-hdfs-source-'));
  try {
    return await read(await downloadHdfsSource(location.trim(), copyDir));
  } finally {
    await rm(copyDir, { recursive: true, force: true });
  }
}

async function resolveSource(location: string, options: SourceOptions, ctx: SourceContext): Promise<{ files: string[]; format: SourceFormat }> {
  const path = localPathOf(location, ctx.baseDir);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new FlowbookError('SourceNotFound', `no file or folder at ${path}`, `check the path; relative paths are read from the notebook's folder (${ctx.baseDir})`, { path, location });
  }
  const files = info.isDirectory() ? await partFiles(path) : [path];
  if (files.length === 0) throw new FlowbookError('SourceNotFound', `the folder ${path} holds no data files`, 'put part files in it (hidden files and names starting with _ are skipped)', { path });
  return { files, format: options.format ?? formatOf(files, path) };
}

function localPathOf(location: string, baseDir: string): string {
  const trimmed = location.trim();
  if (trimmed.startsWith('file://')) return new URL(trimmed).pathname;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new FlowbookError('UnsupportedLocation', `cannot read sources from \`${trimmed}\` yet`, 'copy the file next to the notebook, or use a local path', { location: trimmed });
  }
  return isAbsolute(trimmed) ? trimmed : resolve(baseDir, trimmed);
}

/** Part files of a folder in natural order (part-2 before part-10); hidden and `_`-prefixed markers (`_SUCCESS`) are skipped. */
async function partFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => join(folder, name));
}

function formatOf(files: string[], path: string): SourceFormat {
  const formats = new Set<SourceFormat | undefined>(files.map((file) => FORMAT_BY_EXTENSION[extname(file).toLowerCase()]));
  const [only] = formats;
  if (formats.size === 1 && only !== undefined) return only;
  const extensions = [...new Set(files.map((f) => extname(f) || '(none)'))].join(', ');
  throw new FlowbookError('UnknownSourceFormat', `cannot tell the format of ${path} from its extension (${extensions})`, 'set `format:` to csv, tsv, parquet, arrow, json or ndjson', { path });
}

async function readArrowFiles(files: string[]): Promise<arrow.Table> {
  const tables = await Promise.all(files.map(async (file) => toArrowTable(decodeDictionaries(await readArrowIpc(file)))));
  return tables.length === 1 ? tables[0] : tables[0].concat(...tables.slice(1));
}

async function readJsonFiles(files: string[], format: 'json' | 'ndjson', options: SourceOptions): Promise<arrow.Table> {
  const rows: unknown[] = [];
  for (const file of files) {
    const text = decodeText(await readFile(file), options.encoding, file).utf8.toString('utf8');
    if (format === 'json') {
      const parsed = parseJson(text, file, 1);
      if (!Array.isArray(parsed)) throw new FlowbookError('JsonShapeError', `${file} holds a JSON ${typeof parsed}, not an array of records`, 'write the records as a JSON array, or one record per line (format: ndjson)', { file });
      for (const row of parsed) rows.push(row);
    } else {
      text.split(/\r?\n/).forEach((line, index) => {
        if (line.trim() !== '') rows.push(parseJson(line, file, index + 1));
      });
    }
  }
  return toArrowTable(rows);
}

function parseJson(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FlowbookError('JsonSyntaxError', `${file} line ${line}: ${(error as Error).message}`, 'fix the JSON, or pick the right `format:`', { file, line });
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}
