import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Table } from 'apache-arrow';
import type { GraphNode, GraphSnapshot, InputRef, NodeStatus } from '@flowbook/magics';
import { stringifyJson } from '../data/convert';
import { renderTablePreview } from '../data/preview';
import type { TablePreview } from '../data/preview';
import { FlowbookError, isFlowbookError } from '../errors';
import { invalidParamsError } from '../nodes/body';
import type { Evaluate, NodeReporter, NodeRunContext, NodeRunResult, UpstreamRef } from '../nodes/kind';
import type { NodeKindRegistry } from '../nodes/registry';
import type { Store } from '../store/store';
import { NodeCache, PREVIEW_ROWS } from './cache';
import type { Manifest, ManifestFacts } from './cache';
import type { FlowEvent, FlowListener } from './events';
import { canonicalJson, fingerprint } from './fingerprint';
import { FlowGraph } from './graph';
import type { NodeDefinition } from './graph';

export interface FlowOptions {
  store: Store;
  /** Folder relative paths in nodes resolve against (the notebook's). */
  baseDir: string;
  kinds: NodeKindRegistry;
  /** Runs TypeScript for `%%node` kinds; a run may pass its own. */
  evaluate?: Evaluate;
}

/** A node as a cell (or code) defines it; `params` are raw and get validated by the node's kind. */
export interface NodeSpec {
  id: string;
  kind: string;
  params: unknown;
  inputs?: InputRef[];
  model?: string;
  cellId?: string;
}

export interface RunOptions {
  /** Also run every node that depends on the target. */
  downstream?: boolean;
  signal?: AbortSignal;
  evaluate?: Evaluate;
  report?: NodeReporter;
}

/** What a node did in one run: computed (`done`) or reused its stored output (`cached`). */
export interface NodeRunRecord {
  id: string;
  status: 'done' | 'cached';
  durationMs: number;
}

export interface NodeState {
  status: NodeStatus;
  /** Fingerprint of the output the node last produced or reused. */
  fingerprint?: string;
  manifest?: Manifest;
  startedAt?: string;
  /** Time of the last run in this session: computing, or finding the stored output. */
  durationMs?: number;
  error?: string;
}

/** The portable form of a flow: nodes, edges and parameters (`%flow export`). */
export interface FlowExport {
  format: 'flowbook-flow';
  version: 1;
  nodes: { id: string; kind: string; inputs: string[]; model?: string; params: unknown }[];
  edges: GraphSnapshot['edges'];
}

/** Node ids become SQL table names and TypeScript variables, so they are identifiers. */
const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

const silentReporter: NodeReporter = { display: () => undefined, log: () => undefined };

/**
 * A mining flow: a DAG of nodes whose outputs are stored under fingerprints. Running a node first
 * brings its upstream up to date, in topological order; an unchanged node reuses its stored output,
 * also in a new Flow over the same store (after a kernel restart). Knows nothing of Jupyter.
 */
export class Flow {
  private readonly graph = new FlowGraph();
  private readonly cache: NodeCache;
  private readonly states = new Map<string, NodeState>();
  /** Output tables already in memory, by node, for the fingerprint they belong to. */
  private readonly tables = new Map<string, { fingerprint: string; ports: Record<string, Table> }>();
  private readonly listeners = new Set<FlowListener>();
  /** Nodes being computed now, by id, with the fingerprint they compute and when that ends. */
  private readonly computing = new Map<string, { fingerprint: string; finished: Promise<void> }>();

  constructor(private readonly options: FlowOptions) {
    this.cache = new NodeCache(options.store);
  }

  get store(): Store {
    return this.options.store;
  }

