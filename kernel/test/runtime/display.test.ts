import { Session } from './session-harness';

describe('the display API', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session();
  });
  afterAll(() => session.shutdown());

  it('display.html / markdown / svg / json / vegalite publish their mime types with a text fallback', async () => {
    const { outcome, output } = await session.run(
      'display.html("<b>bold</b>");\ndisplay.markdown("# Title");\ndisplay.svg("<svg></svg>");\n' +
        'display.json({ a: [1, 2] });\ndisplay.vegalite({ mark: "bar" });\ndisplay.png(new Uint8Array([137, 80]));',
    );
    expect(outcome).toEqual({ status: 'ok' });
    const bundles = output.displays.map((d) => d.data);
    expect(bundles[0]).toEqual({ 'text/html': '<b>bold</b>', 'text/plain': '<HTML output>' });
    expect(bundles[1]).toEqual({ 'text/markdown': '# Title', 'text/plain': '# Title' });
    expect(bundles[2]).toMatchObject({ 'image/svg+xml': '<svg></svg>' });
    expect(bundles[3]).toEqual({ 'application/json': { a: [1, 2] }, 'text/plain': '{ a: [ 1, 2 ] }' });
    expect(bundles[4]).toMatchObject({ 'application/vnd.vegalite.v5+json': { mark: 'bar' } });
    expect(bundles[5]).toMatchObject({ 'image/png': 'iVA=' });
    expect(new Set(output.displays.map((d) => d.displayId)).size).toBe(6);
  });

  it('display.jpeg publishes image/jpeg as base64, from bytes or from base64 text, with a text fallback', async () => {
    const { outcome, output } = await session.run('display.jpeg(new Uint8Array([0xff, 0xd8, 0xff]));\ndisplay.jpeg("/9j/");');
    expect(outcome).toEqual({ status: 'ok' });
    expect(output.displays.map((d) => d.data)).toEqual([
      { 'image/jpeg': '/9j/', 'text/plain': '<JPEG image>' },
      { 'image/jpeg': '/9j/', 'text/plain': '<JPEG image>' },
    ]);
  });

  it('a handle updates the same output by display_id, also from a later cell', async () => {
    const first = await session.run('const progress = display.markdown("0%");');
    const later = await session.run('progress.update("100%");');
    const [shown] = first.output.displays;
    const updates = [...first.output.displays, ...later.output.displays].filter((d) => d.update);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toEqual(expect.objectContaining({ displayId: shown!.displayId, data: { 'text/markdown': '100%', 'text/plain': '100%' } }));
  });

  it('an update keeps the mime type its display was created with, for every kind', async () => {
    const { outcome, output } = await session.run(
      'const h = display.html("<b>1</b>"); h.update("<b>2</b>");\n' +
        'display.markdown("# 1").update("# 2");\n' +
        'display.svg("<svg>1</svg>").update("<svg>2</svg>");\n' +
        'display.png(new Uint8Array([1])).update(new Uint8Array([137, 80]));\n' +
        'display.jpeg("AQ==").update(new Uint8Array([0xff, 0xd8, 0xff]));\n' +
        'display.json({ a: 1 }).update({ a: [2] });\n' +
        'display.vegalite({ mark: "bar" }).update({ mark: "line" });\n' +
        'display.table([{ a: 1 }]).update([{ a: 1 }, { a: 2 }]);\n' +
        'display(1).update(2);',
    );
    expect(outcome).toEqual({ status: 'ok' });
    const updates = output.displays.filter((d) => d.update);
    expect(updates.map((d) => d.displayId)).toEqual(output.displays.filter((d) => !d.update).map((d) => d.displayId));
    const [html, markdown, svg, png, jpeg, json, vegalite, table, plain] = updates.map((d) => d.data);
    expect(html).toEqual({ 'text/html': '<b>2</b>', 'text/plain': '<HTML output>' });
    expect(markdown).toEqual({ 'text/markdown': '# 2', 'text/plain': '# 2' });
    expect(svg).toEqual({ 'image/svg+xml': '<svg>2</svg>', 'text/plain': '<SVG image>' });
    expect(png).toEqual({ 'image/png': 'iVA=', 'text/plain': '<PNG image>' });
    expect(jpeg).toEqual({ 'image/jpeg': '/9j/', 'text/plain': '<JPEG image>' });
    expect(json).toEqual({ 'application/json': { a: [2] }, 'text/plain': '{ a: [ 2 ] }' });
    expect(vegalite).toEqual({ 'application/vnd.vegalite.v5+json': { mark: 'line' }, 'text/plain': '<Vega-Lite chart>' });
    expect(table!['text/html']).toContain('2 rows × 1 column');
    expect(plain).toEqual({ 'text/plain': '2' });
  });

  it('objects render through Symbol.for("Jupyter.display"), as display(x) and as the last value', async () => {
    await session.run('class Badge { [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>badge</i>" }; } }');
    const shown = await session.run('display(new Badge());');
    expect(shown.output.displays[0]!.data).toEqual({ 'text/html': '<i>badge</i>', 'text/plain': 'Badge {}' });
    const last = await session.run('new Badge()');
    expect(last.outcome).toEqual({ status: 'ok', result: { data: { 'text/html': '<i>badge</i>', 'text/plain': 'Badge {}' }, metadata: {} } });
  });

  it('an Arrow table renders as an HTML table with its schema, and display.table takes rows', async () => {
    const last = await session.run('import { tableFromArrays } from "apache-arrow";\ntableFromArrays({ mpg: Float64Array.from([18, 15]), name: ["<chevrolet>", "buick"] })');
    const data = last.outcome.status === 'ok' ? last.outcome.result!.data : {};
    expect(data['text/html']).toContain('&lt;chevrolet&gt;');
    expect(data['text/html']).toContain('float64');
    expect(data['text/plain']).toContain('2 rows × 2 columns');
    const rows = await session.run('display.table([{ a: 1 }, { a: 2 }]);');
    expect(rows.output.displays[0]!.data['text/html']).toContain('2 rows × 1 column');
  });

  it('display.clear clears the output, and a displayed handle is not echoed as a result', async () => {
    const { outcome, output } = await session.run('display.clear({ wait: true });\ndisplay("x")');
    expect(output.events[0]).toEqual({ kind: 'clear', wait: true });
    expect(outcome).toEqual({ status: 'ok' });
  });

  it('input and password ask through the cell output', async () => {
    const { outcome, output } = await session.run('const who = await input("name? ");\nconst secret = await password("key: ");\n`${who}:${secret.length}`', { answers: ['ada', 'xyz'] });
    expect(outcome).toMatchObject({ result: { data: { 'text/plain': "'ada:3'" } } });
    expect(output.prompts).toEqual([{ prompt: 'name? ', password: false }, { prompt: 'key: ', password: true }]);
  });
});
