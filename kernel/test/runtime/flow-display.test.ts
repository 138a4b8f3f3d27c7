import type { GraphSnapshot } from '@flowbook/magics';
import { dagBundle, nodeResultBundle } from '../../src/runtime/flow-display';

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

describe('a node cell\'s result', () => {
  it('reads its summary as a person would: lists joined, records as name-value pairs', () => {
    const bundle = nodeResultBundle({
      id: 'mpg', kind: 'dnn_regressor', previews: [],
      state: { status: 'done', durationMs: 2560, manifest: { summary: { samples: { training: 251, validation: 63 }, inputs: ['Cylinders', 'Origin=USA'], epochs: 37, nested: { a: [1] } } } as never },
    });
    expect(bundle['text/plain']).toBe([
      'mpg · dnn_regressor · done · 2.56 s',
      'samples: training 251, validation 63',
      'inputs: Cylinders, Origin=USA',
      'epochs: 37',
      'nested: {"a":[1]}',
    ].join('\n'));
  });
});
