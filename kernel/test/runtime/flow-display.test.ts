import type { GraphSnapshot } from '@flowbook/magics';
import { dagBundle } from '../../src/runtime/flow-display';

describe('the %flow display without the Flowbook extension', () => {
  const graph: GraphSnapshot = {
    nodes: [
      { id: 'cars', kind: 'source', status: 'done', rows: 406 },
      { id: '<b>odd</b>', kind: 'sql', status: 'stale' },
    ],
    edges: [{ from: 'cars', to: '<b>odd</b>' }],
  };

  it('carries the drawing as an HTML image too, so HTML-first viewers (nbconvert) show the picture, not stripped SVG text', () => {
    const bundle = dagBundle(graph);
    const html = String(bundle['text/html']);
    const [, base64] = /^<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*">$/.exec(html) ?? [];
    expect(Buffer.from(base64 ?? '', 'base64').toString('utf8')).toBe(bundle['image/svg+xml']);
  });

  it('describes the graph in the image\'s alt text, with node ids escaped', () => {
    const html = String(dagBundle(graph)['text/html']);
    expect(html).toContain('alt="');
    expect(html).toContain('&lt;b&gt;odd&lt;/b&gt;');
    expect(html).not.toContain('<b>odd</b>');
  });
});
