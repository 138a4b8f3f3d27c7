import { FLOW_GLOBAL_TYPES } from '../../src/runtime/flow-api';
import { Session } from '../runtime/session-harness';

describe('a %%tfscript cell in the notebook\'s language service', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session({ globalTypes: FLOW_GLOBAL_TYPES });
  });
  afterAll(() => session.shutdown());

  const cell = [
    '%%tfscript custom --from parts:train',
    '// training: {label: y}',
    "import * as tf from '@tensorflow/tfjs';",
    'export function processStep(ctx: Tfscript.Context, batch: Tfscript.Batch) {',
    '  ctx.inp',
  ].join('\n');

  it('completes the members of ctx and batch', async () => {
    const completion = await session.interpreter.complete(cell, [...cell].length);
    expect(completion.matches).toEqual(expect.arrayContaining(['inputShape', 'inputNames']));
    const batch = `${cell.slice(0, -'ctx.inp'.length)}batch.`;
    expect((await session.interpreter.complete(batch, [...batch].length)).matches).toEqual(expect.arrayContaining(['x', 'y', 'size', 'epoch', 'step']));
  });

  it('inspects batch.x as a tfjs tensor', async () => {
    const code = `${cell.slice(0, -'ctx.inp'.length)}batch.x`;
    const inspection = await session.interpreter.inspect(code, [...code].length, 0);
    expect(inspection.data['text/plain']).toBe('(property) Tfscript.Batch.x: tf.Tensor2D');
  });
});
