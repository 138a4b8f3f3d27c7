import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as iconv from 'iconv-lite';
import { createFlowSession, type FlowSession } from '../../../src/runtime/flow-session';
import { openStore } from '../../../src/store/open';
import { WebHdfsClient } from '../../../src/store/webhdfs';
import { runCell, text, type CellRecord } from '../../flow/cells';
import { temporaryFolder } from '../../flow/helpers';
import { startWebHdfsServer, type WebHdfsTestServer } from '../../support/webhdfs-server/server';

const REPO = resolve(__dirname, '../../../..');
const STORE_PATH = '/warehouse/团队 flowbook';
const SOURCE_PATH = '/数据/cars 2024.csv';

interface Car {
  Name: string;
  Miles_per_Gallon: number | null;
  Cylinders: number;
  Displacement: number;
  Horsepower: number | null;
  Weight_in_lbs: number;
  Acceleration: number;
}

/** The Auto MPG cars (examples/data/cars.json) as the CSV an upstream system would leave on HDFS: Chinese headers, GB18030. */
function carsCsvGb18030(): Buffer {
  const cars = JSON.parse(readFileSync(join(REPO, 'examples/data/cars.json'), 'utf8')) as Car[];
  const rows = cars
    .filter((c) => c.Miles_per_Gallon !== null && c.Horsepower !== null)
    .map((c) => [`"${c.Name}"`, c.Miles_per_Gallon, c.Cylinders, c.Displacement, c.Horsepower, c.Weight_in_lbs, c.Acceleration].join(','));
  return iconv.encode(['车名,油耗,气缸,排量,马力,重量,加速', ...rows].join('\n') + '\n', 'gb18030');
}

const cells = (server: WebHdfsTestServer): string[] => [
  `%%source cars\nhdfs://${server.nameNodeAddresses[0]}${SOURCE_PATH}`,
  '%%split parts --from cars\ntest_ratio: 0.2\nseed: 1',
  [
    '%%dnn_regressor mpg --from parts:train',
    'target: 油耗',
    'features: [气缸, 排量, 马力, 重量, 加速]',
    'network: {hidden_units: [8]}',
    'training: {learning_rate: 0.01, epochs: 3, validation_split: 0, seed: 7}',
  ].join('\n'),
  '%%predict scored --model mpg --from parts:test',
];

async function runAll(session: FlowSession, server: WebHdfsTestServer): Promise<CellRecord[]> {
  const records: CellRecord[] = [];
  for (const cell of cells(server)) {
    const record = await runCell(session, cell);
    expect(record.outcome).toEqual({ status: 'ok' });
    records.push(record);
  }
  return records;
}

async function predictions(session: FlowSession): Promise<number[]> {
  const table = await session.globals.flow.table('scored');
  return Array.from(table.getChild('predicted_油耗')!.toArray() as Float64Array, Number);
}

let server: WebHdfsTestServer;
let hdfs: WebHdfsClient;

beforeAll(() => {
  // The training job runs in a worker process started from dist/.
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
}, 120_000);
beforeEach(async () => {
  server = await startWebHdfsServer();
  hdfs = new WebHdfsClient({ nameNodes: server.nameNodeAddresses, user: 'analyst' });
});
afterEach(() => server.stop());

