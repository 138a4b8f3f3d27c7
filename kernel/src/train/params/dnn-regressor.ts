import { clusterSchema, type ClusterParams } from './cluster';
import { validateAndDefault, type JsonSchema } from './json-schema';
import {
  activationSchema, dropoutSchema, featuresSchema, hiddenUnitsSchema, preprocessingSchema, targetSchema, trainingSchema,
  type Activation, type RegressionPreprocessingParams, type TrainingParams,
} from './groups';

export type RegressionOutputActivation = 'linear' | 'relu' | 'softplus';

export interface DnnRegressorParams {
  target: string;
  features?: string[];
  preprocessing: RegressionPreprocessingParams;
  network: {
    hidden_units: number[];
    activation: Activation | Activation[];
    output_activation: RegressionOutputActivation;
    dropout: number;
  };
  training: TrainingParams;
  cluster: ClusterParams;
}

export const regressionOutputSchema: JsonSchema = {
  type: 'string', enum: ['linear', 'relu', 'softplus'], default: 'linear', title: 'Output activation',
  description: 'relu and softplus keep predictions non-negative (with scale_target they apply to the scaled target).',
};

export const dnnRegressorSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'flowbook:dnn_regressor',
  title: 'DNN regression',
  description: 'A dense neural network that predicts a number. Fields target and features form the data group.',
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { ...targetSchema, description: 'The numeric column to predict.' },
    features: featuresSchema,
    preprocessing: preprocessingSchema(true),
    network: {
      type: 'object', title: 'Network', additionalProperties: false,
      properties: {
        hidden_units: hiddenUnitsSchema([64, 32]),
        activation: activationSchema,
        output_activation: regressionOutputSchema,
        dropout: dropoutSchema,
      },
    },
    training: trainingSchema(false, false),
    cluster: clusterSchema,
  },
};

export function parseDnnRegressorParams(raw: unknown): DnnRegressorParams {
  return validateAndDefault(dnnRegressorSchema, raw) as DnnRegressorParams;
}
