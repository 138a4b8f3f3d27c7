import type { GraphEdge, InputRef } from '@flowbook/magics';
import { FlowbookError } from '../errors';

/** A node as its cell defines it; `params` are already validated by the node's kind. */
export interface NodeDefinition {
  id: string;
  kind: string;
  params: unknown;
  inputs: InputRef[];
  /** The model node a `%%predict` scores with (an edge into its `model` port). */
  model?: string;
  cellId?: string;
}

/** An upstream edge as the downstream node sees it. */
export interface Dependency {
  node: string;
  /** The upstream's output port, when the edge names one. */
  port?: string;
  /** The name the table has inside the downstream node: `cars`, or `parts_train` for `parts:train`. */
  name: string;
  /** `model` for a `--model` edge, else absent. */
  toPort?: 'model';
}

/** The flow's DAG: nodes by id, edges from `--from`/`--model`. Keeps itself acyclic and closed. */
export class FlowGraph {
  private readonly nodes = new Map<string, NodeDefinition>();

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  get(id: string): NodeDefinition {
    const node = this.nodes.get(id);
    if (!node) {
      throw new FlowbookError('UnknownNode', `the flow has no node \`${id}\``, this.knownIdsHint(), { node: id });
    }
    return node;
  }

  /** Node ids in definition order. */
  ids(): string[] {
    return [...this.nodes.keys()];
  }

  /**
   * Adds or replaces a node. Refuses an upstream that does not exist (naming the known ids) and an
   * edge that would close a cycle (naming it, `a → b → a`); on refusal the graph is unchanged.
   */
  define(node: NodeDefinition): void {
    for (const dep of dependenciesOf(node)) {
      if (dep.node === node.id) throw cycleError([node.id, node.id]);
      if (!this.nodes.has(dep.node)) {
        throw new FlowbookError('UnknownUpstream', `node \`${node.id}\` reads from \`${dep.node}\`, which the flow does not have`, this.knownIdsHint(), { node: node.id, upstream: dep.node });
      }
      const path = this.pathDownstream(node.id, dep.node);
      if (path) throw cycleError([...path, node.id]);
    }
    this.nodes.set(node.id, node);
  }

  /** Removes a node; refuses while other nodes read from it, naming them. */
  remove(id: string): NodeDefinition {
    const node = this.get(id);
    const users = this.dependentsOf(id);
    if (users.length > 0) {
      throw new FlowbookError('NodeInUse', `node \`${id}\` feeds ${users.map((u) => `\`${u}\``).join(', ')}`, `remove or re-point ${users.length === 1 ? 'that node' : 'those nodes'} first`, { node: id, users });
    }
    this.nodes.delete(id);
    return node;
  }

  dependenciesOf(id: string): Dependency[] {
    return dependenciesOf(this.get(id));
  }

  /** Nodes that read directly from `id`. */
  dependentsOf(id: string): string[] {
    return this.ids().filter((other) => dependenciesOf(this.nodes.get(other)!).some((d) => d.node === id));
  }

  /** Every node that depends on `id`, directly or not. */
  downstreamOf(id: string): Set<string> {
    const found = new Set<string>();
    const visit = (current: string): void => {
      for (const next of this.dependentsOf(current)) {
        if (!found.has(next)) {
          found.add(next);
          visit(next);
        }
      }
    };
    visit(id);
    return found;
  }

  /** Every node `id` depends on, directly or not. */
  upstreamOf(id: string): Set<string> {
    const found = new Set<string>();
    const visit = (current: string): void => {
      for (const dep of this.dependenciesOf(current)) {
        if (!found.has(dep.node)) {
          found.add(dep.node);
          visit(dep.node);
        }
      }
    };
    visit(id);
    return found;
  }

  /** `ids` (default: all) ordered so every node comes after its upstream; ties keep definition order. */
  topologicalOrder(ids: Iterable<string> = this.ids()): string[] {
    const wanted = new Set(ids);
    const ordered: string[] = [];
    const done = new Set<string>();
    const visit = (id: string): void => {
      if (done.has(id)) return;
      done.add(id);
      for (const dep of this.dependenciesOf(id)) if (wanted.has(dep.node)) visit(dep.node);
      ordered.push(id);
    };
    for (const id of this.ids()) if (wanted.has(id)) visit(id);
    return ordered;
  }

  edges(): GraphEdge[] {
    return this.ids().flatMap((to) =>
      this.dependenciesOf(to).map((dep) => {
        const edge: GraphEdge = { from: dep.node, to };
        if (dep.port) edge.fromPort = dep.port;
        if (dep.toPort) edge.toPort = dep.toPort;
        return edge;
      }),
    );
  }

  /** A path from `from` down to `to` following edges, or undefined. */
  private pathDownstream(from: string, to: string): string[] | undefined {
    if (from === to) return [from];
    if (!this.nodes.has(from)) return undefined;
    for (const next of this.dependentsOf(from)) {
      const rest = this.pathDownstream(next, to);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  private knownIdsHint(): string {
    const ids = this.ids();
    return ids.length > 0 ? `known nodes: ${ids.join(', ')}` : 'the flow is empty: define the upstream node first';
  }
}

function dependenciesOf(node: NodeDefinition): Dependency[] {
  const deps: Dependency[] = node.inputs.map((ref) => (ref.port ? { node: ref.node, port: ref.port, name: `${ref.node}_${ref.port}` } : { node: ref.node, name: ref.node }));
  if (node.model !== undefined) deps.push({ node: node.model, name: node.model, toPort: 'model' });
  return deps;
}

function cycleError(path: string[]): FlowbookError {
  const cycle = path.join(' → ');
  return new FlowbookError('FlowCycle', `this would make a cycle: ${cycle}`, 'a node cannot read, directly or not, from its own output; read from an earlier node', { cycle: path });
}
