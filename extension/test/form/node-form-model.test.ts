import { FlowbookConnection } from '../../src/comm/connection';
import { NodeFormModel } from '../../src/form/node-form-model';
import { FakeComm, settle } from '../fake-comm';
import { DNN_CLASSIFIER } from '../fixtures';

const CELL = `%%dnn_classifier species --from parts:train
target: species   # what we predict
features: [petalWidth]
training: {epochs: 0}`;

function withKernel(): { comm: FakeComm; model: NodeFormModel } {
  const comm = new FakeComm();
  const model = new NodeFormModel();
  model.setConnection(new FlowbookConnection(comm));
  return { comm, model };
}

describe('NodeFormModel', () => {
  it('asks the kernel for the kind schema and the upstream columns, then flags invalid values', async () => {
    const { comm, model } = withKernel();
    model.setCellText(CELL);
    expect(model.status).toBe('loading');
    expect(comm.last()).toMatchObject({ type: 'get_schema', kind: 'dnn_classifier' });
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: DNN_CLASSIFIER });
    await settle();
    expect(model.status).toBe('ready');
    expect(model.errors.map(e => e.path)).toEqual(['training.epochs']);
    expect(comm.last()).toMatchObject({ type: 'get_columns', nodeId: 'parts', port: 'train' });
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: { columns: [{ name: 'species', type: 'utf8' }] } });
    await settle();
    expect(model.columns).toEqual([{ name: 'species', type: 'utf8' }]);
  });

  it('asks for the columns again once an upstream that had not run yet finishes', async () => {
    const { comm, model } = withKernel();
    model.setCellText(CELL);
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: DNN_CLASSIFIER });
    await settle();
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: false, error: { message: 'node `parts` is not defined' } });
    await settle();
    expect(model.columns).toBeNull();
    model.setCellText(CELL.replace('epochs: 0', 'epochs: 5'));
    expect(comm.sent.filter(r => r.type === 'get_columns')).toHaveLength(1); // no retry on every edit

    comm.push({ type: 'node_status', nodeId: 'iris', status: 'done' });
    expect(comm.sent.filter(r => r.type === 'get_columns')).toHaveLength(1); // another node
    comm.push({ type: 'node_status', nodeId: 'parts', status: 'done', rows: 150 });
    expect(comm.last()).toMatchObject({ type: 'get_columns', nodeId: 'parts', port: 'train' });
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: { columns: [{ name: 'species', type: 'utf8' }] } });
    await settle();
    expect(model.columns).toEqual([{ name: 'species', type: 'utf8' }]);
    comm.push({ type: 'node_status', nodeId: 'parts', status: 'cached', rows: 150 });
    expect(comm.sent.filter(r => r.type === 'get_columns')).toHaveLength(2); // the same output
  });

  it('asks for a kind schema only once', async () => {
    const { comm, model } = withKernel();
    model.setCellText(CELL);
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: DNN_CLASSIFIER });
    await settle();
    model.setCellText(CELL.replace('epochs: 0', 'epochs: 5'));
    expect(comm.sent.filter(r => r.type === 'get_schema')).toHaveLength(1);
    expect(model.errors).toEqual([]);
  });

  it('writes a form change into the cell text, keeping comments and leaving defaults out', async () => {
    const { comm, model } = withKernel();
    model.setCellText(CELL);
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: DNN_CLASSIFIER });
    await settle();
    const before = { training: { epochs: 0, learning_rate: 0.001 } };
    const after = { training: { epochs: 30, learning_rate: 0.001 } };
    expect(model.textAfterGroupChange(before, after)).toBe(`%%dnn_classifier species --from parts:train
target: species # what we predict
features: [petalWidth]
training: {epochs: 30}`);
    expect(model.textAfterGroupChange(before, before)).toBeNull();
  });

  it('says what to do without a kernel, and names a YAML error', () => {
    const model = new NodeFormModel();
    model.setCellText(CELL);
    expect(model.status).toBe('no-kernel');
    model.setCellText('%%dnn_regressor mpg --from parts:train\ntarget: [unclosed');
    expect(model.status).toBe('error');
    expect(model.message).toMatch(/does not parse/);
    model.setCellText('print(1)');
    expect(model.status).toBe('no-model-cell');
  });
});
