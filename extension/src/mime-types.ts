import type {
  CommTarget,
  DagMimeType,
  MetricsMimeType,
  ProtocolVersion,
  TrainingMimeType
} from '@flowbook/protocol';

/** The protocol's names as values; typed against the protocol so a rename fails to compile. */
export const COMM_TARGET: CommTarget = 'flowbook';
export const PROTOCOL_VERSION: ProtocolVersion = 1;
export const DAG_MIME: DagMimeType = 'application/vnd.flowbook.dag+json';
export const TRAINING_MIME: TrainingMimeType = 'application/vnd.flowbook.training+json';
export const METRICS_MIME: MetricsMimeType = 'application/vnd.flowbook.metrics+json';
