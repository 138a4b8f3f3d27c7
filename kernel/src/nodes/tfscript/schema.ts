import type { FormGroup, JsonSchema } from '@flowbook/magics';
import { clusterSchema } from '../../train/params/cluster';

/**
 * The settings of a `%%tfscript` cell (its leading `//` YAML block), in the platform's three groups.
 * The extension renders this as the node's form; the kernel validates the YAML with it.
 */
export const tfscriptSettingsSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'TensorFlow script',
  description: 'Settings of a %%tfscript cell, written as YAML in `//` comment lines at the top of the cell.',
  type: 'object',
  additionalProperties: false,
  required: ['training'],
  properties: {
    cluster: { ...clusterSchema, title: 'Cluster', default: {}, description: 'Processes that train the model and their memory: one worker and no server train in the job\'s own process; more train data-parallel, and buildGraph must then return the optimizer that processStep steps with (`{ model, optimizer }`).' },
    training: {
      type: 'object', title: 'Training', additionalProperties: false, required: ['label'],
      properties: {
        model_name: { type: 'string', minLength: 1, default: 'model', title: 'Model name', description: 'Names the saved model (folder under model_dir).' },
        label: { type: 'string', minLength: 1, title: 'Label column', 'x-flowbook-column': 'one', description: 'The column to predict: numbers (regression) or classes (one-hot y).' },
        features: {
          type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, title: 'Feature columns', 'x-flowbook-column': 'many',
          description: 'Input columns. Default: every usable column but the label.',
        },
        batch_size: { type: 'integer', minimum: 1, default: 32, title: 'Batch size' },
        epochs: { type: 'integer', minimum: 1, default: 10, title: 'Epochs', description: 'Passes over the training rows.' },
        steps: { type: 'integer', minimum: 1, title: 'Steps', description: 'When set, training ends after this many batches in all, whatever epochs says.' },
        shuffle: { type: 'boolean', default: true, title: 'Shuffle', description: 'A new batch order each epoch, drawn from the seed.' },
        seed: { type: 'integer', minimum: 0, default: 42, title: 'Seed', description: 'Seeds the held-out rows and the batch order (and ctx.training.seed for initializers).' },
        standardize: {
          type: 'string', enum: ['zscore', 'minmax', 'none'], default: 'zscore', title: 'Standardization',
          description: 'Scaling of numeric features (and of a numeric label) fitted on the training rows; predictions come back in the label\'s units.',
        },
        validation_split: { type: 'number', minimum: 0, maximum: 0.9, default: 0, title: 'Validation split', description: 'Share of rows held out and passed to evaluate after each epoch.' },
        learning_rate: { type: 'number', exclusiveMinimum: 0, maximum: 10, default: 0.001, title: 'Learning rate', description: 'Handed to buildGraph as ctx.training.learning_rate.' },
        checkpoint_secs: {
          type: 'number', minimum: 0, default: 30, title: 'Checkpoint every (s)',
          description: 'The model is saved under the job\'s checkpoint/ folder at the end of an epoch at most this often (0: every epoch), so a job that dies keeps its last checkpoint.',
        },
      },
    },
    paths: {
      type: 'object', title: 'Paths', additionalProperties: false, default: {},
      properties: {
        model_dir: { type: 'string', minLength: 1, title: 'Model directory', description: 'Also write the trained model here: a local folder or hdfs://namenode:9870/path. It is always kept in the store.' },
        log_dir: { type: 'string', minLength: 1, title: 'Log directory', description: 'TensorBoard event files go here (local or hdfs://); default the job\'s folder in the store.' },
      },
    },
  },
};

export const tfscriptGroups: readonly FormGroup[] = [
  { id: 'cluster', title: 'Cluster', properties: ['cluster'] },
  { id: 'training', title: 'Training', properties: ['training'] },
  { id: 'paths', title: 'Paths', properties: ['paths'] },
];
