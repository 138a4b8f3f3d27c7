import { applyEdits, editsBetween, parseModelCell, readFormData, upstreamOf } from '../../src/form/cell-body';

const CELL = `%%dnn_classifier species --from parts:train
# Iris species from the four measurements
target: species
features: [sepalLength, sepalWidth, petalLength, petalWidth]
network: {hidden_units: [16, 8], activation: relu}  # small data, small net
training:
  epochs: 50 # enough for iris
  learning_rate: 0.01`;

describe('model cell body', () => {
  it('reads the kind, node id and upstream of a model cell', () => {
    const cell = parseModelCell(CELL)!;
    expect(cell.kind).toBe('dnn_classifier');
    expect(cell.nodeId).toBe('species');
    expect(upstreamOf(cell)).toEqual({ nodeId: 'parts', port: 'train' });
    expect(parseModelCell('%%sql clean --from cars\nSELECT 1')).toBeNull();
    expect(parseModelCell('const x = 1')).toBeNull();
  });

  it('turns the YAML into form data', () => {
    expect(readFormData(parseModelCell(CELL)!.body)).toEqual({
      target: 'species',
      features: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'],
      network: { hidden_units: [16, 8], activation: 'relu' },
      training: { epochs: 50, learning_rate: 0.01 }
    });
  });

  it('finds only the leaves a form change touched', () => {
    const before = readFormData(parseModelCell(CELL)!.body);
    const after = { ...before, training: { epochs: 80, learning_rate: 0.01 }, network: { hidden_units: [16, 8] } };
    expect(editsBetween(before, after)).toEqual([
      { path: ['network', 'activation'], value: undefined },
      { path: ['training', 'epochs'], value: 80 }
    ]);
  });

  it('round-trips form edits into the YAML keeping comments, order and inline style', () => {
    const cell = parseModelCell(CELL)!;
    const before = readFormData(cell.body);
    const after = {
      ...before,
      features: ['petalLength', 'petalWidth'],
      network: { hidden_units: [32, 16], activation: 'relu' },
      training: { epochs: 80, learning_rate: 0.01, batch_size: 16 }
    };
    const text = applyEdits(cell, editsBetween(before, after));
    expect(text).toBe(`%%dnn_classifier species --from parts:train
# Iris species from the four measurements
target: species
features: [petalLength, petalWidth]
network: {hidden_units: [32, 16], activation: relu} # small data, small net
training:
  epochs: 80 # enough for iris
  learning_rate: 0.01
  batch_size: 16`);
    expect(readFormData(parseModelCell(text)!.body)).toEqual(after);
  });

  it('creates a missing section when a field of it is set', () => {
    const cell = parseModelCell('%%dnn_regressor mpg --from parts:train\ntarget: Miles_per_Gallon')!;
    const text = applyEdits(cell, [{ path: ['preprocessing', 'standardize'], value: 'zscore' }]);
    expect(readFormData(parseModelCell(text)!.body)).toEqual({ target: 'Miles_per_Gallon', preprocessing: { standardize: 'zscore' } });
  });

  it('refuses a body that is not YAML, naming the problem', () => {
    expect(() => readFormData('target: [unclosed')).toThrow(/does not parse/);
  });
});
