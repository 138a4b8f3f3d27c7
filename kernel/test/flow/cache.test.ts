import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { NodeCache } from '../../src/flow/cache';
import type { ManifestFacts } from '../../src/flow/cache';
import { Flow } from '../../src/flow/flow';
import { NodeKindRegistry } from '../../src/nodes/registry';
import { sourceKind } from '../../src/nodes/source';
import { LocalStore } from '../../src/store/local';
import type { Store } from '../../src/store/store';
import { KERNEL_SRC, killWhenPrinted } from '../support/killed-child';
import { temporaryFolder } from './helpers';

const examples = join(__dirname, '../../../examples');

function facts(node: string, fingerprint: string): ManifestFacts {
  return { node, kind: 'test', fingerprint, inputs: [], timings: { startedAt: new Date(0).toISOString(), durationMs: 1 }, summary: {}, warnings: [], artifacts: {} };
}

/** A store that, like WebHDFS, has no local paths: the cache must upload and download bytes. */
function remoteLike(store: Store): Store {
  return {
    uri: `remote:${store.uri}`,
    read: (key) => store.read(key),
    readStream: (key) => store.readStream(key),
    write: (key, data) => store.write(key, data),
    exists: (key) => store.exists(key),
    stat: (key) => store.stat(key),
    list: (prefix) => store.list(prefix),
    remove: (key) => store.remove(key),
    publish: (from, to) => store.publish(from, to),
    localPath: () => undefined,
  };
}

