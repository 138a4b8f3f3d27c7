// WebHDFS memory bench: uploads and downloads 1 GB through Flowbook's WebHDFS client, and a 1 GB
// local file through `%store put` / `%store get` on an HDFS store, against the test WebHDFS server
// running in a separate process (so only the client's memory is measured); reports the client's peak
// RSS growth, and throughput as a ratio to curl doing the same two-step WebHDFS calls in the same run.
// Writes the `## WebHDFS memory` section of bench/RESULTS.md.
//   node bench/hdfs-memory.mjs            (HDFS_BENCH_MB=1024 by default)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerTypeScript, writeResultsSection } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);

async function runServer() {
  registerTypeScript();
  const { startWebHdfsServer } = require(join(repo, 'kernel/test/support/webhdfs-server/server.ts'));
  const server = await startWebHdfsServer();
  process.stdout.write(JSON.stringify({ nameNodes: server.nameNodeAddresses }) + '\n');
  // The parent closes our stdin when it is done (or dies): stop and remove the temporary namespace.
  process.stdin.resume();
  process.stdin.on('end', () => server.stop().then(() => process.exit(0)));
}

function startServerProcess() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (line) => resolve({ child, ...JSON.parse(String(line)) }));
  });
}

/** Samples RSS every 20 ms while `work` runs; returns the peak seen. */
async function peakRss(work) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { peak, result };
  } finally {
    clearInterval(timer);
  }
}

async function* repeated(chunk, total) {
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, total - sent));
}

/** Writes `total` bytes to a local file without holding them (the source of `%store put` and curl). */
async function writeLocalFile(path, chunk, total) {
  const { createWriteStream } = await import('node:fs');
  const { Readable } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(Readable.from(repeated(chunk, total)), createWriteStream(path));
}

/** The documented curl way: CREATE on the NameNode without a body, then the file PUT to the 307 Location. */
function curlUpload(nameNode, hdfsPath, file) {
  const first = spawnSync('curl', ['-s', '-i', '-X', 'PUT', `http://${nameNode}/webhdfs/v1${hdfsPath}?op=CREATE&overwrite=true&user.name=bench`], { encoding: 'utf8' });
  const location = /^location:\s*(\S+)/im.exec(first.stdout)?.[1];
  if (!location) throw new Error(`curl CREATE: no redirect in ${first.stdout.slice(0, 200)}`);
  const second = spawnSync('curl', ['-s', '-f', '-H', 'Expect:', '-X', 'PUT', '-T', file, '-o', '/dev/null', location]);
  if (second.status !== 0) throw new Error(`curl upload failed with ${second.status}`);
}

function curlDownload(nameNode, hdfsPath, file) {
  const run = spawnSync('curl', ['-s', '-f', '-L', '-o', file, `http://${nameNode}/webhdfs/v1${hdfsPath}?op=OPEN&user.name=bench`]);
  if (run.status !== 0) throw new Error(`curl download failed with ${run.status}`);
}

