import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFlowSession, type FlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import type { Store } from '../../src/store/store';
import { WebHdfsStore } from '../../src/store/webhdfs';
import { runCell, text } from '../flow/cells';
import { temporaryFolder } from '../flow/helpers';
import { closedAddress } from '../support/webhdfs-server/addresses';
import { startWebHdfsServer, type WebHdfsTestServer } from '../support/webhdfs-server/server';
import { patternBytes } from '../support/webhdfs-server/streams';

let server: WebHdfsTestServer;
beforeEach(async () => {
  server = await startWebHdfsServer();
});
afterEach(() => server.stop());

const hdfsUri = (path: string): string => `hdfs://${server.nameNodeAddresses[0]}${path}`;

const stores: [string, (notebookDir: string) => Store][] = [
  ['the local store', (dir) => new LocalStore(join(dir, '.flowbook'))],
  ['an HDFS store (the test WebHDFS server)', () => new WebHdfsStore(hdfsUri('/warehouse/team a'), { user: 'analyst' })],
];

function notebook(makeStore: (notebookDir: string) => Store): { dir: string; session: FlowSession; store: Store } {
  const dir = temporaryFolder();
  const store = makeStore(dir);
  return { dir, store, session: createFlowSession({ notebookDir: dir, store }) };
}

