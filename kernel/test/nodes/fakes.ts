import type { NodeReporter, NodeRunContext } from '../../src/nodes/kind';
import type { Store } from '../../src/store/store';
import type { Table } from 'apache-arrow';

/** A run context for calling one node kind directly, without a flow. */
export function runContext<P>(params: P, inputs: Record<string, Table> = {}, extra: Partial<NodeRunContext<P>> = {}): NodeRunContext<P> {
  const reporter: NodeReporter = { display: () => undefined, log: () => undefined };
  return {
    nodeId: 'under_test',
    params,
    inputs,
    fingerprint: 'f'.repeat(16),
    store: {} as Store,
    baseDir: process.cwd(),
    signal: new AbortController().signal,
    report: reporter,
    ...extra,
  };
}
