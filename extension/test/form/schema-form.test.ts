import { groupData, groupSchema, validateData } from '../../src/form/schema-form';
import { DNN_CLASSIFIER } from '../fixtures';

const COLUMNS = [
  { name: 'sepalLength', type: 'float64' },
  { name: 'petalWidth', type: 'float64' },
  { name: 'species', type: 'utf8' }
];

describe('schema form', () => {
  it('turns column pickers into choices of the upstream columns', () => {
    const schema = groupSchema(DNN_CLASSIFIER, DNN_CLASSIFIER.groups[0], COLUMNS) as any;
    expect(schema.properties.target.enum).toEqual(['sepalLength', 'petalWidth', 'species']);
    expect(schema.properties.features.items.enum).toEqual(['sepalLength', 'petalWidth', 'species']);
    expect(schema.properties.features.uniqueItems).toBe(true);
    expect(schema.required).toEqual(['target', 'features']);
  });

  it('reaches column pickers nested in a group, as in a tfscript cell\'s training settings', () => {
    const tfscript = {
      kind: 'tfscript', title: 'TensorFlow script',
      schema: { type: 'object', properties: { training: { type: 'object', properties: {
        label: { type: 'string', 'x-flowbook-column': 'one' },
        features: { type: 'array', items: { type: 'string' }, 'x-flowbook-column': 'many' },
        epochs: { type: 'integer' }
      } } } },
      groups: [{ id: 'training', title: 'Training', properties: ['training'] }]
    };
    const schema = groupSchema(tfscript as never, tfscript.groups[0], COLUMNS) as any;
    expect(schema.properties.training.properties.label.enum).toEqual(['sepalLength', 'petalWidth', 'species']);
    expect(schema.properties.training.properties.features.items.enum).toEqual(['sepalLength', 'petalWidth', 'species']);
    expect(schema.properties.training.properties.epochs).toEqual({ type: 'integer' });
  });

  it('leaves column fields free text while the upstream columns are unknown', () => {
    const schema = groupSchema(DNN_CLASSIFIER, DNN_CLASSIFIER.groups[0], null) as any;
    expect(schema.properties.target.enum).toBeUndefined();
  });

  it('gives each group only its own properties and data', () => {
    const schema = groupSchema(DNN_CLASSIFIER, DNN_CLASSIFIER.groups[3], COLUMNS) as any;
    expect(Object.keys(schema.properties)).toEqual(['training']);
    expect(groupData({ target: 'species', training: { epochs: 5 } }, DNN_CLASSIFIER.groups[3])).toEqual({ training: { epochs: 5 } });
  });

  it('flags invalid values at their YAML path', () => {
    const errors = validateData(DNN_CLASSIFIER, {
      target: 'species',
      features: ['petalWidth'],
      training: { epochs: 0, learning_rate: 0.01 }
    });
    expect(errors.map(e => e.path)).toEqual(['training.epochs']);
    expect(validateData(DNN_CLASSIFIER, { target: 'species', features: ['petalWidth'] })).toEqual([]);
  });
});