describe.each(stores)('%%store put / get / rm on %s', (_name, makeStore) => {
  it('put copies a local file into the store and get copies it back, names with spaces and CJK kept', async () => {
    const { dir, session, store } = notebook(makeStore);
    writeFileSync(join(dir, '销售 2024.csv'), '城市,销量\n北京,10\n');

    const put = await runCell(session, '%store put "销售 2024.csv" "raw/销售 2024.csv"');
    const listing = await runCell(session, '%store ls raw');
    const got = await runCell(session, '%store get "raw/销售 2024.csv" copy.csv');

    expect(put.outcome).toEqual({ status: 'ok' });
    expect(put.stdout).toContain(`→ ${store.uri}/raw/销售 2024.csv (`);
    expect(text(listing)).toContain('销售 2024.csv');
    expect(got.stdout).toContain(`→ ${join(dir, 'copy.csv')}`);
    expect(readFileSync(join(dir, 'copy.csv'), 'utf8')).toBe('城市,销量\n北京,10\n');
    expect(readdirSync(dir).filter((name) => name.includes('flowbook-part'))).toEqual([]);
  });

  it('put without a store path, or into a folder, keeps the file name', async () => {
    const { dir, session, store } = notebook(makeStore);
    writeFileSync(join(dir, 'cars.csv'), 'a\n1\n');

    await runCell(session, '%store put cars.csv');
    await runCell(session, '%store put cars.csv raw/');
    await runCell(session, '%store put cars.csv raw');

    expect(new TextDecoder().decode(await store.read('cars.csv'))).toBe('a\n1\n');
    expect((await store.list('raw')).map((e) => e.name)).toEqual(['cars.csv']);
  });

  it('get into a local folder keeps the name, and creates the folders of a new local path', async () => {
    const { dir, session, store } = notebook(makeStore);
    mkdirSync(join(dir, 'data'));
    await store.write('raw/cars.csv', Buffer.from('a\n1\n'));

    await runCell(session, '%store get raw/cars.csv data');
    const nested = await runCell(session, '%store get raw/cars.csv copies/2024/cars.csv');

    expect(readFileSync(join(dir, 'data', 'cars.csv'), 'utf8')).toBe('a\n1\n');
    expect(nested.outcome).toEqual({ status: 'ok' });
    expect(readFileSync(join(dir, 'copies', '2024', 'cars.csv'), 'utf8')).toBe('a\n1\n');
  });

  it('put of a local folder copies every file in it, sub-folders included', async () => {
    const { dir, session, store } = notebook(makeStore);
    mkdirSync(join(dir, 'parts', 'dt=2024-01-01'), { recursive: true });
    writeFileSync(join(dir, 'parts', 'part-0.csv'), 'id\n1\n');
    writeFileSync(join(dir, 'parts', 'dt=2024-01-01', 'part-1.csv'), 'id\n2\n');

    const put = await runCell(session, '%store put parts shared/parts');

    expect(put.stdout).toContain('(2 files)');
    expect((await store.list('shared/parts')).map((e) => [e.name, e.kind])).toEqual([['dt=2024-01-01', 'folder'], ['part-0.csv', 'file']]);
    expect(new TextDecoder().decode(await store.read('shared/parts/dt=2024-01-01/part-1.csv'))).toBe('id\n2\n');
    expect((await store.list('shared')).map((e) => e.name)).toEqual(['parts']);
  });

  it('put of a missing local file names the path and the folder it is relative to', async () => {
    const { dir, session } = notebook(makeStore);

    const put = await runCell(session, '%store put nowhere.csv');

    expect(put.outcome).toMatchObject({ status: 'error', ename: 'LocalFileMissing' });
    expect(put.outcome).toMatchObject({ evalue: expect.stringContaining(join(dir, 'nowhere.csv')) });
    expect(put.outcome).toMatchObject({ evalue: expect.stringContaining(`relative to the notebook's folder (${dir})`) });
  });

  it('put of an empty local folder says there is nothing to copy and creates nothing', async () => {
    const { dir, session, store } = notebook(makeStore);
    mkdirSync(join(dir, 'empty'));

    const put = await runCell(session, '%store put empty');

    expect(put.outcome).toMatchObject({ status: 'error', ename: 'LocalFolderEmpty' });
    expect(await store.list('')).toEqual([]);
  });

  it('get of something missing, or of a folder, says so and writes nothing', async () => {
    const { dir, session, store } = notebook(makeStore);
    await store.write('raw/a.csv', Buffer.from('a\n'));

    const missing = await runCell(session, '%store get raw/b.csv');
    const folder = await runCell(session, '%store get raw');

    expect(missing.outcome).toMatchObject({ status: 'error', ename: 'StoreKeyMissing', evalue: expect.stringContaining(`${store.uri}/raw/b.csv`) });
    expect(folder.outcome).toMatchObject({ status: 'error', ename: 'StoreGetFolder' });
    expect(readdirSync(dir)).not.toContain('b.csv');
    expect(readdirSync(dir)).not.toContain('raw');
  });

  it('rm removes a file; a folder with files only with -r, else it names the -r form', async () => {
    const { session, store } = notebook(makeStore);
    await store.write('raw/a.csv', Buffer.from('a\n'));
    await store.write('raw/b.csv', Buffer.from('b\n'));

    const file = await runCell(session, '%store rm raw/a.csv');
    const refused = await runCell(session, '%store rm raw');
    expect(await store.exists('raw/b.csv')).toBe(true);
    const recursive = await runCell(session, '%store rm -r raw');
    const missing = await runCell(session, '%store rm raw');

    expect(file.stdout).toBe(`removed ${store.uri}/raw/a.csv\n`);
    expect(refused.outcome).toMatchObject({ status: 'error', ename: 'StoreFolderNotEmpty', evalue: expect.stringContaining('%store rm -r raw') });
    expect(recursive.stdout).toBe(`removed ${store.uri}/raw/\n`);
    expect(await store.exists('raw')).toBe(false);
    expect(missing.outcome).toMatchObject({ status: 'error', ename: 'StoreKeyMissing' });
  });

  it('ls of a path where nothing is stored says so instead of listing an empty folder', async () => {
    const { session, store } = notebook(makeStore);
    await store.write('raw/a.csv', Buffer.from('a\n'));

    const listed = await runCell(session, '%store ls raw');
    const typo = await runCell(session, '%store ls rwa');

    expect(text(listed)).toContain(`${store.uri}/raw: 1 entry`);
    expect(typo.outcome).toMatchObject({ status: 'error', ename: 'StoreKeyMissing', evalue: expect.stringContaining(`${store.uri}/rwa`) });
  });

  it('rm of an empty folder needs no -r; the store root is never a target', async () => {
    const { session, store } = notebook(makeStore);
    await store.write('empty/a.csv', Buffer.from('a\n'));
    await store.remove('empty/a.csv');
    expect((await store.stat('empty'))?.kind).toBe('folder');

    expect((await runCell(session, '%store rm empty')).outcome).toEqual({ status: 'ok' });
    expect(await store.exists('empty')).toBe(false);
    expect((await runCell(session, '%store rm -r ./')).outcome).toMatchObject({ status: 'error', ename: 'BadStoreKey' });
  });
});

