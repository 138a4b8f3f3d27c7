/** The typed form of a magic cell: what `parseCell` returns. */

/** Node kinds a `%%KIND ID` header may name. */
export const NODE_KINDS = [
  'source',
  'sql',
  'node',
  'split',
  'dnn_classifier',
  'dnn_regressor',
  'lstm_regressor',
  'predict',
  'tfscript',
] as const;
export type NodeKindName = (typeof NODE_KINDS)[number];

/** An edge into a node: `cars` or `parts:train` in `--from`. */
export interface InputRef {
  node: string;
  /** The upstream's output port; absent means its only (or first) output. */
  port?: string;
}

/** `%%KIND ID [--from a,b:port] [--model M]` followed by a body. */
export interface NodeCommand {
  type: 'node';
  kind: NodeKindName;
  id: string;
  inputs: InputRef[];
  /** The model node a `%%predict` scores with. */
  model?: string;
  /** Everything after the header line, as written. */
  body: string;
  /** 1-based line of the cell where the body starts (for error positions). */
  bodyLine: number;
}

export type FlowAction =
  | { action: 'show' }
  | { action: 'run'; id: string; downstream: boolean }
  | { action: 'status' }
  | { action: 'clear' }
  | { action: 'export'; file: string }
  | { action: 'rm'; id: string };

/**
 * `%store` actions. A PATH or REMOTE is a key of the current store or a full store URI
 * (`hdfs://…`, `file://…`); a LOCAL path is relative to the notebook's folder.
 */
export type StoreAction =
  | { action: 'info' }
  | { action: 'ls'; path?: string }
  | { action: 'use'; uri: string }
  | { action: 'put'; local: string; remote?: string }
  | { action: 'get'; remote: string; local?: string }
  | { action: 'rm'; path: string; recursive: boolean };

export type JobsAction =
  | { action: 'list' }
  | { action: 'show'; jobId: string }
  | { action: 'logs'; jobId: string }
  | { action: 'stop'; jobId: string };

export type FlowCommand = { type: 'flow' } & FlowAction;
export type StoreCommand = { type: 'store' } & StoreAction;
export type JobsCommand = { type: 'jobs' } & JobsAction;

export type CellCommand = NodeCommand | FlowCommand | StoreCommand | JobsCommand;
