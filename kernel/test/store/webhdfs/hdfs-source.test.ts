import * as iconv from 'iconv-lite';
import { readSource, sourceIdentity } from '../../../src/data/read-source';
import { WebHdfsClient } from '../../../src/store/webhdfs';
import { closedAddress } from '../../support/webhdfs-server/addresses';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';

let server: WebHdfsTestServer;
let client: WebHdfsClient;
beforeEach(async () => {
  server = await startWebHdfsServer();
  client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses });
});
afterEach(() => server.stop());

describe('%%source reads hdfs:// locations', () => {
  it('C1 over HDFS: a GB18030 CSV with Chinese headers loads with its names and values', async () => {
    await client.create('/数据/2024年 销售.csv', iconv.encode('城市,销量\n北京,10\n上海,20\n', 'gb18030'));

    const { table, warnings } = await readSource(`hdfs://${server.nameNodeAddresses[0]}/数据/2024年 销售.csv`, {}, { baseDir: '/tmp' });

    expect(table.schema.fields.map((f) => f.name)).toEqual(['城市', '销量']);
    expect(table.toArray().map((row) => [row['城市'], Number(row['销量'])])).toEqual([['北京', 10], ['上海', 20]]);
    expect(warnings.join('\n')).toMatch(/gb18030/i);
  });

  it('reads a folder of part files, skipping _SUCCESS, and identifies it without reading data', async () => {
    const folder = `hdfs://${server.nameNodeAddresses[0]}/warehouse/t/dt=2024-01-01`;
    await client.create('/warehouse/t/dt=2024-01-01/part-0.csv', Buffer.from('id,v\n1,a\n'));
    await client.create('/warehouse/t/dt=2024-01-01/part-1.csv', Buffer.from('id,v\n2,b\n'));
    await client.create('/warehouse/t/dt=2024-01-01/_SUCCESS', Buffer.alloc(0));

    const { table } = await readSource(folder, {}, { baseDir: '/tmp' });
    const before = await sourceIdentity(folder, {}, { baseDir: '/tmp' });
    const opensBefore = server.requests.filter((r) => r.op === 'OPEN').length;
    await client.append('/warehouse/t/dt=2024-01-01/part-1.csv', Buffer.from('3,c\n'));
    const after = await sourceIdentity(folder, {}, { baseDir: '/tmp' });

    expect(table.numRows).toBe(2);
    expect(before).not.toBe(after);
    expect(server.requests.filter((r) => r.op === 'OPEN').length).toBe(opensBefore);
  });

  it('a source whose NameNode cannot be reached names the location and what to check in it', async () => {
    const location = `hdfs://${await closedAddress()}/data/cars.csv`;
    await expect(readSource(location, {}, { baseDir: '/tmp' })).rejects.toMatchObject({
      kind: 'HdfsSourceUnreachable',
      message: expect.stringContaining(`cannot reach the HDFS NameNode of the source ${location}`),
      hint: expect.stringContaining('WebHDFS HTTP port'),
    });
  });

  it('a missing hdfs:// source names the location', async () => {
    const location = `hdfs://${server.nameNodeAddresses[0]}/nowhere.csv`;
    await expect(readSource(location, {}, { baseDir: '/tmp' })).rejects.toMatchObject({ kind: 'SourceNotFound', message: expect.stringContaining(location) });
  });
});
