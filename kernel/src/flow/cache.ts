import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Table } from 'apache-arrow';
import type { KeyMetric } from '@flowbook/magics';
import { readParquet, writeParquet } from '../data/parquet';
import { logicalTypeName, renderTablePreview } from '../data/preview';
import type { TablePreview } from '../data/preview';
import { stringifyJson } from '../data/convert';
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

  async save(tables: Record<string, Table>, facts: ManifestFacts): Promise<Manifest> {
    const key = NodeCache.key(facts.node, facts.fingerprint);
    const temporary = temporaryKeyFor(key);
    const ports: Manifest['ports'] = {};
    const previews: Manifest['previews'] = {};
    try {
      for (const [port, table] of Object.entries(tables)) {
        const file = `${port}.parquet`;
        await this.writeTable(`${temporary}/${file}`, table);
        ports[port] = {
          file,
          rows: table.numRows,
          schema: table.schema.fields.map((f) => ({ name: f.name, type: logicalTypeName(f.type), nullable: f.nullable })),
        };
        previews[port] = renderTablePreview(table, { maxRows: PREVIEW_ROWS });
      }
      const manifest: Manifest = { format: 1, ...facts, ports, previews };
      await this.store.write(`${temporary}/manifest.json`, new TextEncoder().encode(stringifyJson(manifest, 1)));
      await this.store.publish(temporary, key);
      return manifest;
    } catch (error) {
      await this.store.remove(temporary);
      throw error;
    }
  }

  async load(manifest: Manifest, port: string): Promise<Table> {
    const key = `${NodeCache.key(manifest.node, manifest.fingerprint)}/${manifest.ports[port]!.file}`;
    const local = this.store.localPath(key);
    if (local !== undefined) return readParquet(local);
    return withTemporaryFile(async (file) => {
      await writeFile(file, await this.store.read(key));
      return readParquet(file);
    });
  }

  /** Forgets every stored node output. */
  async clear(): Promise<void> {
    await this.store.remove('nodes');
  }

  /** Forgets the stored outputs of one node (all its fingerprints). */
  async forget(node: string): Promise<void> {
    await this.store.remove(`nodes/${node}`);
  }

  private async writeTable(key: string, table: Table): Promise<void> {
    const local = this.store.localPath(key);
    if (local !== undefined) {
      await mkdir(dirname(local), { recursive: true });
      await writeParquet(table, local);
      return;
    }
    // A remote store gets the bytes DuckDB wrote to a local scratch file.
    await withTemporaryFile(async (file) => {
      await writeParquet(table, file);
      await this.store.write(key, await readFile(file));
    });
  }
}

async function withTemporaryFile<T>(work: (file: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'flowbook-cache-'));
  try {
    return await work(join(folder, 'table.parquet'));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
