// WebHDFS memory bench: uploads and downloads 1 GB through Flowbook's WebHDFS client against the
// test WebHDFS server running in a separate process (so only the client's memory is measured), and
// reports the client's peak RSS growth. Writes the `## WebHDFS memory` section of bench/RESULTS.md.
//   node bench/hdfs-memory.mjs            (HDFS_BENCH_MB=1024 by default)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);

/** Lets this plain-JS bench load the TypeScript sources directly (swc, as the tests do). */
function registerTypeScript() {
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const { code } = swc.transformSync(source, {
      filename,
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}

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

async function runClient() {
  registerTypeScript();
  const { WebHdfsClient } = require(join(repo, 'kernel/src/store/webhdfs/index.ts'));
  const megabytes = Number(process.env.HDFS_BENCH_MB ?? 1024);
  const total = megabytes * 1024 * 1024;
  const server = await startServerProcess();
  try {
    const client = new WebHdfsClient({ nameNodes: server.nameNodes, user: 'bench' });
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

    const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
    const rows = [
      ['upload (CREATE)', upload.result, stored, uploadSeconds, upload.peak - baseline],
      ['download (OPEN)', download.result, download.result, downloadSeconds, download.peak - baseline],
    ];
    for (const [phase, sent, checked, seconds, growth] of rows) {
      if (sent !== total || checked !== total) throw new Error(`${phase}: moved ${sent} bytes, HDFS has ${checked}, expected ${total}`);
      console.log(`${phase}: ${mb(total)} MB in ${seconds.toFixed(1)} s (${(total / 1024 / 1024 / seconds).toFixed(0)} MB/s), peak RSS growth ${mb(growth)} MB`);
    }
    writeResults(megabytes, baseline, rows);
  } finally {
    server.child.stdin.end();
  }
}

function writeResults(megabytes, baseline, rows) {
  const file = join(here, 'RESULTS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const table = rows
    .map(([phase, , , seconds, growth]) => `| ${phase} | ${(megabytes / seconds).toFixed(0)} MB/s | ${(growth / 1024 / 1024).toFixed(1)} MB |`)
    .join('\n');
  const section = [
    '## WebHDFS memory',
    '',
    `\`node bench/hdfs-memory.mjs\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: ${megabytes} MB uploaded with`,
    'CREATE (NameNode 307, body streamed to the DataNode) and read back with OPEN through `WebHdfsClient`, against',
    'the test WebHDFS server in a separate process (its memory not counted). Peak RSS growth of the client',
    `process over its ${(baseline / 1024 / 1024).toFixed(0)} MB baseline after loading the client; the aim is under 200 MB.`,
    '',
    '| phase | throughput | client peak RSS growth |',
    '|---|---|---|',
    table,
    '',
  ].join('\n');
  const pattern = /## WebHDFS memory\n[\s\S]*?(?=\n## |$)/;
  const updated = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(file, updated.endsWith('\n') ? updated : `${updated}\n`);
}

if (process.argv.includes('--server')) await runServer();
else await runClient();
