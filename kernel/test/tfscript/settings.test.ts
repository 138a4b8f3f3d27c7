import { runCell, text } from '../flow/cells';
import { buildKernel, CARS_TRAINING, carsSession, tfscriptCell } from './cells';

beforeAll(buildKernel, 120_000);

describe('%%tfscript settings', () => {
  it('the session serves the settings form in the cluster, training and paths groups', async () => {
    const { session } = await carsSession();
    const form = session.kindSchema('tfscript');
    expect(form.groups.map((g) => g.id)).toEqual(['cluster', 'training', 'paths']);
    const properties = form.schema.properties as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(properties.cluster!.properties)).toEqual(['workers', 'ps', 'memory_mb', 'mode']);
    expect(Object.keys(properties.paths!.properties)).toEqual(['model_dir', 'log_dir']);
  });

  it('a setting outside the schema is named with its field; bad YAML names its cell line', async () => {
    const { session } = await carsSession();
    const wrong = await runCell(session, tfscriptCell('custom', [...CARS_TRAINING, '  batch_size: 0']));
    expect(wrong.outcome).toMatchObject({ status: 'error', ename: 'InvalidNodeParameters', evalue: expect.stringContaining('training.batch_size: 0 is below the minimum 1') });
    const yaml = await runCell(session, tfscriptCell('custom', ['training:', '  label: [unclosed']));
    expect(yaml.outcome).toMatchObject({ status: 'error', ename: 'NodeYamlError', evalue: expect.stringContaining('(cell line 3)') });
  });

  it('memory_mb becomes the job process\'s heap limit', async () => {
    const { session } = await carsSession();
    const cell = await runCell(session, tfscriptCell('custom', ['cluster: {memory_mb: 300}', ...CARS_TRAINING, '  epochs: 1']));
    expect(cell.outcome).toEqual({ status: 'ok' });
    const limit = Number(/heap limit (\d+) MB/.exec(cell.stdout)![1]);
    // V8 adds its young generation to the old-space limit given.
    expect(limit).toBeGreaterThanOrEqual(300);
    expect(limit).toBeLessThan(400);
    expect(text(cell)).toContain('custom: completed');
  }, 60_000);
});
