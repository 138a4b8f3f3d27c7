// Flow cache bench: the five-node cars flow of examples/flow-cars.ipynb (source → sql → node → split →
// sql) is run once to fill the store, then re-run fully cached, many times, two ways:
//   engine:   a new Flow over the same store (as after a kernel restart) defines the five nodes and
//             runs the last one: fingerprints (with the source file's identity) + manifest lookups;
//   notebook: the five cells through the session's magics, each showing its preview: in a warm
//             session, and in a new session (previews come from the stored manifests).
// Prints the medians and writes the `## Flow cache` section of bench/RESULTS.md.
//   node bench/flow-cached.mjs        (FLOW_BENCH_ROUNDS=30 by default)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import { registerTypeScript, writeResultsSection } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);
const ROUNDS = Number(process.env.FLOW_BENCH_ROUNDS ?? 30);

const evaluate = async (code, scope) => vm.runInNewContext(code, { ...scope });

function magicCell(id) {
  return {
    output: { stream() {}, display() {}, clearOutput() {}, input: async () => '' },
    signal: new AbortController().signal,
    evaluate,
    cellId: id,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  registerTypeScript({ magics: true });
  const { createFlowSession } = require(join(repo, 'kernel/src/runtime/flow-session.ts'));
  const { Flow } = require(join(repo, 'kernel/src/flow/flow.ts'));
  const { dataNodeKinds } = require(join(repo, 'kernel/src/nodes/data-kinds.ts'));
  const { LocalStore } = require(join(repo, 'kernel/src/store/local.ts'));

  const notebook = JSON.parse(readFileSync(join(repo, 'examples/flow-cars.ipynb'), 'utf8'));
  const cells = notebook.cells.filter((c) => c.cell_type === 'code' && c.source.join('').startsWith('%%')).map((c) => ({ id: c.id, code: c.source.join('') }));
  const dir = mkdtempSync(join(tmpdir(), 'flowbook-flow-bench-'));
  try {
    mkdirSync(join(dir, 'data'));
    copyFileSync(join(repo, 'examples/data/cars.json'), join(dir, 'data/cars.json'));
    const storeDir = join(dir, '.flowbook');
    const session = createFlowSession({ notebookDir: dir, store: new LocalStore(storeDir) });

    const runCells = async (target = session) => {
      for (const cell of cells) {
        const outcome = await target.magics.run(cell.code, magicCell(cell.id));
        if (outcome.status !== 'ok') throw new Error(`${cell.id}: ${outcome.evalue}`);
      }
    };
    let started = performance.now();
    await runCells();
    const firstRunMs = performance.now() - started;

    const definitions = session.flow.order().map((id) => session.flow.definition(id));
    const last = definitions[definitions.length - 1].id;
    const kinds = dataNodeKinds();
    const engine = [];
    for (let i = 0; i < ROUNDS; i++) {
      started = performance.now();
      const flow = new Flow({ store: new LocalStore(storeDir), baseDir: dir, kinds, evaluate });
      for (const definition of definitions) flow.define(definition);
      const records = await flow.run(last);
      engine.push(performance.now() - started);
      if (!records.every((r) => r.status === 'cached')) throw new Error(`round ${i}: not all cached: ${JSON.stringify(records)}`);
    }
    const notebookRuns = [];
    for (let i = 0; i < ROUNDS; i++) {
      started = performance.now();
      await runCells();
      notebookRuns.push(performance.now() - started);
    }
    const restartRuns = [];
    for (let i = 0; i < ROUNDS; i++) {
      started = performance.now();
      const restarted = createFlowSession({ notebookDir: dir, store: new LocalStore(storeDir) });
      await runCells(restarted);
      restartRuns.push(performance.now() - started);
    }
    const statuses = session.flow.order().map((id) => session.flow.state(id).status);
    if (!statuses.every((s) => s === 'cached')) throw new Error(`notebook re-run not all cached: ${statuses}`);

    const engineMs = median(engine);
    const notebookMs = median(notebookRuns);
    const restartMs = median(restartRuns);
    console.log(`first run (computing, 5 nodes): ${firstRunMs.toFixed(0)} ms`);
    console.log(`cached re-run, engine after restart: median ${engineMs.toFixed(1)} ms (aim < 50 ms)`);
    console.log(`cached re-run, five notebook cells with previews, warm session: median ${notebookMs.toFixed(1)} ms`);
    console.log(`cached re-run, five notebook cells with previews, after a restart: median ${restartMs.toFixed(1)} ms`);
    writeResultsSection([
      '## Flow cache',
      '',
      `\`node bench/flow-cached.mjs\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 shared cores: the five-node`,
      'cars flow of `examples/flow-cars.ipynb` (source → sql → node → split → sql, 406 rows), first run to fill the',
      `store, then ${ROUNDS} fully cached re-runs of each kind; medians.`,
      '',
      '| run | median (ms) |',
      '|---|---|',
      `| first run, every node computed | ${firstRunMs.toFixed(0)} (one run) |`,
      `| cached re-run after a restart: new Flow, 5 nodes defined, last one run (fingerprints, source identity, manifests) | ${engineMs.toFixed(1)} |`,
      `| cached re-run of the 5 notebook cells in a warm session (outputs held in memory), each showing its preview | ${notebookMs.toFixed(1)} |`,
      `| cached re-run of the 5 notebook cells after a restart, each showing its preview (kept in the stored manifest) | ${restartMs.toFixed(1)} |`,
      '',
      `Aim: a fully cached re-run under 50 ms — engine ${engineMs < 50 ? 'meets it' : 'misses it'} (${engineMs.toFixed(1)} ms).`,
      '',
    ].join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
