import { clusterSchema, type ClusterParams } from './cluster';
import { validateAndDefault, type JsonSchema } from './json-schema';
import {
  activationSchema, dropoutSchema, featuresSchema, hiddenUnitsSchema, preprocessingSchema, targetSchema, trainingSchema,
  type Activation, type RegressionPreprocessingParams, type TrainingParams,
} from './groups';
import { regressionOutputSchema, type RegressionOutputActivation } from './dnn-regressor';

export interface LstmRegressorParams {
  target: string;
  /** Default: every usable column but the order and group columns, the target's own past included. */
  features?: string[];
  /** Rows are sorted by this column (within each group) before windowing; default: the table's order. */
  order?: string;
  /** Series identifier: windows never cross from one group to the next. */
  group?: string;
  window: number;
  horizon: number;
  stride: number;
  preprocessing: RegressionPreprocessingParams;
  network: {
    lstm_units: number;
    lstm_layers: number;
    hidden_units: number[];
    activation: Activation | Activation[];
    output_activation: RegressionOutputActivation;
    dropout: number;
  };
  training: TrainingParams;
  cluster: ClusterParams;
}

export const lstmRegressorSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'flowbook:lstm_regressor',
  title: 'LSTM regression',
  description: 'A recurrent network over windows of consecutive rows that predicts the target `horizon` rows ahead. Fields target, features, order, group, window, horizon and stride form the data group.',
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { ...targetSchema, description: 'The numeric column to forecast.' },
    features: { ...featuresSchema, description: 'Input columns per time step. Default: every usable column but the order and group columns, the target\'s own past included.' },
    order: { type: 'string', minLength: 1, 'x-flowbook-column': 'one', title: 'Order column', description: 'Sort rows by this column (a date or number) before windowing. Default: the order of the input table.' },
    group: { type: 'string', minLength: 1, 'x-flowbook-column': 'one', title: 'Series column', description: 'Rows with the same value form one series; windows never cross series.' },
    window: { type: 'integer', minimum: 1, default: 7, title: 'Window length', description: 'Rows (time steps) per input window.' },
    horizon: { type: 'integer', minimum: 1, default: 1, title: 'Horizon', description: 'Predict the target this many rows after the window\'s last row.' },
    stride: { type: 'integer', minimum: 1, default: 1, title: 'Stride', description: 'Rows between the starts of consecutive training windows.' },
    preprocessing: preprocessingSchema(true),
    network: {
      type: 'object', title: 'Network', additionalProperties: false,
      properties: {
        lstm_units: { type: 'integer', minimum: 1, default: 32, title: 'LSTM units' },
        lstm_layers: { type: 'integer', minimum: 1, default: 1, title: 'Stacked LSTM layers' },
        hidden_units: hiddenUnitsSchema([]),
        activation: activationSchema,
        output_activation: regressionOutputSchema,
        dropout: dropoutSchema,
      },
    },
    training: trainingSchema(false, true),
    cluster: clusterSchema,
  },
};

export function parseLstmRegressorParams(raw: unknown): LstmRegressorParams {
  return validateAndDefault(lstmRegressorSchema, raw) as LstmRegressorParams;
}
