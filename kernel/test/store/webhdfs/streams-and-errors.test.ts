import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebHdfsClient, WebHdfsRemoteError } from '../../../src/store/webhdfs';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';
import { collect, delay, patternStream } from '../../support/webhdfs-server/streams';

const MB = 1024 * 1024;
let server: WebHdfsTestServer;
let client: WebHdfsClient;

beforeEach(async () => {
  server = await startWebHdfsServer({ deniedPaths: ['/secure'] });
  client = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
});
afterEach(() => server.stop());

describe('uploads and downloads are streams that finish only when HDFS has the data', () => {
  it("H4: an upload completes only after the DataNode's 201", async () => {
    let release: (() => void) | undefined;
    server.behaviour.beforeCreated = () => new Promise<void>((resolve) => (release = resolve));
    let finished = false;

    const upload = client.create('/data/big.csv', patternStream(2 * MB, 64 * 1024)).then(() => (finished = true));
    while (!release) await delay(5);
    await delay(50);

    expect(server.requests.find((r) => r.node === 'datanode')?.bodyBytes).toBe(2 * MB);
    expect(finished).toBe(false);
    release();
    await upload;
    expect(finished).toBe(true);
  });

  it('H4: GETFILESTATUS length equals the bytes sent, for a stream and for an empty upload', async () => {
    const sent = await client.create('/data/big.csv', patternStream(3 * MB + 17, 100_000));
    const sentEmpty = await client.create('/data/empty.csv', (async function* () {})());

    expect(sent).toBe(3 * MB + 17);
    expect((await client.getFileStatus('/data/big.csv')).length).toBe(sent);
    expect(sentEmpty).toBe(0);
    expect((await client.getFileStatus('/data/empty.csv')).length).toBe(0);
  });

  it('H4: an upload respects backpressure: the source is never read far ahead of the DataNode', async () => {
    server.behaviour.dataNodeChunkDelayMs = 1;
    let lead = 0;
    const source = patternStream(32 * MB, 64 * 1024, (produced) => {
      lead = Math.max(lead, produced - server.counters.dataNodeBytesReceived);
    });

    await client.create('/data/big.bin', source);

    expect(server.counters.dataNodeBytesReceived).toBe(32 * MB);
    expect(lead).toBeLessThan(12 * MB);
  });

  it('H4: a download is pulled: a slow reader keeps the DataNode from running far ahead', async () => {
    await client.create('/data/big.bin', patternStream(32 * MB, MB));
    let consumed = 0;
    let lead = 0;

    for await (const chunk of client.open('/data/big.bin')) {
      consumed += chunk.length;
      lead = Math.max(lead, server.counters.dataNodeBytesSent - consumed);
      if (consumed % (4 * MB) < chunk.length) await delay(20);
    }

    expect(consumed).toBe(32 * MB);
    expect(lead).toBeLessThan(12 * MB);
  });

  it('H4: a DataNode that stalls fails the upload after the idle timeout instead of hanging', async () => {
    server.behaviour.beforeCreated = () => new Promise<void>(() => {});
    const impatient = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, idleTimeoutMs: 300 });

    await expect(impatient.create('/data/big.csv', Buffer.from('a\n'))).rejects.toMatchObject({
      kind: 'HdfsTransferBroken',
      message: expect.stringContaining('stopped answering'),
    });
  });

  it("H4: a failing source rejects the upload with the source's own error", async () => {
    async function* failing() {
      yield Buffer.alloc(MB);
      throw new Error('disk read failed at byte 1048576');
    }
    await expect(client.create('/data/big.csv', failing())).rejects.toThrow('disk read failed at byte 1048576');
  });
});

describe('errors carry what the cluster said', () => {
  it('H4: exists() is true on 200 and false on 404 FileNotFoundException', async () => {
    await client.create('/data/a.csv', Buffer.from('a\n'));
    expect(await client.exists('/data/a.csv')).toBe(true);
    expect(await client.exists('/data/missing.csv')).toBe(false);
  });

  it('H4: exists() throws on 403 AccessControlException with exception, javaClassName and message', async () => {
    const failure = client.exists('/secure/path');
    await expect(failure).rejects.toBeInstanceOf(WebHdfsRemoteError);
    await expect(failure).rejects.toMatchObject({
      status: 403,
      exception: 'AccessControlException',
      javaClassName: 'org.apache.hadoop.security.AccessControlException',
      remoteMessage: expect.stringContaining('Permission denied: user=analyst'),
      message: expect.stringContaining('Permission denied: user=analyst'),
    });
  });

  it('H4: exists() throws on a 500 instead of answering false', async () => {
    const broken = createServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ RemoteException: { exception: 'RuntimeException', javaClassName: 'java.lang.RuntimeException', message: 'NameNode is not formatted.' } }));
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(broken.address() as AddressInfo).port}`;
    try {
      await expect(new WebHdfsClient({ nameNodes: [address] }).exists('/data')).rejects.toMatchObject({ status: 500, exception: 'RuntimeException' });
    } finally {
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('H4: OPEN of a missing file rejects with the FileNotFoundException fields', async () => {
    await expect(collect(client.open('/data/missing.csv'))).rejects.toMatchObject({
      status: 404,
      exception: 'FileNotFoundException',
      javaClassName: 'java.io.FileNotFoundException',
      remoteMessage: 'File does not exist: /data/missing.csv',
    });
  });
});
