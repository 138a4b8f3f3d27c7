import type { ClusterParams } from '../params/cluster';

/**
 * The settings of a `%%tfscript` cell, as its leading YAML comment block writes them (snake_case,
 * like every Flowbook form), after the schema filled the defaults.
 */
export interface TfscriptSettings {
  /** The same cluster settings as a model node's advanced group: workers, ps, memory_mb, mode. */
  cluster: ClusterParams;
  training: TfscriptTrainingSettings;
  paths: TfscriptPaths;
}

export interface TfscriptTrainingSettings {
  model_name: string;
  batch_size: number;
  epochs: number;
  /** When set, training ends after this many steps (batches) in all, whatever `epochs` says. */
  steps?: number;
  shuffle: boolean;
  seed: number;
  /** Input columns; default every numeric column but the label. */
  features?: string[];
  label: string;
  /** Feature (and numeric label) scaling fitted on the input, replayed when the model predicts. */
  standardize: 'zscore' | 'minmax' | 'none';
  /** Share of the rows held out and handed to `evaluate` after each epoch. */
  validation_split: number;
  learning_rate: number;
  /** Seconds between checkpoints (written after an epoch); 0 = after every epoch. */
  checkpoint_secs: number;
}

export interface TfscriptPaths {
  /** Where the trained model is also written (local path or hdfs://); it is always kept in the store. */
  model_dir?: string;
  /** Where TensorBoard event files go (local path or hdfs://); default the job's folder in the store. */
  log_dir?: string;
}
