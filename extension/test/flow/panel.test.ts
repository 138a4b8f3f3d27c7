import { FlowbookConnection } from '../../src/comm/connection';
import { FlowPanel } from '../../src/flow/panel';
import { FlowPanelModel } from '../../src/flow/panel-model';
import { FakeComm, IRIS_FLOW, settle } from '../fake-comm';
import { english } from '../translation';

async function readyPanel(): Promise<{ comm: FakeComm; model: FlowPanelModel; panel: FlowPanel; revealed: string[] }> {
  const comm = new FakeComm();
  const model = new FlowPanelModel();
  const revealed: string[] = [];
  const panel = new FlowPanel(model, english, cellId => revealed.push(cellId));
  model.connect(new FlowbookConnection(comm));
  comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: IRIS_FLOW });
  await settle();
  return { comm, model, panel, revealed };
}

describe('FlowPanel', () => {
  it('tells the user what to do in each state without a graph', () => {
    const model = new FlowPanelModel();
    const panel = new FlowPanel(model, english, () => undefined);
    expect(panel.node.textContent).toMatch(/Open a notebook that uses the Flowbook kernel/);
    model.setState('no-kernel');
    expect(panel.node.textContent).toMatch(/no running kernel/);
    model.setState('not-flowbook');
    expect(panel.node.textContent).toMatch(/not Flowbook/);
  });

  it('draws the graph, and a click selects the node and reveals its cell', async () => {
    const { panel, model, revealed } = await readyPanel();
    expect(panel.node.querySelectorAll('g.fb-Dag-node')).toHaveLength(4);
    panel.node.querySelector('[data-node-id="parts"]')!.dispatchEvent(new MouseEvent('click'));
    expect(model.selected).toBe('parts');
    expect(revealed).toEqual(['c2']);
    expect(panel.node.querySelector('[data-node-id="parts"]')!.classList.contains('fb-mod-selected')).toBe(true);
  });

  it('keeps its drawing while a job only reports progress, so a node stays clickable during training', async () => {
    const { panel, comm } = await readyPanel();
    comm.push({ type: 'job_started', jobId: 'j1', nodeId: 'species', backend: 'cpu', logPath: 'l', tensorboardDir: 't', epochs: 5, batchesPerEpoch: 2 });
    const node = panel.node.querySelector('[data-node-id="species"]');
    comm.push({ type: 'job_metrics', jobId: 'j1', epoch: 1, logs: { loss: 0.5 } });
    comm.push({ type: 'job_log', jobId: 'j1', line: 'epoch 1' });
    expect(panel.node.querySelector('[data-node-id="species"]')).toBe(node);
    comm.push({ type: 'node_status', nodeId: 'species', status: 'done', metric: { name: 'accuracy', value: 0.97 } });
    expect(panel.node.querySelector('[data-node-id="species"] .fb-Dag-summary')!.textContent).toBe('accuracy 0.9700');
  });

  it('runs the selected node downstream from its action button', async () => {
    const { panel, model, comm } = await readyPanel();
    model.select('parts');
    panel.node.querySelector<HTMLButtonElement>('.fb-FlowPanel-runDownstream')!.click();
    expect(comm.last()).toMatchObject({ type: 'run_node', nodeId: 'parts', downstream: true });
  });

  it('shows Stop for a model node, enabled only while its job runs', async () => {
    const { panel, model, comm } = await readyPanel();
    model.select('species');
    expect(panel.node.querySelector<HTMLButtonElement>('.fb-FlowPanel-stop')!.disabled).toBe(true);
    comm.push({ type: 'job_started', jobId: 'j1', nodeId: 'species', backend: 'cpu', logPath: 'l', tensorboardDir: 't', epochs: 5, batchesPerEpoch: 2 });
    const stop = panel.node.querySelector<HTMLButtonElement>('.fb-FlowPanel-stop')!;
    expect(stop.disabled).toBe(false);
    expect(panel.node.querySelector<HTMLButtonElement>('.fb-FlowPanel-run')!.disabled).toBe(true);
    stop.click();
    expect(comm.last()).toMatchObject({ type: 'stop_job', jobId: 'j1' });
    model.select('iris');
    expect(panel.node.querySelector('.fb-FlowPanel-stop')).toBeNull();
  });
});
