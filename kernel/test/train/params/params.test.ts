import { FlowbookError } from '../../../src/errors';
import { MODEL_SCHEMAS, parseModelSpec } from '../../../src/train/params';

function errorOf(run: () => unknown): FlowbookError {
  try {
    run();
  } catch (e) {
    if (e instanceof FlowbookError) return e;
    throw e;
  }
  throw new Error('expected a FlowbookError');
}

describe('model parameters', () => {
  it('a cell with only a target gets every default', () => {
    const spec = parseModelSpec('dnn_regressor', { target: 'Miles_per_Gallon' });
    expect(spec.params).toMatchObject({
      target: 'Miles_per_Gallon',
      preprocessing: { standardize: 'zscore', missing: 'drop', scale_target: true },
      network: { hidden_units: [64, 32], activation: 'relu', output_activation: 'linear', dropout: 0 },
      training: {
        optimizer: 'adam', initializer: 'glorotUniform', learning_rate: 0.001, epochs: 100, batch_size: 32,
        validation_split: 0.2, seed: 42, early_stopping: { enabled: true, monitor: 'val_loss', patience: 10, restore_best: true },
      },
    });
    expect(spec.params.features).toBeUndefined();
  });

  it('an unknown optimizer names the field, the value and what is allowed', () => {
    const e = errorOf(() => parseModelSpec('dnn_classifier', { target: 'y', training: { optimizer: 'adamw' } }));
    expect(e.message).toBe('training.optimizer is "adamw"; allowed: sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta');
    expect(e.context).toMatchObject({ field: 'training.optimizer', value: 'adamw' });
  });

  it('a missing target is named as required', () => {
    expect(errorOf(() => parseModelSpec('lstm_regressor', { window: 5 })).message).toBe('target is missing; it is required');
  });

  it('a misspelt field lists the known fields of its group', () => {
    expect(errorOf(() => parseModelSpec('dnn_regressor', { target: 'y', network: { hiden_units: [3] } })).message)
      .toMatch(/^network\.hiden_units is \[3\]; unknown field \(did you mean `hidden_units`\?\); known fields here: hidden_units, activation, output_activation, dropout$/);
  });

  it('activation is one for all layers or one per layer; output activations depend on the task', () => {
    expect(parseModelSpec('dnn_regressor', { target: 'y', network: { activation: ['tanh', 'elu'] } }).params.network.activation).toEqual(['tanh', 'elu']);
    expect(errorOf(() => parseModelSpec('dnn_regressor', { target: 'y', network: { activation: ['tanh', 'gelu'] } })).message)
      .toContain('network.activation is ["tanh","gelu"]; allowed: one of relu, elu, selu, tanh, sigmoid, softplus, linear, or a list of one of');
    expect(errorOf(() => parseModelSpec('dnn_classifier', { target: 'y', network: { output_activation: 'linear' } })).message)
      .toBe('network.output_activation is "linear"; allowed: softmax, sigmoid');
  });

  it('ranges are checked: dropout below 1, a positive learning rate, whole epochs', () => {
    expect(errorOf(() => parseModelSpec('dnn_regressor', { target: 'y', network: { dropout: 1 } })).message).toBe('network.dropout is 1; must be < 1');
    expect(errorOf(() => parseModelSpec('dnn_regressor', { target: 'y', training: { learning_rate: 0 } })).message).toBe('training.learning_rate is 0; must be > 0');
    expect(errorOf(() => parseModelSpec('dnn_regressor', { target: 'y', training: { epochs: 2.5 } })).message).toBe('training.epochs is 2.5; expected an integer');
  });

  it('class weights are balanced or a mapping from class to weight', () => {
    expect(parseModelSpec('dnn_classifier', { target: 'y', training: { class_weights: { cat: 2 } } }).params.training.class_weights).toEqual({ cat: 2 });
    expect(errorOf(() => parseModelSpec('dnn_classifier', { target: 'y', training: { class_weights: 'equal' } })).context.field).toBe('training.class_weights');
  });

  it('each kind has a draft-07 schema grouped as data fields, preprocessing, network and training', () => {
    for (const schema of Object.values(MODEL_SCHEMAS)) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(Object.keys(schema.properties!)).toEqual(expect.arrayContaining(['target', 'features', 'preprocessing', 'network', 'training']));
      expect(schema.properties!.training.properties!.optimizer.enum).toContain('adadelta');
    }
    expect(Object.keys(MODEL_SCHEMAS.lstm_regressor.properties!)).toEqual(expect.arrayContaining(['order', 'group', 'window', 'horizon']));
    expect(MODEL_SCHEMAS.dnn_regressor.properties!.network.properties!.output_activation.enum).toEqual(['linear', 'relu', 'softplus']);
  });
});