describe('%store put / get / rm with full URIs', () => {
  it('a notebook on the local store copies to and from HDFS, and removes there', async () => {
    const { dir, session, store } = notebook(stores[0]![1]);
    writeFileSync(join(dir, 'cars.csv'), 'mpg\n18\n');

    const put = await runCell(session, `%store put cars.csv ${hdfsUri('/shared/raw/')}`);
    const got = await runCell(session, `%store get ${hdfsUri('/shared/raw/cars.csv')} back.csv`);
    const removed = await runCell(session, `%store rm -r ${hdfsUri('/shared')}`);

    expect(put.stdout).toContain(`→ ${hdfsUri('/shared/raw/cars.csv')}`);
    expect(readFileSync(join(dir, 'back.csv'), 'utf8')).toBe('mpg\n18\n');
    expect(removed.outcome).toEqual({ status: 'ok' });
    expect(await new WebHdfsStore(hdfsUri('/')).exists('shared')).toBe(false);
    expect(await store.list('')).toEqual([]);
  });

  it('%store use moves a local notebook onto HDFS: the next node output is stored there', async () => {
    const { session, store } = notebook(stores[0]![1]);

    const use = await runCell(session, `%store use ${hdfsUri('/team')}`);
    const node = await runCell(session, '%%node rows\n[{ x: 1 }, { x: 2 }]');

    expect(use.stdout).toBe(`store: ${hdfsUri('/team')}\n`);
    expect(node.outcome).toEqual({ status: 'ok' });
    expect((await new WebHdfsStore(hdfsUri('/team')).list('nodes')).map((e) => e.name)).toEqual(['rows']);
    expect(await store.list('')).toEqual([]);
  });

  it('%store use of a file is refused, and the flow stays on its store', async () => {
    const { dir, session, store } = notebook(stores[0]![1]);
    writeFileSync(join(dir, 'notes.txt'), 'not a store\n');

    const use = await runCell(session, '%store use notes.txt');

    expect(use.outcome).toMatchObject({ status: 'error', ename: 'StoreIsFile', evalue: expect.stringContaining(join(dir, 'notes.txt')) });
    expect(session.flow.store.uri).toBe(store.uri);
  });

  it('ls of a URI lists that folder of another store', async () => {
    const { session } = notebook(stores[0]![1]);
    await new WebHdfsStore(hdfsUri('/shared')).write('raw/cars.csv', Buffer.from('mpg\n'));

    const listed = await runCell(session, `%store ls ${hdfsUri('/shared/raw')}`);

    expect(text(listed)).toContain(`${hdfsUri('/shared/raw')}: 1 entry`);
    expect(text(listed)).toContain('cars.csv');
  });

  it('a store URI naming only the cluster is refused as a target', async () => {
    const { session } = notebook(stores[0]![1]);
    expect((await runCell(session, `%store rm -r ${hdfsUri('/')}`)).outcome).toMatchObject({ status: 'error', ename: 'BadStoreKey' });
  });
});

describe('%store get from HDFS when the DataNode dies mid-download', () => {
  it('fails the cell and leaves neither the file nor a part of it', async () => {
    const { dir, session, store } = notebook(stores[1]![1]);
    await store.write('raw/big.bin', patternBytes(4 * 1024 * 1024));
    server.behaviour.crashDownloadAfterBytes = 1024 * 1024;

    const got = await runCell(session, '%store get raw/big.bin');

    expect(got.outcome).toMatchObject({ status: 'error', ename: 'HdfsDownloadBroken' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('an HDFS store whose NameNode cannot be reached', () => {
  it('names the store URI and the setting that chose it', async () => {
    const uri = `hdfs://${await closedAddress()}/warehouse`;
    const dir = temporaryFolder();
    writeFileSync(join(dir, 'cars.csv'), 'mpg\n18\n');
    const session = createFlowSession({ notebookDir: dir, store: new WebHdfsStore(uri) });

    const put = await runCell(session, '%store put cars.csv');
    const listing = await runCell(session, '%store ls');
    const local = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, 'local-store')) });
    const use = await runCell(local, `%store use ${uri}`);

    expect(local.flow.store.uri).toBe(join(dir, 'local-store'));
    for (const { outcome } of [put, listing, use]) {
      expect(outcome).toMatchObject({ status: 'error', ename: 'HdfsStoreUnreachable' });
      expect(outcome).toMatchObject({ evalue: expect.stringContaining(`cannot reach the HDFS store ${uri}`) });
      expect(outcome).toMatchObject({ evalue: expect.stringContaining('ECONNREFUSED') });
      expect(outcome).toMatchObject({ evalue: expect.stringContaining('FLOWBOOK_STORE or `%store use URI`') });
    }
    expect(existsSync(join(dir, '.flowbook'))).toBe(false);
  });
});
