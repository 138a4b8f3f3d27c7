// CSV ingest bench: generates a 1,000,000 × 10 CSV of mixed types, then stores it as Parquet two ways
// in the same run: Flowbook's source ingest (encoding check, dialect, whole-column typing, then
// DuckDB writing Parquet into a store folder published atomically) and DuckDB's own
//   COPY (SELECT * FROM read_csv(...)) TO 'x.parquet'
// Prints the ratio and writes the `## CSV ingest` section of bench/RESULTS.md.
//   node bench/ingest.mjs            (INGEST_ROWS=1000000 by default)
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerTypeScript, writeResultsSection } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);
const ROWS = Number(process.env.INGEST_ROWS ?? 1_000_000);
const ROUNDS = 5;

/** Ten columns: int id, zero-padded code, float price, int qty, bool, date, timestamp, city (CJK), float with NA, quoted note. */
async function generateCsv(path) {
  const out = createWriteStream(path);
  const cities = ['北京', '上海', 'Paris', 'São Paulo', 'New York'];
  out.write('id,code,price,qty,active,day,seen_at,city,score,note\n');
  let batch = [];
  for (let i = 0; i < ROWS; i++) {
    const day = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const score = i % 17 === 0 ? 'NA' : ((i * 7919) % 10000 / 100).toFixed(2);
    const note = i % 50 === 0 ? `"line ${i}, with comma"` : `n${i % 1000}`;
    batch.push(`${i},${String(i % 100000).padStart(6, '0')},${((i * 31) % 100000) / 100},${i % 500},${i % 3 === 0},${day},${day} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${cities[i % 5]},${score},${note}`);
    if (batch.length === 10_000) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise((r) => out.once('drain', r));
      batch = [];
    }
  }
  if (batch.length) out.write(batch.join('\n') + '\n');
  await new Promise((r) => out.end(r));
}

/** Wall time, and CPU time of the whole process (DuckDB's threads included): the second is less swayed by other work on the machine. */
async function time(work) {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, result };
}

async function main() {
  registerTypeScript();
  const { sourceToParquet } = require(join(repo, 'kernel/src/data/read-source.ts'));
  const { LocalStore } = require(join(repo, 'kernel/src/store/local.ts'));
  const { temporaryKeyFor } = require(join(repo, 'kernel/src/store/store.ts'));
  const { withDuckDB, quoteLiteral } = require(join(repo, 'kernel/src/data/duckdb.ts'));

  const dir = mkdtempSync(join(tmpdir(), 'flowbook-ingest-'));
  try {
    const csv = join(dir, 'sales.csv');
    await generateCsv(csv);
    const megabytes = statSync(csv).size / 1e6;
    const store = new LocalStore(join(dir, 'store'));

    const flowbook = async (round) => {
      const key = `nodes/sales/run${round}`;
      const temporary = temporaryKeyFor(key);
      const folder = store.localPath(temporary);
      mkdirSync(folder, { recursive: true });
      const { rows } = await sourceToParquet(csv, {}, { baseDir: dir }, join(folder, 'data.parquet'));
      await store.publish(temporary, key);
      return rows;
    };
    const duckdb = (round) =>
      withDuckDB(async (connection) => {
        const result = await connection.runAndReadAll(`COPY (SELECT * FROM read_csv(${quoteLiteral(csv)})) TO ${quoteLiteral(join(dir, `duck${round}.parquet`))}`);
        return Number(result.getRows()[0][0]);
      });

    const runs = { flowbook: [], duckdb: [] };
    const cpu = { flowbook: [], duckdb: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const d = await time(() => duckdb(round));
      const f = await time(() => flowbook(round));
      if (d.result !== ROWS || f.result !== ROWS) throw new Error(`row counts: duckdb ${d.result}, flowbook ${f.result}, expected ${ROWS}`);
      runs.duckdb.push(d.ms);
      runs.flowbook.push(f.ms);
      cpu.duckdb.push(d.cpuMs);
      cpu.flowbook.push(f.cpuMs);
    }
    const best = (xs) => Math.min(...xs);
    const ratio = best(runs.flowbook) / best(runs.duckdb);
    const cpuRatio = best(cpu.flowbook) / best(cpu.duckdb);
    const line = (name, xs, cpuXs) => `| ${name} | ${xs.map((x) => x.toFixed(0)).join(' / ')} | ${best(xs).toFixed(0)} | ${(megabytes / (best(xs) / 1000)).toFixed(0)} MB/s | ${best(cpuXs).toFixed(0)} |`;
    console.log(`CSV ${ROWS} rows × 10 columns, ${megabytes.toFixed(1)} MB`);
    console.log(`DuckDB read_csv → Parquet: best ${best(runs.duckdb).toFixed(0)} ms; Flowbook source ingest → stored Parquet: best ${best(runs.flowbook).toFixed(0)} ms; ratio ${ratio.toFixed(2)}× (CPU ${cpuRatio.toFixed(2)}×)`);

    const section = [
      '## CSV ingest',
      '',
      `\`node bench/ingest.mjs\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 shared cores: a generated CSV of`,
      `${ROWS.toLocaleString('en-US')} rows × 10 columns (${megabytes.toFixed(1)} MB; ints, zero-padded codes, floats with \`NA\`, bools, dates,`,
      `timestamps, CJK strings, quoted fields with commas), stored as Parquet. ${ROUNDS} rounds each, alternating; best counts.`,
      'CPU is the process\'s user + system time (DuckDB\'s threads included), best round.',
      '',
      '| path | rounds (ms) | best (ms) | throughput | CPU (ms) |',
      '|---|---|---|---|---|',
      line('DuckDB `COPY (SELECT * FROM read_csv(f)) TO x.parquet`', runs.duckdb, cpu.duckdb),
      line('Flowbook `sourceToParquet` into the store (encoding check, whole-column typing, publish)', runs.flowbook, cpu.flowbook),
      '',
      `Ratio Flowbook / DuckDB: **${ratio.toFixed(2)}×** wall, ${cpuRatio.toFixed(2)}× CPU (aim: within 1.2×).`,
      '',
      'How Flowbook gets there: it reads the file in 1 MB pieces and judges every value in JavaScript (UTF-8 check,',
      'dialect, header, one type per column over the whole column, missing tokens, line ends, rows). DuckDB does not wait',
      "for that pass: it starts at once on the plan the first piece suggests, and its read is kept only when the full pass",
      `ends at the very same plan (else it is stopped and done again). ${ratio <= 1.2 ? 'The aim is met in this run;' : 'The aim is not reached in this run:'} what is left over DuckDB is`,
      'that single-threaded pass, about 0.4 s of CPU for this file (a loop over every byte to find field ends, then typing',
      "7 of the 10 columns' fields). On 2 cores it competes with DuckDB's own threads, so the wall ratio follows the CPU",
      "ratio. It buys what DuckDB's sample-based sniffing does not give: types judged on every row (a late `2A001` makes",
      'a column text instead of failing or losing it), codes with leading zeros kept as text, missing tokens, mixed line',
      'ends, GB18030/UTF-16, and rows in = rows out checked.',
      '',
    ].join('\n');
    writeResultsSection(section);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