  /** Defines or redefines a node; a change marks it and everything downstream stale. */
  define(spec: NodeSpec): NodeDefinition {
    if (!NODE_ID.test(spec.id)) {
      throw new FlowbookError('BadNodeId', `\`${spec.id}\` is not a node id`, 'use letters, digits and _, not starting with a digit (it becomes a table name in SQL)', { node: spec.id });
    }
    const kind = this.options.kinds.get(spec.kind);
    const checked = kind.validate(spec.params);
    if (!checked.ok) throw invalidParamsError(spec.id, spec.kind, checked.errors);
    const inputs = spec.inputs ?? [];
    const { min, max } = kind.inputs;
    if (inputs.length < min || (max !== null && inputs.length > max)) {
      const wanted = max === null ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      throw new FlowbookError('InputCount', `%%${spec.kind} takes ${wanted} input${max === 1 ? '' : 's'}; \`${spec.id}\` has ${inputs.length}`, max === 0 ? 'remove --from' : `list ${wanted} upstream node${max === 1 ? '' : 's'} in --from`, { node: spec.id });
    }
    for (const input of inputs) this.checkPort(spec.id, input);
    const definition: NodeDefinition = { id: spec.id, kind: spec.kind, params: checked.params, inputs };
    if (spec.model !== undefined) definition.model = spec.model;
    if (spec.cellId !== undefined) definition.cellId = spec.cellId;

    const previous = this.graph.has(spec.id) ? this.graph.get(spec.id) : undefined;
    this.graph.define(definition);
    this.forgetRenamedNode(definition);
    const changed = !previous || canonicalJson({ ...previous, cellId: undefined }) !== canonicalJson({ ...definition, cellId: undefined });
    if (changed) {
      for (const id of [spec.id, ...this.graph.downstreamOf(spec.id)]) this.markStale(id);
      this.emit({ type: 'graph_changed' });
    }
    return definition;
  }

  /** Removes a node (refused while others read from it). Its stored outputs stay for a redefinition. */
  remove(id: string): void {
    this.graph.remove(id);
    this.states.delete(id);
    this.tables.delete(id);
    this.emit({ type: 'graph_changed' });
  }

  definition(id: string): NodeDefinition {
    return this.graph.get(id);
  }

  state(id: string): NodeState {
    this.graph.get(id);
    return this.states.get(id) ?? { status: 'stale' };
  }

  /** Node ids, upstream before downstream; with `upstreamOf`, only that node and what it needs. */
  order(upstreamOf?: string): string[] {
    if (upstreamOf === undefined) return this.graph.topologicalOrder();
    return this.graph.topologicalOrder([upstreamOf, ...this.graph.upstreamOf(upstreamOf)]);
  }

  /** The preview of a finished node's output on `port` (default: its first), stored with the output. */
  async preview(id: string, port?: string): Promise<TablePreview> {
    const chosen = port ?? this.options.kinds.get(this.graph.get(id).kind).outputPorts[0];
    const stored = chosen !== undefined ? this.state(id).manifest?.previews?.[chosen] : undefined;
    return stored ?? renderTablePreview(await this.output(id, port), { maxRows: PREVIEW_ROWS });
  }

  /** Runs `id` (and with `downstream`, what follows it) after bringing its upstream up to date. */
  async run(id: string, options: RunOptions = {}): Promise<NodeRunRecord[]> {
    this.graph.get(id);
    const targets = [id, ...(options.downstream ? this.graph.downstreamOf(id) : [])];
    const needed = new Set<string>();
    for (const target of targets) {
      needed.add(target);
      for (const upstream of this.graph.upstreamOf(target)) needed.add(upstream);
    }
    const records: NodeRunRecord[] = [];
    for (const node of this.graph.topologicalOrder(needed)) {
      if (options.signal?.aborted) {
        throw new FlowbookError('Interrupted', `the flow run was interrupted before node \`${node}\``, 'run the cell again to continue; finished nodes are stored', { node });
      }
      records.push(await this.bringUpToDate(node, options, targets.includes(node)));
    }
    return records;
  }

