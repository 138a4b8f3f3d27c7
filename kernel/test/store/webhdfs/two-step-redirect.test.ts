import { WebHdfsClient, parseDataNodeMap } from '../../../src/store/webhdfs';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';
import { collect, patternBytes, patternStream } from '../../support/webhdfs-server/streams';

let server: WebHdfsTestServer;
afterEach(() => server.stop());

describe('CREATE and OPEN go through the NameNode 307 to the DataNode', () => {
  it('H1: the first PUT carries no body; the body goes only to the DataNode the 307 names', async () => {
    server = await startWebHdfsServer();
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
    const size = 6 * 1024 * 1024;

    const sent = await client.create('/data/sales.csv', patternStream(size, 256 * 1024), { overwrite: true });

    const toNameNode = server.requests.filter((r) => r.node === 'namenode' && r.op === 'CREATE');
    const toDataNode = server.requests.filter((r) => r.node === 'datanode' && r.op === 'CREATE');
    expect(toNameNode.map((r) => [r.method, r.bodyBytes])).toEqual([['PUT', 0]]);
    expect(toNameNode[0].params.get('user.name')).toBe('analyst');
    expect(toDataNode.map((r) => [r.method, r.bodyBytes])).toEqual([['PUT', size]]);
    expect(toDataNode[0].params.get('namenoderpcaddress')).toBe('localhost:8020');
    expect(sent).toBe(size);
    expect((await client.getFileStatus('/data/sales.csv')).length).toBe(size);
  });

  it('H1: a DataNode address the client cannot reach fails with that host:port and the mapping setting', async () => {
    server = await startWebHdfsServer({ advertisedDataNode: '9f3c2a1b7d44:9864' });
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });

    const failure = client.create('/data/sales.csv', Buffer.from('a,b\n1,2\n'));

    await expect(failure).rejects.toMatchObject({
      kind: 'HdfsDataNodeUnreachable',
      message: expect.stringContaining('cannot reach the DataNode 9f3c2a1b7d44:9864'),
      hint: expect.stringContaining('FLOWBOOK_HDFS_DATANODE_MAP="9f3c2a1b7d44:9864=REACHABLE_HOST:PORT"'),
    });
    expect(server.requests.filter((r) => r.node === 'datanode')).toHaveLength(0);
  });

  it('H1: the DataNode address map sends the two steps to the address it names', async () => {
    server = await startWebHdfsServer({ advertisedDataNode: '9f3c2a1b7d44:9864' });
    const dataNodeMap = parseDataNodeMap(`9f3c2a1b7d44:9864=${server.dataNodeAddress}`);
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst', dataNodeMap });

    await client.create('/data/sales.csv', Buffer.from('a,b\n1,2\n'));

    expect((await collect(client.open('/data/sales.csv'))).toString()).toBe('a,b\n1,2\n');
    expect(server.requests.filter((r) => r.node === 'datanode').map((r) => r.op)).toEqual(['CREATE', 'OPEN']);
  });

  it('H1: an unreachable DataNode that was mapped is named with the address it was mapped to', async () => {
    server = await startWebHdfsServer({ advertisedDataNode: '9f3c2a1b7d44:9864' });
    const dataNodeMap = parseDataNodeMap('9f3c2a1b7d44:9864=127.0.0.1:1');
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, dataNodeMap });

    await expect(client.create('/x.csv', Buffer.from('x'))).rejects.toMatchObject({
      message: expect.stringContaining('9f3c2a1b7d44:9864 (mapped to 127.0.0.1:1)'),
    });
  });

  it('H1: OPEN keeps offset and length through the redirect', async () => {
    server = await startWebHdfsServer();
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
    await client.create('/data/sales.csv', patternBytes(4000));

    const part = await collect(client.open('/data/sales.csv', { offset: 1000, length: 500 }));

    expect(part.equals(patternBytes(500, 1000))).toBe(true);
    const read = server.requests.find((r) => r.node === 'datanode' && r.op === 'OPEN');
    expect([read?.params.get('offset'), read?.params.get('length')]).toEqual(['1000', '500']);
  });

  it('APPEND posts no body to the NameNode and adds the body at the DataNode', async () => {
    server = await startWebHdfsServer();
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
    await client.create('/logs/job.log', Buffer.from('epoch 1\n'));

    const sent = await client.append('/logs/job.log', Buffer.from('epoch 2\n'));

    expect(sent).toBe(8);
    expect((await collect(client.open('/logs/job.log'))).toString()).toBe('epoch 1\nepoch 2\n');
    const appends = server.requests.filter((r) => r.op === 'APPEND').map((r) => [r.node, r.method, r.bodyBytes]);
    expect(appends).toEqual([
      ['namenode', 'POST', 0],
      ['datanode', 'POST', 8],
    ]);
  });
});
