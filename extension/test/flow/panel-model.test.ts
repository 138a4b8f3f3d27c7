import { FlowbookConnection } from '../../src/comm/connection';
import { FlowPanelModel } from '../../src/flow/panel-model';
import { FakeComm, IRIS_FLOW, settle } from '../fake-comm';

function connected(): { comm: FakeComm; model: FlowPanelModel } {
  const comm = new FakeComm();
  const model = new FlowPanelModel();
  model.connect(new FlowbookConnection(comm));
  const ask = comm.last();
  expect(ask.type).toBe('get_graph');
  comm.push({ type: 'reply', requestId: ask.requestId, ok: true, result: IRIS_FLOW });
  return { comm, model };
}

describe('FlowPanelModel', () => {
  it('asks for the graph on connect and shows it', async () => {
    const { model } = connected();
    await settle();
    expect(model.state).toBe('ready');
    expect(model.graph.nodes.map(n => n.id)).toEqual(['iris', 'parts', 'species', 'scored']);
  });

  it('follows node status events as cells run', async () => {
    const { comm, model } = connected();
    await settle();
    let changes = 0;
    model.changed.connect(() => changes++);
    comm.push({ type: 'node_status', nodeId: 'species', status: 'done', metric: { name: 'val_acc', value: 0.96 } });
    expect(model.node('species')).toMatchObject({ status: 'done', metric: { name: 'val_acc', value: 0.96 } });
    expect(model.node('iris')?.status).toBe('done');
    expect(changes).toBe(1);
  });

  it('replaces the graph on a graph event and drops a selection that no longer exists', async () => {
    const { comm, model } = connected();
    await settle();
    model.select('scored');
    comm.push({ type: 'graph', graph: { nodes: IRIS_FLOW.nodes.slice(0, 3), edges: IRIS_FLOW.edges.slice(0, 2) } });
    expect(model.graph.nodes).toHaveLength(3);
    expect(model.selected).toBeNull();
  });

  it('sends run node with downstream, and stops the running job of a node by its job id', async () => {
    const { comm, model } = connected();
    await settle();
    void model.runNode('parts', true);
    expect(comm.last()).toMatchObject({ type: 'run_node', nodeId: 'parts', downstream: true });

    comm.push({
      type: 'job_started', jobId: 'job-7', nodeId: 'species', backend: 'wasm',
      logPath: '.flowbook/jobs/job-7/log.txt', tensorboardDir: '.flowbook/jobs/job-7/tb', epochs: 50, batchesPerEpoch: 4
    });
    expect(model.node('species')?.status).toBe('running');
    expect(model.activeJob('species')?.jobId).toBe('job-7');
    void model.stopNode('species');
    expect(comm.last()).toMatchObject({ type: 'stop_job', jobId: 'job-7' });

    comm.push({ type: 'job_finished', jobId: 'job-7', state: 'stopped', best: { epoch: 12, metric: 'val_loss', value: 0.1 } });
    expect(model.activeJob('species')).toBeUndefined();
  });

  it('keeps the kernel error of a failed action for the view to show', async () => {
    const { comm, model } = connected();
    await settle();
    const run = model.runNode('scored', false);
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: false, error: { message: 'Node "species" has no trained model yet.' } });
    await run;
    expect(model.lastError).toBe('Node "species" has no trained model yet.');
  });

  it('says no kernel when the kernel goes away', async () => {
    const { comm, model } = connected();
    await settle();
    comm.closeFromKernel();
    expect(model.state).toBe('no-kernel');
  });
});

describe('FlowPanelModel with a kernel that is not Flowbook', () => {
  it('says so when the kernel closes the comm without ever answering', async () => {
    const comm = new FakeComm();
    const model = new FlowPanelModel();
    model.connect(new FlowbookConnection(comm));
    comm.closeFromKernel();
    await settle();
    expect(model.state).toBe('not-flowbook');
    expect(model.lastError).toBeNull();
  });
});
