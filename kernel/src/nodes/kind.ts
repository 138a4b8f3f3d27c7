import type { Table } from 'apache-arrow';
import type { FormGroup, JsonSchema, KeyMetric } from '@flowbook/magics';
import type { Store } from '../store/store';

/**
 * A node kind: what a `%%KIND ID` cell defines. One module per kind implements this; the flow only
 * talks to kinds through it, and the extension renders `parameterSchema` as the node's form.
 *
 * Methods (not function properties) on purpose: a `NodeKind<SplitParams>` is then usable where a
 * `NodeKind` of unknown parameters is expected (the registry), while each kind stays typed inside.
 */
export interface NodeKind<P = unknown> {
  /** The word after `%%`, e.g. `split`. */
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  /** JSON Schema (draft-07) of the parameters, with titles, descriptions, defaults and enums. */
  readonly parameterSchema: JsonSchema;
  /** How the form groups the top-level parameters; absent = one group. */
  readonly groups?: readonly FormGroup[];
  /** How many `--from` inputs the kind accepts; `max: null` = any number. */
  readonly inputs: { readonly min: number; readonly max: number | null };
  /** Names of the tables it produces, e.g. `["out"]` or `["train", "test"]`; empty for a model. */
  readonly outputPorts: readonly string[];
  /**
   * Reads the cell body into raw parameters (not yet validated); throws FlowbookError on bad syntax.
   * `bodyLine` is the cell line the body starts on, for kinds whose errors name cell lines.
   */
  paramsFromBody(body: string, bodyLine?: number): unknown;
  /** Checks raw parameters against the schema and the kind's own rules; fills defaults. */
  validate(raw: unknown): Validation<P>;
  /** For kinds that read outside data (sources): a cheap identity of that data, part of the fingerprint. */
  identity?(params: P, ctx: IdentityContext): Promise<string>;
  run(ctx: NodeRunContext<P>): Promise<NodeRunResult>;
  /**
   * Optional, for outputs too large to hold in memory on the way (a big CSV source): writes each
   * port's output straight to the given local Parquet file. The flow then uses it instead of `run`.
   */
  writeOutputs?(ctx: NodeRunContext<P>, files: Record<string, string>): Promise<WrittenOutputs>;
}

export type Validation<P> = { ok: true; params: P } | { ok: false; errors: FieldError[] };

/** One wrong parameter, in the user's terms: which field, what it held, what it may hold. */
export interface FieldError {
  /** Dotted path, e.g. `training.learning_rate`; empty for the whole body. */
  field: string;
  value: unknown;
  message: string;
  /** The allowed values, when the field is an enum. */
  allowed?: readonly unknown[];
}

export interface IdentityContext {
  /** Folder relative paths resolve against: the notebook's. */
  baseDir: string;
  store: Store;
}

/**
 * Runs TypeScript in the notebook session with `scope` as extra variables; resolves to its value.
 * `label` names the code in stack traces (`at node features, line 3`).
 */
export type Evaluate = (code: string, scope: Record<string, unknown>, label?: string) => Promise<unknown>;

/** Live output of a running node (a training chart, log lines); the session routes it to the cell. */
export interface NodeReporter {
  /** Shows a mime bundle; with the same `displayId` and `update`, replaces the earlier display in place. */
  display(bundle: Record<string, unknown>, options?: { displayId?: string; update?: boolean }): void;
  log(line: string): void;
}

/** What an upstream node left for its downstream besides tables (a model's store folder...). */
export interface UpstreamRef {
  node: string;
  fingerprint: string;
  artifacts: Record<string, unknown>;
}

export interface NodeRunContext<P> {
  nodeId: string;
  params: P;
  /**
   * Upstream tables by the name the node sees them under: the upstream's id (`cars`), or
   * `id_port` when the edge names a port (`parts:train` → `parts_train`).
   */
  inputs: Record<string, Table>;
  /** The `--model` upstream of a `%%predict` node. */
  model?: UpstreamRef;
  /** This run's fingerprint: a kind storing artifacts keys them by it (`models/<id>/<fingerprint>/`). */
  fingerprint: string;
  store: Store;
  baseDir: string;
  signal: AbortSignal;
  /** Present when the session can run TypeScript (`%%node`, `%%tfscript` need it). */
  evaluate?: Evaluate;
  report: NodeReporter;
}

export interface NodeRunResult {
  /** One table per output port. */
  tables: Record<string, Table>;
  /** Facts to show with the result (sizes, class balance…); JSON values only. */
  summary?: Record<string, unknown>;
  /** The one number the flow view shows for the node. */
  metric?: KeyMetric;
  warnings: string[];
  /** JSON facts for downstream nodes (e.g. `{ modelKey }`); kept in the cache manifest. */
  artifacts?: Record<string, unknown>;
  /** A rich result for the cell (a metrics report…); kept in the manifest so a cached run shows it too. */
  display?: Record<string, unknown>;
}

/** What `writeOutputs` reports: a run's result with row counts in place of the tables. */
export interface WrittenOutputs extends Omit<NodeRunResult, 'tables'> {
  rows: Record<string, number>;
}
