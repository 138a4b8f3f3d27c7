import type { NodeKindSchema } from '@flowbook/protocol';

/** A dnn_classifier schema of the shape the kernel's nodes layer declares. */
export const DNN_CLASSIFIER: NodeKindSchema = {
  kind: 'dnn_classifier',
  title: 'DNN classification',
  schema: {
    type: 'object',
    required: ['target', 'features'],
    properties: {
      target: { type: 'string', title: 'Target column', 'x-flowbook-column': 'one' },
      features: { type: 'array', title: 'Feature columns', items: { type: 'string' }, 'x-flowbook-column': 'many' },
      preprocessing: {
        type: 'object',
        properties: { standardize: { type: 'string', enum: ['none', 'zscore', 'minmax'], default: 'zscore' } }
      },
      network: {
        type: 'object',
        properties: {
          hidden_units: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [64, 32] },
          activation: { type: 'string', enum: ['relu', 'tanh', 'sigmoid'], default: 'relu' }
        }
      },
      training: {
        type: 'object',
        properties: {
          epochs: { type: 'integer', minimum: 1, default: 100 },
          learning_rate: { type: 'number', exclusiveMinimum: 0, default: 0.001 }
        }
      }
    }
  },
  groups: [
    { id: 'data', title: 'Data', properties: ['target', 'features'] },
    { id: 'preprocessing', title: 'Preprocessing', properties: ['preprocessing'] },
    { id: 'network', title: 'Network', properties: ['network'] },
    { id: 'training', title: 'Training', properties: ['training'] }
  ]
};