  /** A node's output table (the first port unless named), running the node first if needed. */
  async table(id: string, port?: string, options: RunOptions = {}): Promise<Table> {
    await this.run(id, options);
    return this.output(id, port);
  }

  /** Forgets every stored output; every node becomes stale. */
  async clear(): Promise<void> {
    await this.cache.clear();
    this.tables.clear();
    for (const id of this.graph.ids()) this.markStale(id);
    this.emit({ type: 'graph_changed' });
  }

  snapshot(): GraphSnapshot {
    return { nodes: this.graph.ids().map((id) => this.graphNode(id)), edges: this.graph.edges() };
  }

  exportDefinition(): FlowExport {
    return {
      format: 'flowbook-flow',
      version: 1,
      nodes: this.graph.topologicalOrder().map((id) => {
        const node = this.graph.get(id);
        const entry: FlowExport['nodes'][number] = { id, kind: node.kind, inputs: node.inputs.map((i) => (i.port ? `${i.node}:${i.port}` : i.node)), params: node.params };
        if (node.model !== undefined) entry.model = node.model;
        return entry;
      }),
      edges: this.graph.edges(),
    };
  }

  /** Writes the flow's nodes, edges and parameters as JSON; returns the absolute path written. */
  async export(file: string): Promise<string> {
    const path = resolve(this.options.baseDir, file);
    await writeFile(path, `${stringifyJson(this.exportDefinition(), 2)}\n`);
    return path;
  }

  /** Listens to node and graph events; returns the function that stops listening. */
  on(listener: FlowListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The table a finished node produced on `port` (default: its first), from memory or the store. */
  async output(id: string, port?: string): Promise<Table> {
    const definition = this.graph.get(id);
    const kind = this.options.kinds.get(definition.kind);
    const state = this.state(id);
    const chosen = port ?? kind.outputPorts[0];
    if (chosen === undefined || !kind.outputPorts.includes(chosen)) {
      throw new FlowbookError('UnknownPort', `node \`${id}\` has no output ${chosen === undefined ? 'table' : `port \`${chosen}\``}`, kind.outputPorts.length ? `its ports: ${kind.outputPorts.join(', ')}` : `a %%${kind.kind} node produces no table`, { node: id, port: chosen });
    }
    if (!state.manifest || (state.status !== 'done' && state.status !== 'cached')) {
      throw new FlowbookError('NodeNotRun', `node \`${id}\` has no current output`, `run it first: %flow run ${id}`, { node: id });
    }
    const held = this.tables.get(id);
    if (held && held.fingerprint === state.manifest.fingerprint && held.ports[chosen]) return held.ports[chosen];
    const table = await this.cache.load(state.manifest, chosen);
    const ports = held && held.fingerprint === state.manifest.fingerprint ? held.ports : {};
    this.tables.set(id, { fingerprint: state.manifest.fingerprint, ports: { ...ports, [chosen]: table } });
    return table;
  }

