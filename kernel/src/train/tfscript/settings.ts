/**
 * The settings of a `%%tfscript` cell, as its leading YAML comment block writes them (snake_case,
 * like every Flowbook form), after the schema filled the defaults.
 */
export interface TfscriptSettings {
  cluster: ClusterSettings;
  training: TfscriptTrainingSettings;
  paths: TfscriptPaths;
}

export interface ClusterSettings {
  /** Worker processes; more than one needs the parallel engine. */
  workers: number;
  /** Parameter-server processes. */
  ps: number;
  /** Heap limit of each process (`--max-old-space-size`). */
  memory_mb: number;
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

/** Whether the cluster asks for more than one process: the parallel engine's case. */
export function isParallel(cluster: ClusterSettings): boolean {
  return cluster.workers > 1 || cluster.ps > 0;
}