describe('a notebook flow whose store is on HDFS', () => {
  it('reads a GB18030 source from hdfs://, keeps outputs, the model and the job log on HDFS; a new session reuses them all and predicts the same', async () => {
    await hdfs.create(SOURCE_PATH, carsCsvGb18030());
    const storeUri = `hdfs://${server.nameNodeAddresses[0]}${STORE_PATH}`;
    const firstDir = temporaryFolder();
    const first = createFlowSession({ notebookDir: firstDir, store: openStore(storeUri, firstDir) });

    const ran = await runAll(first, server);

    expect(text(ran[0]!)).toContain('392 rows × 7 columns');
    expect(text(ran[0]!)).toContain('车名');
    expect(text(ran[2]!)).toMatch(/^mpg · dnn_regressor · done/);
    const stored = async (folder: string) => (await hdfs.listStatus(`${STORE_PATH}/${folder}`)).map((s) => s.pathSuffix);
    expect(await stored('nodes')).toEqual(['cars', 'mpg', 'parts', 'scored']);
    const [modelPrint] = await stored('models/mpg');
    expect(await stored(`models/mpg/${modelPrint}`)).toEqual(['metrics.json', 'model.json', 'preprocessing.json', 'weights.bin']);
    const [jobId] = await stored('jobs');
    expect(await stored(`jobs/${jobId}`)).toEqual(expect.arrayContaining(['log.txt', 'status.json']));
    const status = JSON.parse(Buffer.from(await first.flow.store.read(`jobs/${jobId}/status.json`)).toString()) as { state: string; model: string };
    expect(status).toMatchObject({ state: 'completed', model: `models/mpg/${modelPrint}` });
    expect(existsSync(join(firstDir, '.flowbook'))).toBe(false);
    const scoredFirst = await predictions(first);
    expect(scoredFirst.length).toBeGreaterThan(50);
    expect(scoredFirst.every(Number.isFinite)).toBe(true);

    // A teammate's kernel: another folder, the same store.
    const secondDir = temporaryFolder();
    const second = createFlowSession({ notebookDir: secondDir, store: openStore(storeUri, secondDir) });
    const createsBefore = server.requests.filter((r) => r.op === 'CREATE').length;

    const reran = await runAll(second, server);

    expect(reran.map((record) => /^\S+ · \S+ · \S+/.exec(text(record))?.[0])).toEqual([
      'cars · source · cached',
      'parts · split · cached',
      'mpg · dnn_regressor · cached',
      'scored · predict · cached',
    ]);
    expect(server.requests.filter((r) => r.op === 'CREATE').length).toBe(createsBefore);
    expect(await stored('jobs')).toEqual([jobId]);
    expect(await predictions(second)).toEqual(scoredFirst);

    // The model itself loads from HDFS: a changed scoring input is predicted with the stored model.
    const rescored = await runCell(second, '%%predict rescored --model mpg --from parts:train');
    expect(rescored.outcome).toEqual({ status: 'ok' });
    expect(text(rescored)).toMatch(/^rescored · predict · done/);
    expect(await stored('jobs')).toEqual([jobId]);
    expect(server.requests.some((r) => r.op === 'OPEN' && decodeURIComponent(r.rawUrl).includes(`models/mpg/${modelPrint}/weights.bin`))).toBe(true);
  }, 180_000);

  it('a DataNode dying in the middle of an output or a model upload fails that cell and leaves nothing a later run takes as good', async () => {
    await hdfs.create(SOURCE_PATH, carsCsvGb18030());
    const storeUri = `hdfs://${server.nameNodeAddresses[0]}${STORE_PATH}`;
    const dir = temporaryFolder();
    const first = createFlowSession({ notebookDir: dir, store: openStore(storeUri, dir) });
    const [source, split, model, predict] = cells(server);
    const leftIn = async (folder: string) => ((await hdfs.exists(`${STORE_PATH}/${folder}`)) ? (await hdfs.listStatus(`${STORE_PATH}/${folder}`)).map((s) => s.pathSuffix) : []);
    server.behaviour.crashUploadAfterBytes = 100;

    server.behaviour.crashUploadsOf = (path) => path.includes('/nodes/cars/');
    expect((await runCell(first, source!)).outcome).toMatchObject({ status: 'error', ename: 'HdfsTransferBroken' });
    expect(await leftIn('nodes/cars')).toEqual([]);

    server.behaviour.crashUploadsOf = (path) => path.includes('/models/');
    expect((await runCell(first, source!)).outcome).toEqual({ status: 'ok' });
    expect((await runCell(first, split!)).outcome).toEqual({ status: 'ok' });
    expect((await runCell(first, model!)).outcome).toMatchObject({ status: 'error', ename: 'HdfsTransferBroken' });
    expect(await leftIn('models/mpg')).toEqual([]);
    expect(await leftIn('nodes/mpg')).toEqual([]);

    // The DataNode is back; a new session computes again what never finished, and reuses what did.
    server.behaviour.crashUploadAfterBytes = undefined;
    const second = createFlowSession({ notebookDir: dir, store: openStore(storeUri, dir) });
    const statuses: (string | undefined)[] = [];
    for (const cell of [source!, split!, model!, predict!]) {
      const record = await runCell(second, cell);
      expect(record.outcome).toEqual({ status: 'ok' });
      statuses.push(/^\S+ · \S+ · \S+/.exec(text(record))?.[0]);
    }
    expect(statuses).toEqual(['cars · source · cached', 'parts · split · cached', 'mpg · dnn_regressor · done', 'scored · predict · done']);
    expect(await leftIn('models/mpg')).toHaveLength(1);
  }, 180_000);
});