  /**
   * Reuses or computes one node's output. A node reused from the store, or a target of the run
   * reused from memory, reports `cached`; an upstream node whose current output this session already
   * holds keeps its status (a node computed a cell ago still reads `done` in the graph).
   */
  private async bringUpToDate(id: string, options: RunOptions, isTarget: boolean): Promise<NodeRunRecord> {
    const definition = this.graph.get(id);
    const kind = this.options.kinds.get(definition.kind);
    const dependencies = this.graph.dependenciesOf(id);
    const startedAt = new Date();
    const clock = performance.now();
    const upstream = dependencies.map((dep) => {
      const state = this.state(dep.node);
      const entry: { name: string; node: string; port?: string; toPort?: string; fingerprint: string } = { name: dep.name, node: dep.node, fingerprint: state.fingerprint! };
      if (dep.port) entry.port = dep.port;
      if (dep.toPort) entry.toPort = dep.toPort;
      return entry;
    });
    try {
      const identity = kind.identity ? await kind.identity(definition.params, { baseDir: this.options.baseDir, store: this.options.store }) : undefined;
      const print = fingerprint({ kind: definition.kind, params: definition.params, upstream, ...(identity !== undefined ? { identity } : {}) });
      const current = this.states.get(id);
      const held = current?.manifest?.fingerprint === print ? current.manifest : undefined;
      if (held && !isTarget) return { id, status: 'cached', durationMs: performance.now() - clock };
      const stored = held ?? (await this.cache.lookup(id, print));
      if (stored) {
        const durationMs = performance.now() - clock;
        this.setState(id, { status: 'cached', fingerprint: print, manifest: stored, startedAt: startedAt.toISOString(), durationMs }, 'node_finished');
        return { id, status: 'cached', durationMs };
      }
      // From here to `computing.set` nothing awaits, so two runs cannot both start computing the node.
      if (this.states.get(id)?.manifest?.fingerprint === print) return { id, status: 'cached', durationMs: performance.now() - clock }; // computed while we looked
      const inFlight = this.computing.get(id);
      if (inFlight?.fingerprint === print) return await this.joinRun(id, print, inFlight.finished, clock);
      let finished!: () => void;
      this.computing.set(id, { fingerprint: print, finished: new Promise<void>((resolve) => (finished = resolve)) });
      try {
        return await this.compute(id, print, upstream, options, startedAt, clock);
      } finally {
        this.computing.delete(id);
        finished();
      }
    } catch (error) {
      const message = isFlowbookError(error) || error instanceof Error ? error.message : String(error);
      this.setState(id, { status: 'failed', startedAt: startedAt.toISOString(), durationMs: performance.now() - clock, error: message.split('\n')[0]! }, 'node_failed');
      throw error;
    }
  }

  /**
   * Another run computes this very node now (a cell, the extension's Run, an interrupted cell still
   * saving its model): share its result instead of computing the node a second time.
   */
  private async joinRun(id: string, print: string, finished: Promise<void>, clock: number): Promise<NodeRunRecord> {
    await finished;
    const state = this.state(id);
    if (state.manifest?.fingerprint === print && (state.status === 'done' || state.status === 'cached')) {
      return { id, status: 'cached', durationMs: performance.now() - clock };
    }
    throw new FlowbookError('NodeFailed', `node \`${id}\` failed in the run that was computing it: ${state.error ?? 'it did not finish'}`, `fix it and run it again: %flow run ${id}`, { node: id });
  }

