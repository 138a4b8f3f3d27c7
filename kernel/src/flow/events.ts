import type { GraphNode } from '@flowbook/magics';

/** What the flow tells its listeners (the kernel forwards these to the extension's comm). */
export type FlowEvent =
  | { type: 'node_started'; node: GraphNode }
  | { type: 'node_finished'; node: GraphNode }
  | { type: 'node_failed'; node: GraphNode }
  /** Nodes were defined, changed, removed, or the cache was cleared. */
  | { type: 'graph_changed' };

export type FlowListener = (event: FlowEvent) => void;
