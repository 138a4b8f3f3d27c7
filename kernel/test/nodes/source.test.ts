import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceKind } from '../../src/nodes/source';
import { runContext } from './fakes';

const repoRoot = join(__dirname, '../../..');

describe('%%source', () => {
  it('reads the location line and the YAML options after it', () => {
    expect(sourceKind.paramsFromBody('examples/data/cars.json\n# the vega copy\nformat: json\n')).toEqual({ location: 'examples/data/cars.json', options: { format: 'json' } });
  });

  it('asks for a location when the body has none', () => {
    expect(() => sourceKind.paramsFromBody('\n# nothing yet\n')).toThrow('%%source needs the file to read');
  });

  it("validates options with the data layer's schema and names a wrong one", () => {
    const checked = sourceKind.validate({ location: 'a.csv', options: { format: 'xlsx' } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors[0]).toMatchObject({ field: 'options.format', value: 'xlsx' });
    const unknown = sourceKind.validate({ location: 'a.csv', options: { delimeter: ';' } });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.errors[0]!.message).toContain('known fields');
  });

  it('reads cars.json relative to the notebook folder', async () => {
    const checked = sourceKind.validate(sourceKind.paramsFromBody('examples/data/cars.json'));
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const result = await sourceKind.run(runContext(checked.params, {}, { baseDir: repoRoot }));
    expect(result.tables.out!.numRows).toBe(406);
    expect(result.tables.out!.schema.fields.map((f) => f.name)).toContain('Horsepower');
  });

  it('has an identity that stays while the file stays and changes when the file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbook-source-'));
    try {
      writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
      const params = { location: 'a.csv', options: {} };
      const context = { baseDir: dir, store: runContext(null).store };
      const first = await sourceKind.identity!(params, context);
      expect(await sourceKind.identity!(params, context)).toBe(first);
      writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n3,4\n');
      expect(await sourceKind.identity!(params, context)).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
