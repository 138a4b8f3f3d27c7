import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFlowSession } from '../../src/runtime/flow-session';
import { LocalStore } from '../../src/store/local';
import { runCell, text } from './cells';
import { temporaryFolder } from './helpers';

/** The five cells of examples/flow-cars.ipynb: source → sql → node → split → sql, on the real Auto MPG data. */
export const CARS_CELLS = [
  '%%source cars\ndata/cars.json',
  '%%sql clean --from cars\nSELECT Name, Miles_per_Gallon, Cylinders, Horsepower, Weight_in_lbs, Origin\nFROM cars\nWHERE Miles_per_Gallon IS NOT NULL AND Horsepower IS NOT NULL',
  '%%node features --from clean\nclean.toArray().map((car) => ({\n  ...car.toJSON(),\n  power_to_weight: car.Horsepower / car.Weight_in_lbs,\n}))',
  '%%split parts --from features\nmethod: stratified  # keep the share of each origin\ncolumn: Origin\ntest_ratio: 0.2\nseed: 42',
  '%%sql test_by_origin --from parts:test\nSELECT Origin, count(*) AS cars, round(avg(Miles_per_Gallon), 1) AS mpg\nFROM parts_test\nGROUP BY Origin\nORDER BY Origin',
];

function notebookFolder(): string {
  const dir = temporaryFolder();
  mkdirSync(join(dir, 'data'));
  copyFileSync(join(__dirname, '../../../examples/data/cars.json'), join(dir, 'data/cars.json'));
  return dir;
}

async function runAll(session: ReturnType<typeof createFlowSession>): Promise<string[]> {
  const statuses: string[] = [];
  for (const [i, cell] of CARS_CELLS.entries()) {
    const record = await runCell(session, cell, `cell-${i}`);
    if (record.outcome.status !== 'ok') throw new Error(`${cell.split('\n')[0]}: ${JSON.stringify(record.outcome)}`);
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

    const split = await runCell(session, CARS_CELLS[3]!, 'cell-3');
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
