import type { BackendInfo } from './backend';
import type { FitResult, ProgressEvent } from './fit';
import type { ModelMetrics } from './metrics';
import type { ModelCheckpoint, ModelFiles } from './model-io';
import type { ModelSpec } from './params';
import type { ModelPreprocessing, PredictionColumn } from './predict';
import type { TfscriptJobSpec, TfscriptProgress, TfscriptResult } from './tfscript/run';
import type { TrainedModel } from './train-model';

/** The messages between the kernel and a training worker, over Node's IPC channel ('advanced' serialization). */

export type ToWorker =
  /** `table` is the input as Arrow IPC bytes. */
  | { type: 'train'; spec: ModelSpec; table: Uint8Array }
  | { type: 'tfscript'; spec: TfscriptJobSpec; table: Uint8Array }
  | { type: 'stop' };

export interface TrainingResult {
  files: ModelFiles;
  preprocessing: ModelPreprocessing;
  metrics: ModelMetrics;
  fit: FitResult;
  split: TrainedModel['split'];
  warnings: TrainedModel['warnings'];
  backend: BackendInfo;
  /** Prediction columns for every input row, for the node's output table. */
  predictions: PredictionColumn[];
}

export interface WorkerError {
  kind: string;
  message: string;
  hint?: string;
  context?: Record<string, unknown>;
}

/** `R`: what the job finishes with, a model node's TrainingResult or a tfscript job's TfscriptResult. */
export type FromWorker<R = TrainingResult | TfscriptResult> =
  | { type: 'started'; pid: number; backend: BackendInfo }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'tfscript_progress'; update: TfscriptProgress }
  | { type: 'checkpoint'; checkpoint: ModelCheckpoint }
  | { type: 'log'; line: string }
  | { type: 'finished'; result: R }
  | { type: 'failed'; error: WorkerError };
