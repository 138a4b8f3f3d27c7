import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { runCell, text } from './cells';
import { temporaryFolder } from './helpers';

const examples = join(__dirname, '../../../examples');

/** The node cells of examples/flow-cars.ipynb (source → sql → node → split → sql), as the notebook holds them. */
const notebook = JSON.parse(readFileSync(join(examples, 'flow-cars.ipynb'), 'utf8')) as { cells: { cell_type: string; id: string; source: string[] }[] };
const CARS_CELLS = notebook.cells.filter((c) => c.cell_type === 'code' && c.source.join('').startsWith('%%')).map((c) => ({ id: c.id, code: c.source.join('') }));

function notebookFolder(): string {
  const dir = temporaryFolder();
  mkdirSync(join(dir, 'data'));
  copyFileSync(join(examples, 'data/cars.json'), join(dir, 'data/cars.json'));
  return dir;
}

async function runAll(session: ReturnType<typeof createFlowSession>): Promise<string[]> {
  const statuses: string[] = [];
  for (const cell of CARS_CELLS) {
    const record = await runCell(session, cell.code, cell.id);
    if (record.outcome.status !== 'ok') throw new Error(`${cell.id}: ${JSON.stringify(record.outcome)}`);
    statuses.push(text(record).split('\n')[0]!);
  }
  return statuses;
}

describe('a five-node flow on the cars data', () => {
  it('runs end to end, then reports every node cached, also after a restart', async () => {
    const dir = notebookFolder();
    const session = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
    const first = await runAll(session);
    expect(first.map((line) => line.split(' · ')[2])).toEqual(['done', 'done', 'done', 'done', 'done']);

    expect(CARS_CELLS.map((c) => c.code.split(/\s/)[0])).toEqual(['%%source', '%%sql', '%%node', '%%split', '%%sql']);
    const split = await runCell(session, CARS_CELLS[3]!.code, CARS_CELLS[3]!.id);
    expect(text(split)).toMatch(/parts · split · cached/);
    expect(text(split)).toMatch(/rows: train 313, test 79/);
    expect(text(split)).toMatch(/test Origin: Europe 14 \(17\.7%\), Japan 16 \(20\.3%\), USA 49 \(62\.0%\)/);

    const again = await runAll(session);
    expect(again.map((line) => line.split(' · ')[2])).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);

    const restarted = createFlowSession({ notebookDir: dir, store: new LocalStore(join(dir, '.flowbook')) });
    const afterRestart = await runAll(restarted);
    expect(afterRestart.map((line) => line.split(' · ')[2])).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);

    const table = await restarted.globals.flow.table('test_by_origin');
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      { Origin: 'Europe', cars: 14, mpg: expect.any(Number) },
      { Origin: 'Japan', cars: 16, mpg: expect.any(Number) },
      { Origin: 'USA', cars: 49, mpg: expect.any(Number) },
    ]);
  });
});
