import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';

// The client tests are only as good as this server's faithfulness to Hadoop's WebHDFS REST API, so
// its answers are checked here with a plain HTTP client that follows no redirects.
let server: WebHdfsTestServer;
afterEach(() => server.stop());

const get = (address: string, target: string, method = 'GET') => fetch(`http://${address}/webhdfs/v1${target}`, { method, redirect: 'manual' });

describe('the test WebHDFS server answers as Hadoop does', () => {
  it('redirects CREATE with 307 to the DataNode address it advertises, with namenoderpcaddress', async () => {
    server = await startWebHdfsServer({ advertisedDataNode: '9f3c2a1b7d44:9864' });

    const res = await get(server.nameNodeAddresses[0], '/data/sales.csv?op=CREATE&user.name=analyst&overwrite=true', 'PUT');

    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(
      'http://9f3c2a1b7d44:9864/webhdfs/v1/data/sales.csv?op=CREATE&namenoderpcaddress=localhost:8020&overwrite=true',
    );
  });

  it('answers a missing path with 404 and a RemoteException body', async () => {
    server = await startWebHdfsServer();

    const res = await get(server.nameNodeAddresses[0], '/nowhere?op=LISTSTATUS');

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      RemoteException: { exception: 'FileNotFoundException', javaClassName: 'java.io.FileNotFoundException', message: 'File does not exist: /nowhere' },
    });
  });

  it('refuses a stray % in a path with 400, as Jetty does', async () => {
    server = await startWebHdfsServer();
    expect((await get(server.nameNodeAddresses[0], '/tmp/a%c.csv?op=GETFILESTATUS')).status).toBe(400);
  });

  it('a standby NameNode answers 403 StandbyException; a Kerberos cluster answers 401 Negotiate', async () => {
    server = await startWebHdfsServer({ nameNodes: ['standby'], security: 'kerberos' });
    const standby = await get(server.nameNodeAddresses[0], '/?op=LISTSTATUS');
    expect(standby.status).toBe(403);
    expect(((await standby.json()) as { RemoteException: { exception: string } }).RemoteException.exception).toBe('StandbyException');

    server.setNameNodeState(0, 'active');
    const kerberos = await get(server.nameNodeAddresses[0], '/?op=LISTSTATUS&user.name=analyst');
    expect(kerberos.status).toBe(401);
    expect(kerberos.headers.get('www-authenticate')).toBe('Negotiate');
  });

  it('RENAME without options answers {"boolean": false} when the destination exists, never an error', async () => {
    server = await startWebHdfsServer();
    const nn = server.nameNodeAddresses[0];
    await get(nn, '/a?op=MKDIRS', 'PUT');
    await get(nn, '/b?op=MKDIRS', 'PUT');
    await get(nn, '/b/a?op=MKDIRS', 'PUT');

    const res = await get(nn, '/a?op=RENAME&destination=%2Fb', 'PUT');

    expect(await res.json()).toEqual({ boolean: false });
  });
});
