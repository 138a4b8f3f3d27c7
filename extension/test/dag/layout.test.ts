import { layoutDag } from '../../src/dag/layout';
import { renderDagSvg, nodeSummary } from '../../src/dag/svg';
import { IRIS_FLOW } from '../fake-comm';

describe('layoutDag', () => {
  it('places every node below the nodes it reads from', () => {
    const dag = layoutDag(IRIS_FLOW);
    const y = new Map(dag.nodes.map(n => [n.node.id, n.y]));
    for (const edge of IRIS_FLOW.edges) {
      expect(y.get(edge.to)!).toBeGreaterThan(y.get(edge.from)!);
    }
    expect(dag.width).toBeGreaterThan(0);
    expect(dag.height).toBeGreaterThan(3 * 48);
  });

  it('lays left to right when asked', () => {
    const dag = layoutDag(IRIS_FLOW, { direction: 'LR' });
    const x = new Map(dag.nodes.map(n => [n.node.id, n.x]));
    expect(x.get('parts')!).toBeGreaterThan(x.get('iris')!);
  });

  it('routes each edge between its nodes and labels ports', () => {
    const dag = layoutDag(IRIS_FLOW);
    const modelEdge = dag.edges.find(e => e.edge.to === 'scored' && e.edge.from === 'species')!;
    expect(modelEdge.label).toBe('model');
    expect(modelEdge.labelAt).not.toBeNull();
    expect(modelEdge.points.length).toBeGreaterThanOrEqual(2);
    expect(dag.edges.find(e => e.edge.to === 'species')!.label).toBe('train');
  });

  it('drops edges to nodes the snapshot does not have', () => {
    const dag = layoutDag({ nodes: IRIS_FLOW.nodes.slice(0, 1), edges: [{ from: 'iris', to: 'gone' }] });
    expect(dag.nodes).toHaveLength(1);
    expect(dag.edges).toHaveLength(0);
  });
});

describe('renderDagSvg', () => {
  it('draws one box per node with its status, and a path per edge', () => {
    const svg = renderDagSvg(layoutDag(IRIS_FLOW), { selected: 'parts' });
    const boxes = svg.querySelectorAll('g.fb-Dag-node');
    expect(boxes).toHaveLength(4);
    expect(svg.querySelector('[data-node-id="species"]')!.getAttribute('data-status')).toBe('stale');
    expect(svg.querySelector('[data-node-id="parts"]')!.classList.contains('fb-mod-selected')).toBe(true);
    expect(svg.querySelectorAll('path.fb-Dag-edge')).toHaveLength(4);
  });

  it('shows a node id that looks like markup as text', () => {
    const hostile = { nodes: [{ id: '<img src=x onerror=alert(1)>', kind: 'source', status: 'done' as const }], edges: [] };
    const svg = renderDagSvg(layoutDag(hostile));
    expect(svg.querySelector('img')).toBeNull();
    expect(svg.querySelector('.fb-Dag-id')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('reports a click on a node with its id', () => {
    const clicked: string[] = [];
    const svg = renderDagSvg(layoutDag(IRIS_FLOW), { onNodeClick: id => clicked.push(id) });
    svg.querySelector('[data-node-id="species"]')!.dispatchEvent(new MouseEvent('click'));
    expect(clicked).toEqual(['species']);
  });

  it('sums a node up by its metric, else its rows, else its status', () => {
    expect(nodeSummary({ id: 'm', kind: 'dnn_classifier', status: 'done', metric: { name: 'val_acc', value: 0.9667 } })).toBe('val_acc 0.9667');
    expect(nodeSummary({ id: 's', kind: 'source', status: 'cached', rows: 1234 })).toBe('1,234 rows');
    expect(nodeSummary({ id: 's', kind: 'source', status: 'stale' })).toBe('stale');
  });
});
