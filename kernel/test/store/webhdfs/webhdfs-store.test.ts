import { WebHdfsClient, WebHdfsStore, openHdfsReadStream, parseHdfsUri } from '../../../src/store/webhdfs';
import { openStore } from '../../../src/store/open';
import { closedAddress } from '../../support/webhdfs-server/addresses';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';
import { collect, delay, patternBytes, patternStream } from '../../support/webhdfs-server/streams';

const MB = 1024 * 1024;
let server: WebHdfsTestServer;
let store: WebHdfsStore;
let raw: WebHdfsClient;

beforeEach(async () => {
  server = await startWebHdfsServer();
  store = new WebHdfsStore(`hdfs://${server.nameNodeAddresses[0]}/warehouse/flowbook`, { user: 'analyst' });
  raw = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
});
afterEach(() => server.stop());

describe('hdfs:// locations', () => {
  it('parses one NameNode or an HA list, defaulting to the WebHDFS port 9870, and keeps the path literal', () => {
    expect(parseHdfsUri('hdfs://nn1:9870,nn2/warehouse/a+b%c')).toEqual({ nameNodes: ['nn1:9870', 'nn2:9870'], path: '/warehouse/a+b%c' });
    expect(parseHdfsUri('webhdfs://nn:50070')).toEqual({ nameNodes: ['nn:50070'], path: '/' });
    expect(() => parseHdfsUri('s3://bucket/x')).toThrow(expect.objectContaining({ kind: 'HdfsUriInvalid' }));
  });
});

