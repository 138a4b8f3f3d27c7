import { WebHdfsClient } from '../../../src/store/webhdfs';
import { encodeHdfsPath, encodeQueryValue } from '../../../src/store/webhdfs/paths';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';
import { collect } from '../../support/webhdfs-server/streams';

const paths = ['/数据/2024年 销售.csv', '/warehouse/t/dt=2024-01-01/part-0.csv', '/tmp/a+b%c.csv'];
const renamedTo = '/归档/销售 (旧).csv';

describe('paths with spaces, CJK, %, + and =', () => {
  let server: WebHdfsTestServer;
  let client: WebHdfsClient;
  beforeAll(async () => {
    server = await startWebHdfsServer();
    client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
    await client.mkdirs('/归档');
  });
  afterAll(() => server.stop());

  it.each(paths)('H3: %s survives create → list → open → rename → delete', async (path) => {
    const content = `name,path\nx,${path}\n`;
    const folder = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(path.lastIndexOf('/') + 1);

    await client.create(path, Buffer.from(content));
    expect((await client.listStatus(folder)).map((s) => s.pathSuffix)).toContain(name);
    expect((await collect(client.open(path))).toString()).toBe(content);

    expect(await client.rename(path, renamedTo)).toBe(true);
    expect((await client.listStatus('/归档')).map((s) => s.pathSuffix)).toEqual(['销售 (旧).csv']);
    expect((await collect(client.open(renamedTo))).toString()).toBe(content);
    expect(await client.exists(path)).toBe(false);

    expect(await client.delete(renamedTo)).toBe(true);
    expect(await client.exists(renamedTo)).toBe(false);
  });

  it('H3: on the wire each segment is encoded once: space %20, + %2B, % %25, = kept; RENAME destination as a query value', () => {
    const wire = server.requests.map((r) => r.rawUrl);
    expect(wire).toContainEqual(expect.stringMatching(/^\/webhdfs\/v1\/%E6%95%B0%E6%8D%AE\/2024%E5%B9%B4%20%E9%94%80%E5%94%AE\.csv\?op=CREATE/));
    expect(wire).toContainEqual(expect.stringMatching(/^\/webhdfs\/v1\/warehouse\/t\/dt=2024-01-01\/part-0\.csv\?op=CREATE/));
    expect(wire).toContainEqual(expect.stringMatching(/^\/webhdfs\/v1\/tmp\/a%2Bb%25c\.csv\?op=CREATE/));
    const rename = server.requests.find((r) => r.op === 'RENAME');
    expect(rename?.rawUrl).toContain('destination=%2F%E5%BD%92%E6%A1%A3%2F%E9%94%80%E5%94%AE%20(%E6%97%A7).csv');
    expect(wire.some((u) => /%25(25|2B|20)/.test(u))).toBe(false);
  });
});

describe('encodeHdfsPath', () => {
  it('H3: encodes a segment exactly once, keeping = and the separators', () => {
    expect(encodeHdfsPath('/tmp/a+b%c d=e.csv')).toBe('/tmp/a%2Bb%25c%20d=e.csv');
    expect(encodeHdfsPath('数据')).toBe('/%E6%95%B0%E6%8D%AE');
    expect(encodeQueryValue('/a b/c+d')).toBe('%2Fa%20b%2Fc%2Bd');
  });

  it('refuses . and .. segments, which HDFS rejects', () => {
    expect(() => encodeHdfsPath('/data/../etc')).toThrow(expect.objectContaining({ kind: 'HdfsInvalidPath' }));
  });
});
