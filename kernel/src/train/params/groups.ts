import type { JsonSchema } from './json-schema';

/**
 * The parameter groups every model kind shares, as the platform groups its forms: data (top-level
 * fields of the cell), preprocessing, network and training. Each group is a schema plus its type.
 */

export const ACTIVATIONS = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softplus', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const INITIALIZERS = [
  'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform',
  'randomNormal', 'randomUniform', 'truncatedNormal', 'zeros',
] as const;
export type Initializer = (typeof INITIALIZERS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export interface PreprocessingParams {
  standardize: 'zscore' | 'minmax' | 'none';
  missing: 'drop' | 'mean' | 'error';
  /** Text columns with more distinct values are not used as features unless listed explicitly. */
  max_categories: number;
}

/** Regression also scales the target (and unscales predictions), which keeps the loss well-conditioned. */
export interface RegressionPreprocessingParams extends PreprocessingParams {
  scale_target: boolean;
}

export interface EarlyStoppingParams {
  enabled: boolean;
  monitor: 'val_loss' | 'loss';
  patience: number;
  min_delta: number;
  restore_best: boolean;
}

export interface TrainingParams {
  initializer: Initializer;
  optimizer: Optimizer;
  learning_rate: number;
  l1: number;
  l2: number;
  epochs: number;
  batch_size: number;
  validation_split: number;
  early_stopping: EarlyStoppingParams;
  seed: number;
}

export type ClassWeights = 'none' | 'balanced' | Record<string, number>;

export interface ClassificationTrainingParams extends TrainingParams {
  class_weights: ClassWeights;
}

export const targetSchema: JsonSchema = {
  type: 'string', minLength: 1, title: 'Target column', 'x-flowbook-column': 'one',
  description: 'The column to predict.',
};

export const featuresSchema: JsonSchema = {
  type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, title: 'Feature columns', 'x-flowbook-column': 'many',
  description: 'Input columns. Default: every usable column but the target (numbers, booleans, and text with few distinct values).',
};

export function preprocessingSchema(regression: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    standardize: {
      type: 'string', enum: ['zscore', 'minmax', 'none'], default: 'zscore', title: 'Standardization',
      description: 'Scaling of numeric features, fitted on the training split only. A constant column becomes 0.',
    },
    missing: {
      type: 'string', enum: ['drop', 'mean', 'error'], default: 'drop', title: 'Missing values',
      description: 'drop: leave out rows with a missing feature or target; mean: fill numeric gaps with the training mean (unknown category = no category); error: stop and name the first gap.',
    },
    max_categories: {
      type: 'integer', minimum: 2, default: 50, title: 'Most categories per text column',
      description: 'Text columns are one-hot encoded with the vocabulary of the training split (saved with the model). By default a text column with more distinct values is not used.',
    },
  };
  if (regression) {
    properties.scale_target = {
      type: 'boolean', default: true, title: 'Scale the target',
      description: 'Train on the standardized target; predictions are returned in the original units.',
    };
  }
  return { type: 'object', title: 'Preprocessing', additionalProperties: false, properties };
}

export const activationSchema: JsonSchema = {
  title: 'Activation',
  description: 'Hidden-layer activation: one for all layers, or a list with one per hidden layer.',
  default: 'relu',
  oneOf: [
    { type: 'string', enum: ACTIVATIONS },
    { type: 'array', items: { type: 'string', enum: ACTIVATIONS }, minItems: 1 },
  ],
};

export const hiddenUnitsSchema = (defaults: number[]): JsonSchema => ({
  type: 'array', items: { type: 'integer', minimum: 1 }, default: defaults, title: 'Hidden units per layer',
  description: 'One number per hidden dense layer; the list length is the number of hidden layers.',
});

export const dropoutSchema: JsonSchema = {
  type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, title: 'Dropout',
  description: 'Fraction of units dropped after each hidden layer while training.',
};

export function trainingSchema(classification: boolean, chronological: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    initializer: {
      type: 'string', enum: INITIALIZERS, default: 'glorotUniform', title: 'Weight initializer',
      description: 'How layer weights start; seeded by `seed`.',
    },
    optimizer: { type: 'string', enum: OPTIMIZERS, default: 'adam', title: 'Optimizer', description: 'momentum is SGD with momentum 0.9.' },
    learning_rate: { type: 'number', exclusiveMinimum: 0, maximum: 10, default: 0.001, title: 'Learning rate' },
    l1: { type: 'number', minimum: 0, default: 0, title: 'L1 regularization', description: 'Penalty on the absolute weights of dense layers.' },
    l2: { type: 'number', minimum: 0, default: 0, title: 'L2 regularization', description: 'Penalty on the squared weights of dense layers.' },
    epochs: { type: 'integer', minimum: 1, maximum: 100000, default: 100, title: 'Epochs' },
    batch_size: { type: 'integer', minimum: 1, default: 32, title: 'Mini-batch size' },
    validation_split: {
      type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.2, title: 'Validation split',
      description: chronological
        ? 'Fraction of windows held out for validation: the latest ones (chronological, never shuffled).'
        : 'Fraction of rows held out for validation, chosen by a shuffle seeded with `seed`.',
    },
    early_stopping: {
      type: 'object', title: 'Early stopping', additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: true, title: 'Stop early' },
        monitor: { type: 'string', enum: ['val_loss', 'loss'], default: 'val_loss', title: 'Monitored value', description: 'val_loss needs a validation split; without one, loss is used.' },
        patience: { type: 'integer', minimum: 0, default: 10, title: 'Patience', description: 'Epochs without improvement before stopping.' },
        min_delta: { type: 'number', minimum: 0, default: 0, title: 'Minimum improvement' },
        restore_best: { type: 'boolean', default: true, title: 'Restore the best weights', description: 'End with the weights of the best epoch, not the last (an interrupt always keeps the best epoch).' },
      },
    },
    seed: { type: 'integer', minimum: 0, default: 42, title: 'Seed', description: 'Same data, parameters and seed give the same model.' },
  };
  if (classification) {
    properties.class_weights = {
      title: 'Class weights', default: 'none',
      description: 'balanced: weight each class by n / (k · count); or a mapping from class label to weight.',
      oneOf: [
        { type: 'string', enum: ['none', 'balanced'] },
        { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
      ],
    };
  }
  return { type: 'object', title: 'Training', additionalProperties: false, properties };
}
