import * as arrow from 'apache-arrow';
import type { NodeKind, UpstreamRef } from '../../src/nodes/kind';
import { testFlow } from './helpers';

/** Stand-ins for a model kind and %%predict: what matters here is the `--model` edge, not training. */
const seen: (UpstreamRef | undefined)[] = [];
const trainer: NodeKind<{ size: number }> = {
  kind: 'trainer',
  title: 'Trainer',
  description: 'Leaves a model key for its downstream.',
  parameterSchema: { type: 'object', properties: { size: { type: 'integer', default: 1 } } },
  inputs: { min: 1, max: 1 },
  outputPorts: ['out'],
  paramsFromBody: () => ({}),
  validate: (raw) => ({ ok: true, params: raw as { size: number } }),
  async run({ inputs, fingerprint, params }) {
    return { tables: { out: Object.values(inputs)[0]! }, warnings: [], artifacts: { modelKey: `models/m/${fingerprint}`, size: params.size } };
  },
};
const scorer: NodeKind<Record<string, never>> = {
  kind: 'scorer',
  title: 'Scorer',
  description: 'Records the model it was handed.',
  parameterSchema: { type: 'object' },
  inputs: { min: 1, max: 1 },
  outputPorts: ['out'],
  paramsFromBody: () => ({}),
  validate: () => ({ ok: true, params: {} }),
  async run({ model }) {
    seen.push(model);
    return { tables: { out: arrow.tableFromArrays({ scored: Float64Array.from([1]) }) }, warnings: [] };
  },
};

describe('the --model edge', () => {
  it('hands the model node its artifacts to the scoring node, from memory and from the store after a restart', async () => {
    const setup = testFlow([trainer, scorer] as NodeKind[]);
    const define = (flow: typeof setup.flow, size: number): void => {
      flow.define({ id: 'rows', kind: 'node', params: { code: '[{ x: 1 }, { x: 2 }]' } });
      flow.define({ id: 'm', kind: 'trainer', params: { size }, inputs: [{ node: 'rows' }] });
      flow.define({ id: 'scored', kind: 'scorer', params: {}, inputs: [{ node: 'rows' }], model: 'm' });
    };
    define(setup.flow, 1);
    await setup.flow.run('scored');
    const trainedPrint = setup.flow.state('m').fingerprint!;
    expect(seen.at(-1)).toEqual({ node: 'm', fingerprint: trainedPrint, artifacts: { modelKey: `models/m/${trainedPrint}`, size: 1 } });
    expect(setup.flow.snapshot().edges).toContainEqual({ from: 'm', to: 'scored', toPort: 'model' });

    // A changed model makes the scoring stale and hands over the new model.
    define(setup.flow, 2);
    expect(setup.flow.state('scored').status).toBe('stale');
    await setup.flow.run('scored');
    expect(seen.at(-1)!.artifacts).toMatchObject({ size: 2 });

    // After a restart, both are cached and nothing runs again.
    const restarted = setup.restart();
    define(restarted, 2);
    const calls = seen.length;
    expect((await restarted.run('scored')).map((r) => r.status)).toEqual(['cached', 'cached', 'cached']);
    expect(seen.length).toBe(calls);
  });

  it('refuses a model node that does not exist, naming the known nodes', () => {
    const { flow } = testFlow([trainer, scorer] as NodeKind[]);
    flow.define({ id: 'rows', kind: 'node', params: { code: '[{ x: 1 }]' } });
    expect(() => flow.define({ id: 'scored', kind: 'scorer', params: {}, inputs: [{ node: 'rows' }], model: 'mpg' })).toThrow('reads from `mpg`, which the flow does not have');
  });
});