function timed(work) {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

async function runClient() {
  registerTypeScript();
  const { WebHdfsClient, WebHdfsStore } = require(join(repo, 'kernel/src/store/webhdfs/index.ts'));
  const { runStoreTransfer } = require(join(repo, 'kernel/src/runtime/flow-store.ts'));
  const megabytes = Number(process.env.HDFS_BENCH_MB ?? 1024);
  const total = megabytes * 1024 * 1024;
  const server = await startServerProcess();
  const local = mkdtempSync(join(tmpdir(), 'flowbook-hdfs-bench-'));
  try {
    const client = new WebHdfsClient({ nameNodes: server.nameNodes, user: 'bench' });
    const store = new WebHdfsStore(`hdfs://${server.nameNodes[0]}/bench/store`, { user: 'bench' });
    await client.create('/bench/warmup.bin', Buffer.alloc(1024));
    for await (const _ of client.open('/bench/warmup.bin'));
    global.gc?.();
    const baseline = process.memoryUsage.rss();

    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const startUpload = performance.now();
    const upload = await peakRss(() => client.create('/bench/big.bin', repeated(chunk, total), { overwrite: true }));
    const uploadSeconds = (performance.now() - startUpload) / 1000;
    const stored = (await client.getFileStatus('/bench/big.bin')).length;

    const startDownload = performance.now();
    const download = await peakRss(async () => {
      let received = 0;
      for await (const piece of client.open('/bench/big.bin')) received += piece.length;
      return received;
    });
    const downloadSeconds = (performance.now() - startDownload) / 1000;

    // The user's path: a local file into the HDFS store and back (temporary name, length check, RENAME).
    await writeLocalFile(join(local, 'big.bin'), chunk, total);
    const startPut = performance.now();
    const put = await peakRss(() => runStoreTransfer({ type: 'store', action: 'put', local: 'big.bin', remote: 'raw/big.bin' }, store, local));
    const putSeconds = (performance.now() - startPut) / 1000;
    const putStored = (await client.getFileStatus('/bench/store/raw/big.bin')).length;
    const startGet = performance.now();
    const got = await peakRss(() => runStoreTransfer({ type: 'store', action: 'get', remote: 'raw/big.bin', local: 'back.bin' }, store, local));
    const getSeconds = (performance.now() - startGet) / 1000;
    const gotSize = statSync(join(local, 'back.bin')).size;
    rmSync(join(local, 'back.bin'));

    // The peer, in this run: curl doing the same two WebHDFS steps from and to the same kind of local file.
    const curlUploadSeconds = timed(() => curlUpload(server.nameNodes[0], '/bench/curl.bin', join(local, 'big.bin')));
    const curlStored = (await client.getFileStatus('/bench/curl.bin')).length;
    const curlDownloadSeconds = timed(() => curlDownload(server.nameNodes[0], '/bench/curl.bin', join(local, 'curl.bin')));
    const curlGot = statSync(join(local, 'curl.bin')).size;

    const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
    const rows = [
      // From and into memory: no file on either side, so no curl ratio.
      ['upload (CREATE, client, from memory)', upload.result, stored, uploadSeconds, upload.peak - baseline, undefined],
      ['download (OPEN, client, into memory)', download.result, download.result, downloadSeconds, download.peak - baseline, undefined],
      ['`%store put` local file → HDFS store', total, putStored, putSeconds, put.peak - baseline, curlUploadSeconds],
      ['`%store get` HDFS store → local file', total, gotSize, getSeconds, got.peak - baseline, curlDownloadSeconds],
    ];
    if (curlStored !== total || curlGot !== total) throw new Error(`curl moved ${curlStored} / ${curlGot} bytes, expected ${total}`);
    for (const [phase, sent, checked, seconds, growth, curlSeconds] of rows) {
      if (sent !== total || checked !== total) throw new Error(`${phase}: moved ${sent} bytes, HDFS has ${checked}, expected ${total}`);
      const ratio = curlSeconds === undefined ? '' : `, ${(curlSeconds / seconds).toFixed(2)}× curl's speed`;
      console.log(`${phase}: ${mb(total)} MB in ${seconds.toFixed(1)} s (${(total / 1024 / 1024 / seconds).toFixed(0)} MB/s${ratio}), peak RSS growth ${mb(growth)} MB`);
    }
    writeResults(megabytes, baseline, rows);
  } finally {
    rmSync(local, { recursive: true, force: true });
    server.child.stdin.end();
  }
}

function writeResults(megabytes, baseline, rows) {
  const table = rows
    .map(([phase, , , seconds, growth, curlSeconds]) => `| ${phase} | ${(megabytes / seconds).toFixed(0)} MB/s | ${curlSeconds === undefined ? '—' : `${(curlSeconds / seconds).toFixed(2)}×`} | ${(growth / 1024 / 1024).toFixed(1)} MB |`)
    .join('\n');
  const section = [
    '## WebHDFS memory',
    '',
    `\`node bench/hdfs-memory.mjs\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: ${megabytes} MB uploaded with`,
    'CREATE (NameNode 307, body streamed to the DataNode) and read back with OPEN through `WebHdfsClient`, then a',
    `${megabytes} MB local file put into an HDFS store and got back with \`%store put\` / \`%store get\` (temporary name,`,
    'length check, RENAME; a local temporary file renamed into place), against the test WebHDFS server in a',
    'separate process (its memory not counted). Peak RSS growth of the client process over its',
    `${(baseline / 1024 / 1024).toFixed(0)} MB baseline after loading the client; the aim is under 200 MB. The peer, measured in the`,
    'same run against the same server, for the file-to-file rows: `curl` doing the same two WebHDFS steps (CREATE, then `-T FILE` to the 307',
    'Location, without waiting for 100-continue as Flowbook does not; OPEN with `-L -o FILE`); the ratio is Flowbook\'s',
    'speed over curl\'s (above 1: faster). One run on 2 cores shared with other work: read the ratios as "about',
    'curl\'s speed", not finer; the memory column is the claim.',
    '',
    '| phase | throughput | vs curl | client peak RSS growth |',
    '|---|---|---|---|',
    table,
    '',
  ].join('\n');
  writeResultsSection(section);
}

if (process.argv.includes('--server')) await runServer();
else await runClient();
