import { WebHdfsClient, WebHdfsRemoteError, WebHdfsStore, tokenFromCommand } from '../../../src/store/webhdfs';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';
import { collect } from '../../support/webhdfs-server/streams';

let server: WebHdfsTestServer;
afterEach(() => server.stop());

describe('Kerberos clusters and delegation tokens', () => {
  it('H5: a 401 Negotiate becomes "this cluster requires Kerberos" naming the token option', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });

    await expect(client.listStatus('/data')).rejects.toMatchObject({
      kind: 'HdfsKerberosRequired',
      message: expect.stringContaining('this cluster requires Kerberos'),
      hint: expect.stringContaining('FLOWBOOK_HDFS_TOKEN'),
    });
    await expect(client.exists('/data')).rejects.toMatchObject({ kind: 'HdfsKerberosRequired' });
  });

  it('H5: with a token only delegation= is sent, never user.name or doas, and it reaches the DataNode', async () => {
    server = await startWebHdfsServer({ security: 'kerberos', delegationInRedirect: false });
    const token = server.tokens.issue('analyst');
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst', token });

    await client.create('/data/a.csv', Buffer.from('a\n1\n'));
    expect((await collect(client.open('/data/a.csv'))).toString()).toBe('a\n1\n');

    expect(server.requests.map((r) => r.node)).toEqual(['namenode', 'datanode', 'namenode', 'datanode']);
    for (const request of server.requests) {
      expect(request.params.get('delegation')).toBe(token);
      expect(request.params.has('user.name')).toBe(false);
      expect(request.params.has('doas')).toBe(false);
    }
  });

  it('H5: the token the NameNode puts into the Location is sent to the DataNode once, not twice', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const token = server.tokens.issue('analyst');
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token });

    await client.create('/data/a.csv', Buffer.from('a\n'));

    const toDataNode = server.requests.find((r) => r.node === 'datanode');
    expect(toDataNode?.params.getAll('delegation')).toEqual([token]);
  });

  it('H5: an expired token is refreshed once through the token provider, then the operation goes through', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const expired = server.tokens.issue('analyst');
    server.tokens.expire(expired);
    const fresh = server.tokens.issue('analyst');
    const refreshToken = jest.fn(async () => fresh);
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token: expired, refreshToken });

    await client.create('/data/a.csv', Buffer.from('a\n'));

    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(refreshToken).toHaveBeenCalledWith(expired);
    expect(server.requests.map((r) => r.params.get('delegation'))).toEqual([expired, fresh, fresh]);
  });

  it('H5: when the refreshed token is rejected too, it fails clearly after exactly one refresh', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const expired = server.tokens.issue('analyst');
    server.tokens.expire(expired);
    const refreshToken = jest.fn(async () => expired);
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token: expired, refreshToken });

    const failure = client.listStatus('/data');

    await expect(failure).rejects.toBeInstanceOf(WebHdfsRemoteError);
    await expect(failure).rejects.toMatchObject({
      exception: 'InvalidToken',
      javaClassName: 'org.apache.hadoop.security.token.SecretManager$InvalidToken',
      message: expect.stringContaining('a refreshed token was rejected too'),
    });
    expect(refreshToken).toHaveBeenCalledTimes(1);
  });

  it('H5: without a token provider an expired token fails with a hint to fetch a fresh one', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const expired = server.tokens.issue('analyst');
    server.tokens.expire(expired);
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token: expired });

    await expect(collect(client.open('/data/a.csv'))).rejects.toMatchObject({
      status: 403,
      exception: 'InvalidToken',
      message: expect.stringContaining('is expired'),
      hint: expect.stringContaining('FLOWBOOK_HDFS_TOKEN'),
    });
  });

  it('H5: a one-shot upload stream refused at the first step (before any byte went out) goes through after the refresh', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const token = server.tokens.issue('analyst');
    const refreshToken = jest.fn(async () => server.tokens.issue('analyst'));
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token, refreshToken });
    server.behaviour.beforeCreated = async () => server.tokens.expire(token);
    await client.create('/data/a.csv', Buffer.from('first\n'));
    server.behaviour.beforeCreated = undefined;

    // The token expired while the previous upload finished; this stream's first step is refused.
    async function* once() {
      yield Buffer.from('second\n');
    }
    await client.create('/data/b.csv', once());

    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect((await collect(client.open('/data/b.csv'))).toString()).toBe('second\n');
  });

  it('H5: FLOWBOOK_HDFS_TOKEN_COMMAND re-fetches a rejected token for a store configured from the environment', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const expired = server.tokens.issue('analyst');
    server.tokens.expire(expired);
    const fresh = server.tokens.issue('analyst');
    const saved = { ...process.env };
    process.env.FLOWBOOK_HDFS_TOKEN = expired;
    process.env.FLOWBOOK_HDFS_TOKEN_COMMAND = `printf '{"Token":{"urlString":"%s"}}' ${fresh}`;
    try {
      const store = new WebHdfsStore(`hdfs://${server.nameNodeAddresses[0]}/warehouse`);
      await store.write('a.csv', Buffer.from('a\n'));
      expect((await store.read('a.csv')).toString()).toBe('a\n');
    } finally {
      process.env = saved;
    }
    expect(server.requests.filter((r) => r.params.get('delegation') === expired)).toHaveLength(1);
  });

  it('H5: a token command that prints no token fails naming the setting', async () => {
    server = await startWebHdfsServer({ security: 'kerberos' });
    const expired = server.tokens.issue('analyst');
    server.tokens.expire(expired);
    const client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, token: expired, refreshToken: tokenFromCommand('echo "kinit: no credentials" >&2; exit 1') });

    await expect(client.listStatus('/')).rejects.toMatchObject({
      kind: 'HdfsTokenCommandFailed',
      message: expect.stringContaining('FLOWBOOK_HDFS_TOKEN_COMMAND gave no delegation token'),
    });
  });
});
