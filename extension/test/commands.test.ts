import { freshNodeId, modelCellTemplate, nodeIdsOf, upstreamAbove } from '../src/commands/templates';
import { FORM_KINDS, parseModelCell, readFormData } from '../src/form/cell-body';

describe('model node templates', () => {
  it.each(FORM_KINDS)('a new %s cell is a model cell whose YAML parses', kind => {
    const text = modelCellTemplate(kind, 'm', 'parts:train');
    const cell = parseModelCell(text)!;
    expect(cell).toMatchObject({ kind, nodeId: 'm', inputs: [{ node: 'parts', port: 'train' }] });
    const data = readFormData(cell.body);
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['target', 'preprocessing', 'network', 'training']));
  });

  it('gives each new node an id no cell uses', () => {
    expect(freshNodeId('dnn_classifier', [])).toBe('classifier');
    expect(freshNodeId('dnn_classifier', ['classifier', 'classifier_2'])).toBe('classifier_3');
  });

  it('reads from the nearest node above, the train port of a split', () => {
    const cells = ['%%source iris\nexamples/data/iris.csv', 'const x = 1', '%%split parts --from iris\ntest_ratio: 0.2'];
    expect(nodeIdsOf(cells)).toEqual(['iris', 'parts']);
    expect(upstreamAbove(cells)).toBe('parts:train');
    expect(upstreamAbove(cells.slice(0, 2))).toBe('iris');
    expect(upstreamAbove(['print(1)'])).toBe('data');
    expect(upstreamAbove([...cells, '%%dnn_classifier species --from parts:train\ntarget: species'])).toBe('parts:train');
  });
});