describe('WebHdfsStore', () => {
  it('writes, reads, lists and removes keys under its root folder', async () => {
    await store.write('nodes/cars/3f2a/data.parquet', patternBytes(1000));
    await store.write('nodes/cars/3f2a/manifest.json', patternStream(2 * MB, 256 * 1024));

    expect((await store.read('nodes/cars/3f2a/data.parquet')).length).toBe(1000);
    expect((await collect(store.readStream('nodes/cars/3f2a/manifest.json'))).equals(patternBytes(2 * MB))).toBe(true);
    expect((await store.list('nodes/cars/3f2a')).map((e) => [e.name, e.kind, e.size])).toEqual([
      ['data.parquet', 'file', 1000],
      ['manifest.json', 'file', 2 * MB],
    ]);
    expect((await store.list('nodes'))[0]).toMatchObject({ name: 'cars', kind: 'folder' });
    expect((await store.list('nodes/cars/3f2a'))[0].modified.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.exists('nodes/cars/3f2a/data.parquet')).toBe(true);
    expect(await raw.exists('/warehouse/flowbook/nodes/cars/3f2a/data.parquet')).toBe(true);

    await store.remove('nodes/cars');
    expect(await store.exists('nodes/cars/3f2a/data.parquet')).toBe(false);
    expect(await store.list('nodes/cars')).toEqual([]);
    expect(store.localPath('nodes')).toBeUndefined();
  });

  it('stat tells a file from a folder, with the last name of the key, and undefined for nothing', async () => {
    await store.write('raw/销售 2024.csv', Buffer.from('a,b\n'));

    expect(await store.stat('raw/销售 2024.csv')).toMatchObject({ name: '销售 2024.csv', kind: 'file', size: 4 });
    expect(await store.stat('raw')).toMatchObject({ name: 'raw', kind: 'folder' });
    expect(await store.stat('raw/none.csv')).toBeUndefined();
  });

  it('a NameNode that cannot be reached is named with the store URI and the setting that chose it', async () => {
    const uri = `hdfs://${await closedAddress()}/warehouse`;
    const unreachable = new WebHdfsStore(uri);

    const attempts = [() => unreachable.read('a.csv'), () => unreachable.write('a.csv', Buffer.from('a')), () => unreachable.list(''), () => unreachable.stat('a.csv'), () => unreachable.publish('.tmp-a', 'a')];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({
        kind: 'HdfsStoreUnreachable',
        message: expect.stringContaining(`cannot reach the HDFS store ${uri}`),
        hint: expect.stringContaining('FLOWBOOK_STORE'),
      });
    }
  });

  it('a key appears only once its upload is complete, and replaces the old value in one step', async () => {
    await store.write('models/mpg/model.json', Buffer.from('old'));
    let release: (() => void) | undefined;
    server.behaviour.beforeCreated = () => new Promise<void>((resolve) => (release = resolve));

    const writing = store.write('models/mpg/model.json', Buffer.from('new'));
    while (!release) await delay(5);
    expect((await store.read('models/mpg/model.json')).toString()).toBe('old');
    expect((await store.list('models/mpg')).map((e) => e.name)).toEqual(['model.json']);
    release();
    await writing;

    expect((await store.read('models/mpg/model.json')).toString()).toBe('new');
  });

  it('a failed upload leaves nothing readable and no temporary file behind', async () => {
    server.behaviour.crashUploadAfterBytes = MB;

    await expect(store.write('nodes/big/data.parquet', patternStream(8 * MB, 256 * 1024))).rejects.toMatchObject({ kind: 'HdfsTransferBroken' });

    expect(await store.exists('nodes/big/data.parquet')).toBe(false);
    expect(await raw.listStatus('/warehouse/flowbook/nodes/big')).toEqual([]);
  });

  it('a failed overwrite keeps the previous value', async () => {
    await store.write('nodes/big/data.parquet', Buffer.from('previous'));
    server.behaviour.crashUploadAfterBytes = MB;

    await expect(store.write('nodes/big/data.parquet', patternStream(4 * MB, 256 * 1024))).rejects.toMatchObject({ kind: 'HdfsTransferBroken' });

    expect((await store.read('nodes/big/data.parquet')).toString()).toBe('previous');
    expect((await raw.listStatus('/warehouse/flowbook/nodes/big')).map((s) => s.pathSuffix)).toEqual(['data.parquet']);
  });

  it('publish renames a folder into place, replacing an older one without leaving it aside', async () => {
    await store.write('models/mpg/.tmp-1/model.json', Buffer.from('v1'));
    await store.publish('models/mpg/.tmp-1', 'models/mpg/fp');
    await store.write('models/mpg/.tmp-2/model.json', Buffer.from('v2'));
    await store.write('models/mpg/.tmp-2/weights.bin', patternBytes(10));

    await store.publish('models/mpg/.tmp-2', 'models/mpg/fp');

    expect((await store.read('models/mpg/fp/model.json')).toString()).toBe('v2');
    expect((await store.list('models/mpg/fp')).map((e) => e.name)).toEqual(['model.json', 'weights.bin']);
    expect((await raw.listStatus('/warehouse/flowbook/models/mpg')).map((s) => s.pathSuffix)).toEqual(['fp']);
  });

  it('reading a missing key says nothing is stored there; a key leaving the root is refused', async () => {
    await expect(store.read('nodes/none/data.parquet')).rejects.toMatchObject({ kind: 'StoreKeyMissing' });
    await expect(store.read('../etc/passwd')).rejects.toMatchObject({ kind: 'BadStoreKey' });
  });

  it('takes the user and the DataNode address map from the environment', async () => {
    await server.stop();
    server = await startWebHdfsServer({ advertisedDataNode: '9f3c2a1b7d44:9864' });
    const saved = { ...process.env };
    process.env.FLOWBOOK_HDFS_USER = 'etl';
    process.env.FLOWBOOK_HDFS_DATANODE_MAP = `9f3c2a1b7d44:9864=${server.dataNodeAddress}`;
    try {
      const fromEnv = new WebHdfsStore(`hdfs://${server.nameNodeAddresses[0]}/warehouse`);
      await fromEnv.write('a.csv', Buffer.from('a\n'));
      expect((await fromEnv.read('a.csv')).toString()).toBe('a\n');
    } finally {
      process.env = saved;
    }
    expect(server.requests.filter((r) => r.node === 'namenode').every((r) => r.params.get('user.name') === 'etl')).toBe(true);
  });

  it('openHdfsReadStream streams one file named by a full URI with an HA NameNode list', async () => {
    await server.stop();
    server = await startWebHdfsServer({ nameNodes: ['standby', 'active'] });
    await new WebHdfsClient({ nameNodes: server.nameNodeAddresses }).create('/data/数据.csv', Buffer.from('列\n1\n'));

    const text = await collect(openHdfsReadStream(`hdfs://${server.nameNodeAddresses.join(',')}/data/数据.csv`));

    expect(text.toString()).toBe('列\n1\n');
  });

  it('openStore hands hdfs:// URIs to this backend', async () => {
    const opened = openStore(`hdfs://${server.nameNodeAddresses[0]}/warehouse/flowbook`, '/tmp');
    await opened.write('jobs/1/log.txt', Buffer.from('epoch 1\n'));

    expect((await store.read('jobs/1/log.txt')).toString()).toBe('epoch 1\n');
  });
});
