import { WebHdfsClient } from '../../../src/store/webhdfs';
import { closedAddress } from '../../support/webhdfs-server/addresses';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';

let server: WebHdfsTestServer;
afterEach(() => server.stop());

describe('a list of NameNodes (HA)', () => {
  it('fails over from a standby NameNode on StandbyException and keeps using the active one', async () => {
    server = await startWebHdfsServer({ nameNodes: ['standby', 'active'] });
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });

    await client.mkdirs('/data');
    await client.listStatus('/data');

    expect(server.requests.map((r) => r.nameNodeIndex)).toEqual([0, 1, 1]);
  });

  it('follows a failover of the cluster: the former standby becomes active', async () => {
    server = await startWebHdfsServer({ nameNodes: ['active', 'standby'] });
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
    await client.mkdirs('/data');

    server.setNameNodeState(0, 'standby');
    server.setNameNodeState(1, 'active');

    expect(await client.exists('/data')).toBe(true);
    expect(server.requests.map((r) => r.nameNodeIndex)).toEqual([0, 0, 1]);
  });

  it('fails over when a NameNode refuses the connection', async () => {
    server = await startWebHdfsServer();
    const client = new WebHdfsClient({ nameNodes: [await closedAddress(), ...server.nameNodeAddresses], user: 'analyst' });

    expect(await client.mkdirs('/data')).toBe(true);
  });

  it('names every NameNode and why it failed when none is active', async () => {
    server = await startWebHdfsServer({ nameNodes: ['standby'] });
    const refused = await closedAddress();
    const client = new WebHdfsClient({ nameNodes: [...server.nameNodeAddresses, refused] });

    await expect(client.listStatus('/')).rejects.toMatchObject({
      kind: 'HdfsNoActiveNameNode',
      message: expect.stringMatching(new RegExp(`${server.nameNodeAddresses[0]} is a standby NameNode; ${refused} could not be reached \\(ECONNREFUSED\\)`)),
    });
  });
});
