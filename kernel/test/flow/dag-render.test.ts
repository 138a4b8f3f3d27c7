import type { GraphSnapshot } from '@flowbook/magics';
import { layoutDag } from '../../src/flow/dag-layout';
import { renderDagSvg, renderDagText } from '../../src/flow/dag-render';

const diamond: GraphSnapshot = {
  nodes: [
    { id: 'join', kind: 'sql', status: 'stale' },
    { id: 'cars', kind: 'source', status: 'done', rows: 406 },
    { id: 'left', kind: 'sql', status: 'cached', rows: 10 },
    { id: 'parts', kind: 'split', status: 'done', rows: 8 },
  ],
  edges: [
    { from: 'cars', to: 'left' },
    { from: 'cars', to: 'parts' },
    { from: 'left', to: 'join' },
    { from: 'parts', fromPort: 'test', to: 'join' },
  ],
};

describe('the DAG layout', () => {
  it('puts every node below all its upstream nodes, whatever the definition order', () => {
    const layout = layoutDag(diamond);
    expect(Object.fromEntries([...layout.nodes.values()].map((n) => [n.id, n.layer]))).toEqual({ cars: 0, left: 1, parts: 1, join: 2 });
    for (const edge of diamond.edges) expect(layout.nodes.get(edge.from)!.y).toBeLessThan(layout.nodes.get(edge.to)!.y);
  });

  it('keeps nodes of one layer apart and inside the picture', () => {
    const layout = layoutDag(diamond);
    const left = layout.nodes.get('left')!;
    const parts = layout.nodes.get('parts')!;
    expect(Math.abs(left.x - parts.x)).toBeGreaterThanOrEqual(168);
    for (const node of layout.nodes.values()) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.x + 168).toBeLessThanOrEqual(layout.width);
      expect(node.y + 48).toBeLessThanOrEqual(layout.height);
    }
  });
});

describe('the DAG pictures', () => {
  it('draws one box per node and one path per edge, with the port named', () => {
    const svg = renderDagSvg(diamond);
    expect(svg.match(/<g>/g)).toHaveLength(4);
    expect(svg.match(/<path d="M[\d.]+,[\d.]+ C/g)).toHaveLength(4);
    expect(svg).toContain('>test</text>');
  });

  it('escapes every text it draws', () => {
    const svg = renderDagSvg({ nodes: [{ id: 'x', kind: '<img src=x onerror=alert(1)>', status: 'failed', error: 'bad "quote" & <tag>' }], edges: [] });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).toContain('bad &quot;quote&quot; &amp; &lt;tag&gt;');
  });

  it('writes the flow as text, upstream first, with inputs and failures', () => {
    const textForm = renderDagText({ ...diamond, nodes: diamond.nodes.map((n) => (n.id === 'join' ? { ...n, status: 'failed', error: 'no column x' } : n)) });
    const lines = textForm.split('\n');
    expect(lines[0]).toBe('flow: 4 nodes, 4 edges');
    expect(lines[1]).toMatch(/^ {2}cars +source +done +406 rows$/);
    expect(lines[4]).toMatch(/^ {2}join +sql +failed +← left, parts:test$/);
    expect(lines[5]).toBe('  join failed: no column x');
    expect(renderDagText({ nodes: [], edges: [] })).toContain('no nodes yet');
  });
});
