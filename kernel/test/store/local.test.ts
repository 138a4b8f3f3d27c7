import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowbookError } from '../../src/errors';
import { LocalStore } from '../../src/store/local';
import { openStore } from '../../src/store/open';
import { temporaryKeyFor } from '../../src/store/store';
import { KERNEL_SRC, killWhenPrinted } from '../support/killed-child';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flowbook-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('LocalStore', () => {
  it('stat tells a file from a folder, with the last name of the key, and undefined for nothing', async () => {
    const store = new LocalStore(root);
    await store.write('raw/销售 2024.csv', Buffer.from('a,b\n'));

    expect(await store.stat('raw/销售 2024.csv')).toMatchObject({ name: '销售 2024.csv', kind: 'file', size: 4 });
    expect(await store.stat('raw')).toMatchObject({ name: 'raw', kind: 'folder', size: 0 });
    expect(await store.stat('raw/none.csv')).toBeUndefined();
  });

  it('lists a file as itself, as HDFS does', async () => {
    const store = new LocalStore(root);
    await store.write('raw/a.csv', Buffer.from('a\n'));

    expect((await store.list('raw/a.csv')).map((e) => [e.name, e.kind, e.size])).toEqual([['a.csv', 'file', 2]]);
  });

  it('writes, reads, streams, lists and removes values under nested keys', async () => {
    const store = new LocalStore(root);
    await store.write('nodes/cars/abc/manifest.json', Buffer.from('{"rows":3}'));
    async function* chunks() {
      yield Buffer.from('数据,');
      yield Buffer.from('1200');
    }
    await store.write('nodes/cars/abc/data.csv', chunks());
    expect(text(await store.read('nodes/cars/abc/manifest.json'))).toBe('{"rows":3}');
    const streamed: Buffer[] = [];
    for await (const chunk of store.readStream('nodes/cars/abc/data.csv')) streamed.push(Buffer.from(chunk));
    expect(Buffer.concat(streamed).toString()).toBe('数据,1200');
    expect((await store.list('nodes/cars/abc')).map((e) => [e.name, e.kind, e.size])).toEqual([
      ['data.csv', 'file', 11],
      ['manifest.json', 'file', 10],
    ]);
    expect(await store.list('nodes/none')).toEqual([]);
    await store.remove('nodes/cars');
    expect(await store.exists('nodes/cars/abc/data.csv')).toBe(false);
  });

  it('names the key and the path it looked for when a value is missing', async () => {
    const store = new LocalStore(root);
    await expect(store.read('models/x/model.json')).rejects.toMatchObject({ kind: 'StoreKeyMissing', message: expect.stringContaining(join(root, 'models/x/model.json')) });
    await expect((async () => { for await (const _ of store.readStream('nope')) void _; })()).rejects.toMatchObject({ kind: 'StoreKeyMissing' });
  });

  it('refuses keys that leave the store', () => {
    const store = new LocalStore(root);
    expect(() => store.localPath('../etc/passwd')).toThrow(/leaves the store/);
    expect(() => store.localPath('/etc/passwd')).toThrow(/leaves the store/);
  });

  it('publishes a folder written under a temporary key, replacing an older one whole', async () => {
    const store = new LocalStore(root);
    const first = temporaryKeyFor('nodes/a/f1');
    await store.write(`${first}/data.parquet`, Buffer.from('old'));
    expect(await store.list('nodes/a')).toEqual([]); // unfinished outputs are invisible
    await store.publish(first, 'nodes/a/f1');
    const second = temporaryKeyFor('nodes/a/f1');
    await store.write(`${second}/data.parquet`, Buffer.from('new'));
    await store.write(`${second}/manifest.json`, Buffer.from('{}'));
    await store.publish(second, 'nodes/a/f1');
    expect(text(await store.read('nodes/a/f1/data.parquet'))).toBe('new');
    expect((await store.list('nodes/a/f1')).map((e) => e.name)).toEqual(['data.parquet', 'manifest.json']);
    expect(readdirSync(join(root, 'nodes/a'))).toEqual(['f1']);
  });

  it('a writer SIGKILLed mid-write leaves the previous value, or nothing, never a part', async () => {
    const store = new LocalStore(root);
    await store.write('nodes/big/value.bin', Buffer.from('previous'));
    await killWriterMidway(root, 'nodes/big/value.bin');
    await killWriterMidway(root, 'nodes/fresh/value.bin');
    expect(text(await store.read('nodes/big/value.bin'))).toBe('previous');
    expect(await store.exists('nodes/fresh/value.bin')).toBe(false);
    expect((await store.list('nodes/big')).map((e) => e.name)).toEqual(['value.bin']);
    expect(await store.list('nodes/fresh')).toEqual([]);
  });
});

describe('openStore', () => {
  const saved = process.env.FLOWBOOK_STORE;
  afterEach(() => {
    if (saved === undefined) delete process.env.FLOWBOOK_STORE;
    else process.env.FLOWBOOK_STORE = saved;
  });

  it('defaults to .flowbook beside the notebook, then FLOWBOOK_STORE, then the given URI', () => {
    delete process.env.FLOWBOOK_STORE;
    expect((openStore(undefined, root) as LocalStore).root).toBe(join(root, '.flowbook'));
    process.env.FLOWBOOK_STORE = join(root, 'shared');
    expect((openStore(undefined, root) as LocalStore).root).toBe(join(root, 'shared'));
    expect((openStore('cache', root) as LocalStore).root).toBe(join(root, 'cache'));
    expect((openStore(`file://${root}/x`, '/elsewhere') as LocalStore).root).toBe(join(root, 'x'));
  });

  it('opens hdfs:// stores lazily and refuses unknown schemes', () => {
    const hdfs = openStore('hdfs://namenode:9870/warehouse', root);
    expect(hdfs.uri).toBe('hdfs://namenode:9870/warehouse');
    expect(hdfs.localPath('x')).toBeUndefined();
    expect(() => openStore('s3://bucket/x', root)).toThrow(/no store backend/);
  });

  it('an hdfs:// store loads the WebHDFS backend on first use and reports its errors', async () => {
    const unreachable = openStore('hdfs://127.0.0.1:1/warehouse', root);
    await expect(unreachable.exists('nodes')).rejects.toBeInstanceOf(FlowbookError);
  });
});

/** A child process streams a large value into the store slowly, and is SIGKILLed once bytes are on disk. */
async function killWriterMidway(storeRoot: string, key: string): Promise<void> {
  await killWhenPrinted(
    `const { LocalStore } = require(${JSON.stringify(join(KERNEL_SRC, 'store/local.ts'))});
    async function* slow() {
      for (let i = 0; i < 400; i++) {
        yield Buffer.alloc(64 * 1024, i % 256);
        if (i === 3) process.stdout.write('started\\n');
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    new LocalStore(${JSON.stringify(storeRoot)}).write(${JSON.stringify(key)}, slow());`,
    'started',
  );
}
