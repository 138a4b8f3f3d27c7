/**
 * The contract between the Flowbook kernel and the JupyterLab extension: the messages of the
 * `flowbook` comm and the payloads of Flowbook's mime types. Types only (no runtime code), so the
 * kernel and the browser bundle both compile against it and cannot drift.
 *
 * Comm flow: the extension opens a comm on target `flowbook` when a notebook's kernel connects,
 * with a `HelloMessage`. The kernel answers with a `graph` event and from then on pushes
 * `KernelEvent`s. The extension sends `ExtensionRequest`s; the kernel answers each with exactly one
 * `ReplyMessage` carrying the same `requestId`.
 */

/** Version of this protocol; bump when a message changes incompatibly. */
export type ProtocolVersion = 1;

/** Target name the extension opens comms on. */
export type CommTarget = "flowbook";

export type DagMimeType = "application/vnd.flowbook.dag+json";
export type TrainingMimeType = "application/vnd.flowbook.training+json";
export type MetricsMimeType = "application/vnd.flowbook.metrics+json";
export type FlowbookMimeType = DagMimeType | TrainingMimeType | MetricsMimeType;

// ---------------------------------------------------------------------------------------------
// The flow graph

/** Node kinds the kernel knows; a string keeps the protocol open to kinds added later. */
export type KnownNodeKind =
  | "source"
  | "sql"
  | "node"
  | "split"
  | "dnn_classifier"
  | "dnn_regressor"
  | "lstm_regressor"
  | "predict"
  | "tfscript";
export type NodeKind = KnownNodeKind | (string & {});

export type NodeStatus = "stale" | "running" | "done" | "cached" | "failed";

/** One number that sums a node up (a model's validation accuracy, a split's test rows...). */
export interface KeyMetric {
  name: string;
  value: number;
}

export interface NodeTiming {
  /** ISO 8601 time the last run started. */
  startedAt?: string;
  /** Wall time of the last run, in milliseconds. */
  durationMs?: number;
}

export interface GraphNode {
  id: string;
  kind: NodeKind;
  status: NodeStatus;
  /** Rows of the node's main output, when it has a table output and has run. */
  rows?: number | null;
  metric?: KeyMetric | null;
  timing?: NodeTiming | null;
  /** JupyterLab's id of the cell that defines the node (sent in execute_request metadata). */
  cellId?: string | null;
  /** Short reason of the last failure, in the user's terms. */
  error?: string | null;
}

export interface GraphEdge {
  from: string;
  /** Output port of `from` (e.g. `train` of a split); absent for a node's only output. */
  fromPort?: string;
  to: string;
  /** Input port of `to` (e.g. `model` of a predict node); absent for the default input. */
  toPort?: string;
}

