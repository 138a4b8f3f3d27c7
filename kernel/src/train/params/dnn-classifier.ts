import { clusterSchema, type ClusterParams } from './cluster';
import { validateAndDefault, type JsonSchema } from './json-schema';
import {
  activationSchema, dropoutSchema, featuresSchema, hiddenUnitsSchema, preprocessingSchema, targetSchema, trainingSchema,
  type Activation, type ClassificationTrainingParams, type PreprocessingParams,
} from './groups';

export interface DnnClassifierParams {
  target: string;
  features?: string[];
  preprocessing: PreprocessingParams;
  network: {
    hidden_units: number[];
    activation: Activation | Activation[];
    /** softmax: one unit per class; sigmoid: one unit per class scored independently (one unit for two classes). */
    output_activation: 'softmax' | 'sigmoid';
    dropout: number;
  };
  training: ClassificationTrainingParams;
  cluster: ClusterParams;
}

export const dnnClassifierSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'flowbook:dnn_classifier',
  title: 'DNN classification',
  description: 'A dense neural network that predicts a class. Fields target and features form the data group.',
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { ...targetSchema, description: 'The class column: text, integers or booleans (any labels; mapped to 0..K−1 and saved).' },
    features: featuresSchema,
    preprocessing: preprocessingSchema(false),
    network: {
      type: 'object', title: 'Network', additionalProperties: false,
      properties: {
        hidden_units: hiddenUnitsSchema([64, 32]),
        activation: activationSchema,
        output_activation: { type: 'string', enum: ['softmax', 'sigmoid'], default: 'softmax', title: 'Output activation' },
        dropout: dropoutSchema,
      },
    },
    training: trainingSchema(true, false),
    cluster: clusterSchema,
  },
};

export function parseDnnClassifierParams(raw: unknown): DnnClassifierParams {
  return validateAndDefault(dnnClassifierSchema, raw) as DnnClassifierParams;
}
