import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { Session, errorOf } from './session-harness';

/** A notebook folder outside the repository, so no node_modules folder above it holds anything. */
function emptyFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook-no-modules-'));
}

describe('packages the kernel ships, from a notebook folder without them', () => {
  let dir: string;
  let session: Session;
  beforeAll(() => {
    dir = emptyFolder();
    session = new Session({ notebookDir: dir, globals: { kernelArrow: arrow }, globalTypes: 'declare const kernelArrow: typeof import("apache-arrow");' });
  });
  afterAll(async () => {
    await session.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports them, typed, as the kernel\'s own instances (static, dynamic and require)', async () => {
    expect(await session.value('import { tableFromArrays, Table } from "apache-arrow";\ntableFromArrays({ a: [1, 2, 3] }).numRows')).toBe('3');
    expect(await session.value('[Table === kernelArrow.Table, (await import("apache-arrow")).Table === kernelArrow.Table]')).toBe('[ true, true ]');
    expect(await session.value('%%js\nrequire("apache-arrow").Table === kernelArrow.Table')).toBe('true');
    const typed = await session.run('const rows: string = tableFromArrays({ a: [1] }).numRows;');
    expect(errorOf(typed.outcome).evalue).toMatch(/^line 1: Type 'number' is not assignable to type 'string'/);
  });

  it('types the globals that name them: display.table takes an Arrow table', async () => {
    expect(errorOf((await session.run('display.table(42)')).outcome).evalue).toMatch(/^line 1: .*'number' is not assignable to parameter of type 'Table/);
  });

  it('completes their names', async () => {
    const code = 'import * as arrow from "apache-arrow";\narrow.tableFromA';
    expect((await session.interpreter.complete(code, code.length)).matches).toContain('tableFromArrays');
  });
});

describe('a package in the notebook\'s own node_modules', () => {
  it('wins over the kernel\'s, for types and at run time', async () => {
    const dir = emptyFolder();
    const own = path.join(dir, 'node_modules', 'apache-arrow');
    fs.mkdirSync(own, { recursive: true });
    fs.writeFileSync(path.join(own, 'package.json'), JSON.stringify({ name: 'apache-arrow', main: 'index.js', types: 'index.d.ts' }));
    fs.writeFileSync(path.join(own, 'index.js'), 'exports.tableFromArrays = "the notebook\'s";\n');
    fs.writeFileSync(path.join(own, 'index.d.ts'), 'export declare const tableFromArrays: string;\n');
    const session = new Session({ notebookDir: dir });
    try {
      expect(await session.value('import { tableFromArrays } from "apache-arrow";\ntableFromArrays')).toBe('"the notebook\'s"');
      expect(await session.value('%%js\nrequire("apache-arrow").tableFromArrays')).toBe('"the notebook\'s"');
      expect(errorOf((await session.run('const size: number = tableFromArrays;')).outcome).evalue).toMatch(/Type 'string' is not assignable to type 'number'/);
    } finally {
      await session.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
