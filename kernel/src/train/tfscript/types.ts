import type * as tf from '@tensorflow/tfjs';
import type { TfscriptTrainingSettings } from './settings';

/**
 * What a `%%tfscript` module's functions receive. Keep in step with TFSCRIPT_GLOBAL_TYPES, the same
 * shapes as the notebook's language service sees them (`Tfscript.Context`, `Tfscript.Batch`).
 */
export interface TfscriptContext {
  tf: typeof tf;
  training: TfscriptTrainingSettings;
  /** One sample's shape: `[inputs]`, the width after encoding (a text column becomes one slot per value). */
  inputShape: number[];
  inputNames: string[];
  /** 1 for a numeric label; the number of classes for a class label (one-hot `y`). */
  outputUnits: number;
  task: 'regression' | 'classification';
  /** What `buildGraph` returned; its `model` (a tf.LayersModel) is the one saved and used to predict. */
  graph: unknown;
  epoch: number;
  /** Steps (batches) done so far, over all epochs. */
  step: number;
  log(line: string): void;
}

/** A batch of encoded rows: `x` is size × inputs, `y` size × outputUnits (standardized when numeric). */
export interface TfscriptBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  size: number;
  epoch: number;
  step: number;
}

/** What `processStep` and `evaluate` return: named numbers (or scalar tensors, read and disposed). */
export type StepMetrics = Record<string, number | tf.Scalar>;

export interface TfscriptModule {
  buildGraph(ctx: TfscriptContext): unknown;
  processStep(ctx: TfscriptContext, batch: TfscriptBatch): StepMetrics | Promise<StepMetrics>;
  evaluate?(ctx: TfscriptContext, data: TfscriptBatch): StepMetrics | Promise<StepMetrics>;
  predict?(ctx: TfscriptContext, x: tf.Tensor2D): tf.Tensor | ArrayLike<number> | Promise<tf.Tensor | ArrayLike<number>>;
}

/** The declaration the notebook's language service sees, so `ctx.` and `batch.` complete in a %%tfscript cell. */
export const TFSCRIPT_GLOBAL_TYPES = `
declare namespace Tfscript {
  type tfjs = typeof import('@tensorflow/tfjs');
  /**
   * What buildGraph returns; its \`model\` is saved to the store (and model_dir) and scores the output
   * table. On a cluster (cluster.workers > 1) it must return the \`optimizer\` processStep steps with.
   */
  interface Graph { model?: import('@tensorflow/tfjs').LayersModel; optimizer?: import('@tensorflow/tfjs').Optimizer; [name: string]: unknown }
  /** The training settings of the cell's YAML block. */
  interface Training {
    model_name: string; batch_size: number; epochs: number; steps?: number; shuffle: boolean; seed: number;
    features?: string[]; label: string; standardize: "zscore" | "minmax" | "none"; validation_split: number; learning_rate: number;
    checkpoint_secs: number;
  }
  /** What buildGraph, processStep, evaluate and predict receive. */
  interface Context<G = Graph> {
    /** TensorFlow.js, on the backend the job chose (tensorflow, wasm or cpu). */
    tf: tfjs;
    training: Training;
    /** One sample's shape: [inputs] after encoding. */
    inputShape: number[];
    inputNames: string[];
    /** 1 for a numeric label; the number of classes for a class label (y is one-hot). */
    outputUnits: number;
    task: "regression" | "classification";
    /** What buildGraph returned. */
    graph: G;
    epoch: number;
    /** Steps (batches) done so far, over all epochs. */
    step: number;
    /** A line in the job's log. */
    log(line: string): void;
  }
  /** A batch: x is size × inputs, y is size × outputUnits (a numeric label is standardized). */
  interface Batch {
    x: import('@tensorflow/tfjs').Tensor2D;
    y: import('@tensorflow/tfjs').Tensor2D;
    size: number;
    epoch: number;
    step: number;
  }
  /** processStep's result: named numbers or scalar tensors (read and disposed by the job). */
  type Metrics = Record<string, number | import('@tensorflow/tfjs').Scalar>;
}
`;
