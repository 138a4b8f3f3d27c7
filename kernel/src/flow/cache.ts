import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Table } from 'apache-arrow';
import type { KeyMetric } from '@flowbook/magics';
import { stringifyJson } from '../data/convert';
import { queryArrow, quoteLiteral, withDuckDB } from '../data/duckdb';
import { readParquet, writeParquet } from '../data/parquet';
import { logicalTypeName, renderTablePreview } from '../data/preview';
import type { TablePreview } from '../data/preview';
import { temporaryKeyFor } from '../store/store';
import type { Store } from '../store/store';

/** What a stored node output holds; written last, so its presence marks a complete entry. */
export interface Manifest {
  format: 1;
  node: string;
  kind: string;
  fingerprint: string;
  /** One Parquet file per output port. */
  ports: Record<string, { file: string; rows: number; schema: { name: string; type: string; nullable: boolean }[] }>;
  inputs: { name: string; node: string; port?: string; fingerprint: string }[];
  timings: { startedAt: string; durationMs: number };
  summary: Record<string, unknown>;
  metric?: KeyMetric;
  warnings: string[];
  artifacts: Record<string, unknown>;
  display?: Record<string, unknown>;
  /** The preview of each port, rendered once, so a cached cell shows it without reading the Parquet. */
  previews: Record<string, TablePreview>;
}

export type ManifestFacts = Omit<Manifest, 'format' | 'ports' | 'previews'>;

/** Rows a stored preview shows. */
export const PREVIEW_ROWS = 10;

/** A port's written output: its row count and its first rows (for the schema and the preview). */
interface WrittenPort {
  rows: number;
  head: Table;
}

/**
 * Node outputs on the store: `nodes/<id>/<fingerprint>/` holds `<port>.parquet` files and
 * `manifest.json`. An entry is written under a temporary key and published whole, so a reader (or
 * the next kernel) finds a complete entry or none.
 */
export class NodeCache {
  constructor(readonly store: Store) {}

  static key(node: string, fingerprint: string): string {
    return `nodes/${node}/${fingerprint}`;
  }

  /** The manifest of a stored output, or undefined when this fingerprint was never stored. */
  async lookup(node: string, fingerprint: string): Promise<Manifest | undefined> {
    const key = `${NodeCache.key(node, fingerprint)}/manifest.json`;
    if (!(await this.store.exists(key))) return undefined;
    return JSON.parse(new TextDecoder().decode(await this.store.read(key))) as Manifest;
  }

  /** Stores tables computed in memory. */
  async save(tables: Record<string, Table>, facts: ManifestFacts): Promise<Manifest> {
    return this.commit(facts.node, facts.fingerprint, Object.keys(tables), async (files) => {
      const ports: Record<string, WrittenPort> = {};
      for (const [port, table] of Object.entries(tables)) {
        await writeParquet(table, files[port]!);
        ports[port] = { rows: table.numRows, head: table };
      }
      return { ports, facts };
    });
  }

  /** Stores outputs that `write` puts straight into the Parquet files it is given, one per port. */
  async saveWritten(
    node: string,
    fingerprint: string,
    portNames: readonly string[],
    write: (files: Record<string, string>) => Promise<{ rows: Record<string, number>; facts: ManifestFacts }>,
  ): Promise<Manifest> {
    return this.commit(node, fingerprint, portNames, async (files) => {
      const { rows, facts } = await write(files);
      const ports: Record<string, WrittenPort> = {};
      for (const port of portNames) ports[port] = { rows: rows[port]!, head: await readHead(files[port]!) };
      return { ports, facts };
    });
  }

  async load(manifest: Manifest, port: string): Promise<Table> {
    const key = `${NodeCache.key(manifest.node, manifest.fingerprint)}/${manifest.ports[port]!.file}`;
    const local = this.store.localPath(key);
    if (local !== undefined) return readParquet(local);
    return withScratchFolder(async (folder) => {
      const file = join(folder, 'table.parquet');
      // Streamed: a large output on a remote store never sits whole in memory.
      await pipeline(Readable.from(this.store.readStream(key)), createWriteStream(file));
      return readParquet(file);
    });
  }

  /** Forgets every stored node output. */
  async clear(): Promise<void> {
    await this.store.remove('nodes');
  }

  /**
   * Writes the Parquet files (into the temporary key's folder on a local store, else into a local
   * scratch folder, then uploads them), then the manifest, then publishes the whole entry.
   */
  private async commit(
    node: string,
    fingerprint: string,
    portNames: readonly string[],
    produce: (files: Record<string, string>) => Promise<{ ports: Record<string, WrittenPort>; facts: ManifestFacts }>,
  ): Promise<Manifest> {
    const key = NodeCache.key(node, fingerprint);
    const temporary = temporaryKeyFor(key);
    const localFolder = this.store.localPath(temporary);
    return withScratchFolder(async (scratch) => {
      const folder = localFolder ?? scratch;
      await mkdir(folder, { recursive: true });
      const files = Object.fromEntries(portNames.map((port) => [port, join(folder, `${port}.parquet`)]));
      try {
        const { ports, facts } = await produce(files);
        if (localFolder === undefined) {
          for (const port of portNames) await this.store.write(`${temporary}/${port}.parquet`, createReadStream(files[port]!));
        }
        const manifest: Manifest = { format: 1, ...facts, ports: {}, previews: {} };
        for (const [port, { rows, head }] of Object.entries(ports)) {
          manifest.ports[port] = {
            file: `${port}.parquet`,
            rows,
            schema: head.schema.fields.map((f) => ({ name: f.name, type: logicalTypeName(f.type), nullable: f.nullable })),
          };
          manifest.previews[port] = renderTablePreview(head, { maxRows: PREVIEW_ROWS, totalRows: rows });
        }
        await this.store.write(`${temporary}/manifest.json`, new TextEncoder().encode(stringifyJson(manifest, 1)));
        await this.store.publish(temporary, key);
        return manifest;
      } catch (error) {
        await this.store.remove(temporary);
        throw error;
      }
    });
  }
}

/** The first rows of a Parquet file, for its schema and preview, without reading the rest. */
async function readHead(file: string): Promise<Table> {
  return withDuckDB((connection) => queryArrow(connection, `SELECT * FROM read_parquet(${quoteLiteral(file)}) LIMIT ${PREVIEW_ROWS}`));
}

async function withScratchFolder<T>(work: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'flowbook-cache-'));
  try {
    return await work(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
