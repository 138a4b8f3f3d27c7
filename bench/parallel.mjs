// Parallel training throughput: samples per second with 1 and 2 workers (one parameter server each),
// side by side in one run, against the single-process training loop as the reference peer.
// Run after `npx tsc -b kernel`: node bench/parallel.mjs [--rows N] [--epochs N] [--rounds N]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './support.mjs';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => path.join(repo, 'kernel/dist', p);
const { toArrowTable } = require(dist('data/convert.js'));
const { trainModel } = require(dist('train/train-model.js'));
const { parseModelSpec } = require(dist('train/params/index.js'));
const { clusterFit } = require(dist('train/parallel/chief.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 20_000);
const EPOCHS = arg('epochs', 4);
const ROUNDS = arg('rounds', 2);

// The cars rows, repeated with a little noise until there are ROWS of them: enough work per step that
// the network's arithmetic, not the messages, decides the pace (as with real training data).
const cars = JSON.parse(fs.readFileSync(path.join(repo, 'examples/data/cars.json'), 'utf8')).filter((r) => r.Miles_per_Gallon != null && r.Horsepower != null);
let seed = 7;
const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.02;
const rows = Array.from({ length: ROWS }, (_, i) => {
  const r = cars[i % cars.length];
  return { ...r, Weight_in_lbs: r.Weight_in_lbs * (1 + noise()), Horsepower: r.Horsepower * (1 + noise()) };
});
const table = toArrowTable(rows);

const spec = (cluster) => parseModelSpec('dnn_regressor', {
  target: 'Miles_per_Gallon',
  features: ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Origin'],
  network: { hidden_units: [256, 256] },
  training: { epochs: EPOCHS, batch_size: 256, learning_rate: 0.001, validation_split: 0.1, early_stopping: { enabled: false } },
  cluster,
});

/** Training samples per second between the end of epoch 1 and the end of the last (start-up excluded). */
async function measure(cluster) {
  const s = spec(cluster);
  const ends = [];
  const trained = await trainModel(s, table, {
    onProgress: (e) => { if (e.type === 'epoch') ends.push(Date.now()); },
    fit: cluster ? clusterFit({ cluster: s.params.cluster }) : undefined,
  });
  trained.model.dispose();
  const seconds = (ends.at(-1) - ends[0]) / 1000;
  return { perSecond: (trained.split.training * (ends.length - 1)) / seconds, r2: trained.metrics.r2 };
}

const setups = [
  { name: 'single process (fitModel)', cluster: undefined },
  { name: '1 worker + 1 parameter server', cluster: { workers: 1, ps: 1 } },
  { name: '2 workers + 1 parameter server', cluster: { workers: 2, ps: 1 } },
];
const results = setups.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < setups.length; i++) results[i].push(await measure(setups[i].cluster));
}

const best = results.map((runs) => Math.max(...runs.map((r) => r.perSecond)));
const heading = `parallel training, ${ROWS} rows (${Math.round(ROWS * 0.9)} training), dense [256, 256], batch 256 per worker, ${EPOCHS} epochs; ` +
  `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}`;
const lines = [
  '| setup | samples/s per round | best | R² (last round) |',
  '|---|---|---|---|',
  ...setups.map((s, i) => `| ${s.name} | ${results[i].map((r) => Math.round(r.perSecond)).join(' / ')} | ${Math.round(best[i])} | ${results[i].at(-1).r2.toFixed(3)} |`),
];
const speedUp = best[2] / best[1];
const summary = `speed-up 2 workers / 1 worker: ${speedUp.toFixed(2)}x; 1 worker / single process: ${(best[1] / best[0]).toFixed(2)}x; 2 workers / single process: ${(best[2] / best[0]).toFixed(2)}x`;
console.log(heading);
console.log(lines.join('\n'));
console.log(summary);
writeResultsSection([
  '## Parallel training',
  '',
  `\`node bench/parallel.mjs --rounds ${ROUNDS}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${heading}. The cars rows repeated with`,
  'a little noise; a `%%dnn_regressor` trained by the single-process loop (the reference peer), then by the cluster with one',
  'worker and one parameter server, then with two workers and one server (synchronous: every step averages both workers\'',
  'gradients, so two workers of batch 256 step like one process of batch 512). Samples per second between the end of epoch 1',
  'and the end of the last (start-up excluded); rounds interleaved, best round counted.',
  '',
  ...lines,
  '',
  `${summary}. Aim: 2 workers at least 1.6× one worker — ${speedUp >= 1.6 ? 'met' : 'not met'} in this run. On 2 cores the two workers, the server`,
  'and the chief share the machine, so the figure moves with whatever else runs (rounds of one run differ by up to 15%).',
  'Against the single-process loop the gain is smaller: a step through a server costs a round trip, which one worker',
  'pays without sharing the work.',
  '',
].join('\n'));
