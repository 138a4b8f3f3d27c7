import type { Table } from 'apache-arrow';
import type { GraphNode, GraphSnapshot, InputRef } from '@flowbook/magics';
import { FlowbookError } from '../errors';
import type { Flow, NodeRunRecord, RunOptions } from '../flow/flow';
import type { NodeKindRegistry } from '../nodes/registry';
import { TFSCRIPT_GLOBAL_TYPES } from '../train/tfscript/types';

/** A node defined from code: `flow.node({ id: "recent", kind: "sql", from: "cars", body: "SELECT …" })`. */
export interface CodeNodeSpec {
  id: string;
  kind: string;
  /** Upstream nodes, `"cars"` or `["cars", "parts:train"]`. */
  from?: string | string[];
  model?: string;
  /** The cell body the kind reads (SQL text, YAML, TypeScript); or give `params` directly. */
  body?: string;
  params?: unknown;
}

/** The `flow` object of code cells: the same flow the magic cells build. */
export interface FlowApi {
  table(id: string, port?: string): Promise<Table>;
  run(id: string, options?: { downstream?: boolean }): Promise<NodeRunRecord[]>;
  node(spec: CodeNodeSpec): GraphNode;
  remove(id: string): void;
  clear(): Promise<void>;
  snapshot(): GraphSnapshot;
}

/**
 * The declaration the language service sees for the `flow` global (keep in step with FlowApi), and
 * the `Tfscript` types that %%tfscript cells annotate `ctx` and `batch` with.
 * Tables are described structurally (the Arrow Table members cells use), because `apache-arrow`
 * need not be resolvable from the notebook's folder.
 */
export const FLOW_GLOBAL_TYPES = `
declare namespace Flowbook {
  /** A row of a node's table: its columns by name; \`toJSON()\` gives a plain object. */
  type Row = { [column: string]: any; toJSON(): Record<string, unknown> };
  /** One column of a table (an Arrow Vector). */
  interface Column {
    readonly length: number;
    readonly nullCount: number;
    get(index: number): any;
    toJSON(): any[];
    [Symbol.iterator](): IterableIterator<any>;
  }
  /** A node's output: an Arrow Table. */
  interface Table {
    readonly numRows: number;
    readonly numCols: number;
    readonly schema: { readonly fields: { readonly name: string; readonly nullable: boolean; readonly type: unknown }[] };
    getChild(name: string): Column | null;
    get(index: number): Row | null;
    toArray(): Row[];
    slice(begin?: number, end?: number): Table;
    select(columnNames: string[]): Table;
    [Symbol.iterator](): IterableIterator<Row>;
  }
  type Status = "stale" | "running" | "done" | "cached" | "failed";
}

/** The notebook's mining flow: nodes defined by %%source, %%sql, %%node, %%split… cells. */
declare const flow: {
  /** A node's output table (a split's \`"train"\` or \`"test"\` by port), running stale upstream nodes first. */
  table(id: string, port?: string): Promise<Flowbook.Table>;
  /** Runs a node after its stale upstream; \`downstream: true\` also runs what depends on it. */
  run(id: string, options?: { downstream?: boolean }): Promise<{ id: string; status: "done" | "cached"; durationMs: number }[]>;
  /** Defines (or redefines) a node from code, like a %%KIND cell: \`body\` is the cell body, or give \`params\`. */
  node(spec: { id: string; kind: string; from?: string | string[]; model?: string; body?: string; params?: unknown }): {
    id: string; kind: string; status: Flowbook.Status; rows?: number | null;
  };
  /** Removes a node nothing else reads from. */
  remove(id: string): void;
  /** Forgets every stored node output. */
  clear(): Promise<void>;
  /** The graph: nodes with kind, status, rows and timing, and the edges between them. */
  snapshot(): {
    nodes: { id: string; kind: string; status: Flowbook.Status; rows?: number | null; timing?: { startedAt?: string; durationMs?: number } | null }[];
    edges: { from: string; fromPort?: string; to: string; toPort?: string }[];
  };
};
` + TFSCRIPT_GLOBAL_TYPES;

export function createFlowApi(current: () => Flow, kinds: NodeKindRegistry, runOptions: () => RunOptions): FlowApi {
  return {
    table: (id, port) => current().table(id, port, runOptions()),
    run: (id, options = {}) => current().run(id, { ...runOptions(), downstream: options.downstream ?? false }),
    node(spec) {
      const kind = kinds.get(spec.kind);
      const params = spec.params !== undefined ? spec.params : kind.paramsFromBody(spec.body ?? '');
      const defined: Parameters<Flow['define']>[0] = { id: spec.id, kind: spec.kind, params, inputs: parseFrom(spec.from) };
      if (spec.model !== undefined) defined.model = spec.model;
      current().define(defined);
      return current().snapshot().nodes.find((n) => n.id === spec.id)!;
    },
    remove: (id) => current().remove(id),
    clear: () => current().clear(),
    snapshot: () => current().snapshot(),
  };
}

function parseFrom(from: string | string[] | undefined): InputRef[] {
  const list = from === undefined ? [] : Array.isArray(from) ? from : from.split(',');
  return list.map((entry) => {
    const [node, port, extra] = entry.trim().split(':');
    if (!node || extra !== undefined) {
      throw new FlowbookError('BadInputRef', `"${entry}" in from is not NODE or NODE:PORT`, 'write e.g. "cars" or "parts:train"', { input: entry });
    }
    return port ? { node, port } : { node };
  });
}