  /** Runs the node's kind on its inputs and stores the outputs under `print`. */
  private async compute(
    id: string, print: string, upstream: ManifestFacts['inputs'], options: RunOptions, startedAt: Date, clock: number,
  ): Promise<NodeRunRecord> {
    const definition = this.graph.get(id);
    const kind = this.options.kinds.get(definition.kind);
    const dependencies = this.graph.dependenciesOf(id);
    this.setState(id, { status: 'running', startedAt: startedAt.toISOString() }, 'node_started');
    const inputs: Record<string, Table> = {};
    let model: UpstreamRef | undefined;
    for (const dep of dependencies) {
      if (dep.toPort === 'model') {
        const manifest = this.state(dep.node).manifest!;
        model = { node: dep.node, fingerprint: manifest.fingerprint, artifacts: manifest.artifacts };
      } else inputs[dep.name] = await this.output(dep.node, dep.port);
    }
    const context: NodeRunContext<unknown> = {
      nodeId: id,
      params: definition.params,
      inputs,
      fingerprint: print,
      store: this.options.store,
      baseDir: this.options.baseDir,
      signal: options.signal ?? new AbortController().signal,
      report: options.report ?? silentReporter,
    };
    if (model) context.model = model;
    const evaluate = options.evaluate ?? this.options.evaluate;
    if (evaluate) context.evaluate = evaluate;
    const facts = (result: Omit<NodeRunResult, 'tables'>): ManifestFacts => ({
      node: id,
      kind: definition.kind,
      fingerprint: print,
      inputs: upstream.map(({ name, node, port, fingerprint: fp }) => (port ? { name, node, port, fingerprint: fp } : { name, node, fingerprint: fp })),
      timings: { startedAt: startedAt.toISOString(), durationMs: performance.now() - clock },
      summary: result.summary ?? {},
      ...(result.metric ? { metric: result.metric } : {}),
      warnings: result.warnings,
      artifacts: result.artifacts ?? {},
      ...(result.display ? { display: result.display } : {}),
    });
    let manifest: Manifest;
    if (kind.writeOutputs) {
      const write = kind.writeOutputs.bind(kind);
      manifest = await this.cache.saveWritten(id, print, kind.outputPorts, async (files) => {
        const written = await write(context, files);
        return { rows: written.rows, facts: facts(written) };
      });
      this.tables.delete(id);
    } else {
      const result = await kind.run(context);
      const missing = kind.outputPorts.filter((port) => !result.tables[port]);
      if (missing.length > 0) throw new Error(`node kind ${kind.kind} returned no table for port(s) ${missing.join(', ')}`);
      manifest = await this.cache.save(result.tables, facts(result));
      this.tables.set(id, { fingerprint: print, ports: result.tables });
    }
    const durationMs = performance.now() - clock;
    this.setState(id, { status: 'done', fingerprint: print, manifest, startedAt: startedAt.toISOString(), durationMs }, 'node_finished');
    return { id, status: 'done', durationMs };
  }

  private checkPort(nodeId: string, input: InputRef): void {
    if (!this.graph.has(input.node)) return; // the graph names unknown upstreams with the known ids
    const upstreamKind = this.options.kinds.get(this.graph.get(input.node).kind);
    const ports = upstreamKind.outputPorts;
    if (input.port === undefined ? ports.length === 0 : !ports.includes(input.port)) {
      const what = input.port === undefined ? 'no table output' : `no port \`${input.port}\``;
      throw new FlowbookError('UnknownPort', `node \`${nodeId}\` reads from \`${input.node}\`, which has ${what}`, ports.length ? `its ports: ${ports.map((p) => `${input.node}:${p}`).join(', ')}` : `a %%${upstreamKind.kind} node produces no table`, { node: nodeId, upstream: input.node, port: input.port });
    }
  }

  /** A cell that now defines a different id drops the node it defined before, unless others use it. */
  private forgetRenamedNode(definition: NodeDefinition): void {
    if (definition.cellId === undefined) return;
    for (const id of this.graph.ids()) {
      if (id !== definition.id && this.graph.get(id).cellId === definition.cellId && this.graph.dependentsOf(id).length === 0) {
        this.graph.remove(id);
        this.states.delete(id);
        this.tables.delete(id);
      }
    }
  }

  private markStale(id: string): void {
    this.states.set(id, { status: 'stale' });
    this.tables.delete(id);
  }

  private setState(id: string, state: NodeState, event: 'node_started' | 'node_finished' | 'node_failed'): void {
    this.states.set(id, state);
    this.emit({ type: event, node: this.graphNode(id) });
  }

  private graphNode(id: string): GraphNode {
    const definition = this.graph.get(id);
    const state = this.state(id);
    const node: GraphNode = { id, kind: definition.kind, status: state.status };
    const kind = this.options.kinds.get(definition.kind);
    const main = kind.outputPorts[0];
    if (state.manifest && main !== undefined) node.rows = state.manifest.ports[main]?.rows ?? null;
    if (state.manifest?.metric) node.metric = state.manifest.metric;
    if (state.startedAt !== undefined) node.timing = { startedAt: state.startedAt, durationMs: Math.round(state.durationMs ?? 0) };
    if (definition.cellId !== undefined) node.cellId = definition.cellId;
    if (state.error !== undefined) node.error = state.error;
    return node;
  }

  private emit(event: FlowEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