describe('the node cache', () => {
  const table = arrow.tableFromArrays({ n: arrow.vectorFromArray([1, null, 3], new arrow.Int32()), s: ['a', 'b', null] });

  it('stores tables with a manifest of schema, rows and preview, on a store with local paths and on one without', async () => {
    for (const store of [new LocalStore(temporaryFolder()), remoteLike(new LocalStore(temporaryFolder()))]) {
      const cache = new NodeCache(store);
      expect(await cache.lookup('t', 'f1')).toBeUndefined();
      await cache.save({ out: table }, facts('t', 'f1'));
      const manifest = (await cache.lookup('t', 'f1'))!;
      expect(manifest.ports.out).toEqual({ file: 'out.parquet', rows: 3, schema: [{ name: 'n', type: 'int32', nullable: true }, expect.objectContaining({ name: 's' })] });
      expect(manifest.previews.out!['text/plain']).toContain('3 rows × 2 columns');
      const loaded = await cache.load(manifest, 'out');
      expect(loaded.getChild('n')!.toJSON()).toEqual([1, null, 3]);
      expect((await store.list('nodes/t')).map((e) => e.name)).toEqual(['f1']);
    }
  });

  it('on a store without local paths, Parquet files go up and come down as streams, never whole in memory', async () => {
    const remote = remoteLike(new LocalStore(temporaryFolder()));
    const parquet = (key: string) => key.endsWith('.parquet');
    const streamingOnly: Store = {
      ...remote,
      read: (key) => (parquet(key) ? Promise.reject(new Error(`read whole: ${key}`)) : remote.read(key)),
      write: (key, data) => (parquet(key) && data instanceof Uint8Array ? Promise.reject(new Error(`written whole: ${key}`)) : remote.write(key, data)),
    };
    const cache = new NodeCache(streamingOnly);

    await cache.save({ out: table }, facts('t', 'f3'));
    const loaded = await cache.load((await cache.lookup('t', 'f3'))!, 'out');

    expect(loaded.getChild('n')!.toJSON()).toEqual([1, null, 3]);
  });

  it('leaves nothing behind when writing fails', async () => {
    const root = temporaryFolder();
    const cache = new NodeCache(new LocalStore(root));
    await expect(
      cache.saveWritten('t', 'f2', ['out'], async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await cache.lookup('t', 'f2')).toBeUndefined();
    // Read the folder itself: the store's own listing hides temporary names.
    expect(existsSync(join(root, 'nodes/t')) ? readdirSync(join(root, 'nodes/t')) : []).toEqual([]);
  });

  it('a kernel SIGKILLed while storing a node (Parquet written, then before the manifest or before the publish) leaves nothing read as cached: the next Flow recomputes it', async () => {
    for (const step of ['manifest', 'publish'] as const) {
      const root = temporaryFolder();
      writeFileSync(join(root, 'sales.csv'), 'city,qty\nBeijing,5\nShenzhen,2\n');
      await killWhileStoring(root, step);
      const left = readdirSync(join(root, 'store/nodes/sales')).map((name) => [name, readdirSync(join(root, 'store/nodes/sales', name)).sort()]);

      const flow = salesFlow(root);
      expect(flow.state('sales').status).toBe('stale');
      expect(await flow.run('sales')).toEqual([{ id: 'sales', status: 'done', durationMs: expect.any(Number) }]);
      expect((await flow.table('sales')).toArray().map((r) => r.toJSON())).toEqual([{ city: 'Beijing', qty: 5 }, { city: 'Shenzhen', qty: 2 }]);
      expect(await salesFlow(root).run('sales')).toEqual([{ id: 'sales', status: 'cached', durationMs: expect.any(Number) }]);
      // What the killed kernel had left: its Parquet (and, stopped at the publish, its manifest) under a temporary name.
      expect(left).toEqual([[expect.stringMatching(/^\.tmp-/), step === 'manifest' ? ['out.parquet'] : ['manifest.json', 'out.parquet']]]);
    }
  }, 120_000);

  it('a source writes its output straight into the store; its preview still states every row', async () => {
    const flow = new Flow({ store: new LocalStore(temporaryFolder()), baseDir: examples, kinds: new NodeKindRegistry([sourceKind]) });
    flow.define({ id: 'cars', kind: 'source', params: sourceKind.paramsFromBody('data/cars.json') });
    await flow.run('cars');
    const preview = await flow.preview('cars');
    expect(preview['text/plain']).toContain('406 rows × 9 columns');
    expect(preview['text/plain']).toContain('first 10 of 406 rows');
    expect(flow.state('cars').manifest!.ports.out!.rows).toBe(406);
    expect((await flow.table('cars')).numRows).toBe(406);
  });
});

/** A flow with one source node over `<root>/sales.csv`, its store in `<root>/store`. */
function salesFlow(root: string): Flow {
  const flow = new Flow({ store: new LocalStore(join(root, 'store')), baseDir: root, kinds: new NodeKindRegistry([sourceKind]) });
  flow.define({ id: 'sales', kind: 'source', params: sourceKind.paramsFromBody('sales.csv') });
  return flow;
}

/**
 * Runs `salesFlow` in a child process over a store that stops before writing the manifest (the
 * Parquet is written by then) or before publishing the entry, and SIGKILLs the child there.
 */
async function killWhileStoring(root: string, step: 'manifest' | 'publish'): Promise<void> {
  const src = (path: string) => JSON.stringify(join(KERNEL_SRC, path));
  await killWhenPrinted(
    `const { Flow } = require(${src('flow/flow.ts')});
    const { NodeKindRegistry } = require(${src('nodes/registry.ts')});
    const { sourceKind } = require(${src('nodes/source.ts')});
    const { LocalStore } = require(${src('store/local.ts')});
    const stop = (what) => { process.stdout.write('stopped before ' + what + '\\n'); return new Promise(() => {}); };
    class StoppingStore extends LocalStore {
      async write(key, data) {
        if (${JSON.stringify(step)} === 'manifest' && key.endsWith('/manifest.json')) await stop('manifest');
        return super.write(key, data);
      }
      async publish(from, to) {
        if (${JSON.stringify(step)} === 'publish') await stop('publish');
        return super.publish(from, to);
      }
    }
    const flow = new Flow({ store: new StoppingStore(${JSON.stringify(join(root, 'store'))}), baseDir: ${JSON.stringify(root)}, kinds: new NodeKindRegistry([sourceKind]) });
    flow.define({ id: 'sales', kind: 'source', params: sourceKind.paramsFromBody('sales.csv') });
    flow.run('sales');`,
    `stopped before ${step}`,
  );
}