export interface GraphSnapshot {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

// ---------------------------------------------------------------------------------------------
// Training jobs

export type JobState = "running" | "completed" | "early_stopped" | "stopped" | "failed";

/** The best epoch so far by the monitored metric (the model a stopped job keeps). */
export interface BestEpoch {
  epoch: number;
  metric: string;
  value: number;
}

/** Logs of one epoch, Keras style: `loss`, `acc`/`mae`..., validation under the same names. */
export interface EpochRecord {
  epoch: number;
  train: Record<string, number>;
  val?: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Kernel → extension

export interface HelloMessage {
  type: "hello";
  protocol: ProtocolVersion;
}

export interface GraphEvent {
  type: "graph";
  graph: GraphSnapshot;
}

export interface NodeStatusEvent {
  type: "node_status";
  nodeId: string;
  status: NodeStatus;
  rows?: number | null;
  metric?: KeyMetric | null;
  timing?: NodeTiming | null;
  error?: string | null;
}

export interface JobStartedEvent {
  type: "job_started";
  jobId: string;
  nodeId: string;
  /** tfjs backend in use: `tensorflow` (tfjs-node), `wasm` or `cpu`. */
  backend: string;
  logPath: string;
  tensorboardDir: string;
  /** Address of a TensorBoard the kernel started for this job, if any. */
  tensorboardUrl?: string | null;
  epochs: number;
  batchesPerEpoch: number;
}

export interface JobMetricsEvent {
  type: "job_metrics";
  jobId: string;
  epoch: number;
  /** Batch within the epoch; absent on an end-of-epoch record. */
  batch?: number;
  logs: Record<string, number>;
}

export interface JobLogEvent {
  type: "job_log";
  jobId: string;
  line: string;
}

export interface JobFinishedEvent {
  type: "job_finished";
  jobId: string;
  state: Exclude<JobState, "running">;
  best?: BestEpoch | null;
  /** Where the kept model lives in the store. */
  modelPath?: string | null;
  error?: string | null;
}

export type JobEvent = JobStartedEvent | JobMetricsEvent | JobLogEvent | JobFinishedEvent;

// ---------------------------------------------------------------------------------------------
// Extension → kernel requests, and their replies

export interface RunNodeRequest {
  type: "run_node";
  requestId: string;
  nodeId: string;
  /** Also run every node that depends on this one. */
  downstream: boolean;
}

export interface StopJobRequest {
  type: "stop_job";
  requestId: string;
  jobId: string;
}

export interface GetSchemaRequest {
  type: "get_schema";
  requestId: string;
  kind: NodeKind;
}

export interface GetColumnsRequest {
  type: "get_columns";
  requestId: string;
  nodeId: string;
  port?: string;
}

export interface GetGraphRequest {
  type: "get_graph";
  requestId: string;
}

export type ExtensionRequest =
  | RunNodeRequest
  | StopJobRequest
  | GetSchemaRequest
  | GetColumnsRequest
  | GetGraphRequest;

export type RequestType = ExtensionRequest["type"];

/** A JSON Schema (draft 7) object, kept structural so neither side needs a schema library. */
export interface JsonSchema {
  [keyword: string]: unknown;
}

/**
 * Annotation on a schema property that holds column names of the node's input table:
 * `"x-flowbook-column": "one"` for a single column, `"many"` for a list of columns.
 */
export type ColumnPickerAnnotation = "one" | "many";

/** How the form groups the top-level YAML keys, in the order the platform shows them. */
export interface FormGroup {
  /** `data`, `preprocessing`, `network`, `training` (model nodes); `cluster`, `training`, `paths` (tfscript). */
  id: string;
  title: string;
  /** Top-level properties of the schema shown in this group. */
  properties: string[];
}

export interface NodeKindSchema {
  kind: NodeKind;
  title: string;
  /** Schema of the YAML body of the kind's cell. */
  schema: JsonSchema;
  groups: FormGroup[];
}

export interface ColumnInfo {
  name: string;
  /** Logical type as the data layer decided it (`int64`, `float64`, `utf8`, `timestamp[ms, UTC]`...). */
  type: string;
}

export interface RequestResults {
  run_node: { accepted: boolean };
  stop_job: { stopped: boolean };
  get_schema: NodeKindSchema;
  get_columns: { columns: ColumnInfo[] };
  get_graph: GraphSnapshot;
}

/** A user-facing error, as FlowbookError states it: what went wrong, and how to fix it. */
export interface ReplyError {
  message: string;
  hint?: string;
}

export type ReplyMessage<T extends RequestType = RequestType> =
  | { type: "reply"; requestId: string; ok: true; result: RequestResults[T] }
  | { type: "reply"; requestId: string; ok: false; error: ReplyError };

export type KernelEvent = GraphEvent | NodeStatusEvent | JobEvent;

/** Everything the kernel sends on the comm. */
export type KernelMessage = KernelEvent | ReplyMessage;

/** Everything the extension sends on the comm (the hello goes in the comm_open data). */
export type ExtensionMessage = HelloMessage | ExtensionRequest;

// ---------------------------------------------------------------------------------------------
// Mime payloads (saved in notebooks; they must render without a kernel)

/** `application/vnd.flowbook.dag+json`: the flow graph at the time of display. */
export type DagDisplay = GraphSnapshot;

/** `application/vnd.flowbook.training+json`: one training job, updated in place while it runs. */
export interface TrainingDisplay {
  jobId: string;
  nodeId: string;
  backend: string;
  status: JobState;
  epochs: { done: number; total: number };
  /** Batches done in the current epoch. */
  batches: { done: number; total: number };
  history: EpochRecord[];
  elapsedMs: number;
  /** Estimated time left; null when unknown or finished. */
  etaMs: number | null;
  best?: BestEpoch | null;
  logPath?: string | null;
  tensorboardDir?: string | null;
  error?: string | null;
}

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  task: "classification";
  nodeId: string;
  /** Which rows were scored: `validation`, `test`, or a predict node's input. */
  split: string;
  rows: number;
  accuracy: number;
  classes: ClassReport[];
  /** Rows are true labels, columns predicted labels, both in `classes` order. */
  confusion: number[][];
  /** Accuracy of always predicting the most frequent class, shown beside `accuracy`. */
  majorityBaseline?: number | null;
  majorityClass?: string | null;
  logLoss?: number | null;
  /** Two classes only. */
  rocAuc?: number | null;
}

export interface RegressionReport {
  task: "regression";
  nodeId: string;
  split: string;
  rows: number;
  mae: number;
  mse: number;
  rmse: number;
  r2: number;
  /** Mean absolute percentage error; absent when a target is zero. */
  mape?: number | null;
  /** Predicting the training mean for every row. */
  meanBaseline?: { mae: number; rmse: number; r2: number } | null;
  /** Forecasts: predicting the last value of each window (e.g. yesterday's). */
  persistenceBaseline?: { mae: number; rmse: number } | null;
}

/** `application/vnd.flowbook.metrics+json`. */
export type MetricsDisplay = ClassificationReport | RegressionReport;
