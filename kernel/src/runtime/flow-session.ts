import { bodyFormat, isMagicCell, MagicSyntaxError, NODE_KINDS, parseCell } from '@flowbook/magics';
import type { ColumnInfo, FlowCommand, JsonSchema, NodeCommand, NodeKindName, NodeKindSchema, StoreCommand } from '@flowbook/magics';
import type { ExecuteOutcome } from '../core/interpreter';
import type { MimeBundle } from '../core/messages';
import type { TablePreview } from '../data/preview';
import { FlowbookError, isFlowbookError } from '../errors';
import type { FlowListener } from '../flow/events';
import { Flow } from '../flow/flow';
import type { NodeRunRecord, RunOptions } from '../flow/flow';
import { dataNodeKinds } from '../nodes/data-kinds';
import { withModelKinds } from '../nodes/models';
import { tfscriptKind } from '../nodes/tfscript/kind';
import type { Evaluate, NodeReporter } from '../nodes/kind';
import type { NodeKindRegistry } from '../nodes/registry';
import { openStore } from '../store/open';
import type { Store } from '../store/store';
import type { CellMagics, MagicCell } from './cell-magic';
import { createFlowApi, FLOW_GLOBAL_TYPES } from './flow-api';
import type { FlowApi } from './flow-api';
import { dagBundle, nodeResultBundle, statusBundle } from './flow-display';
import { jobsOutput } from './flow-jobs';
import { jobRegistry } from '../train/jobs/registry';
import { openAnsweringStore, runStoreTransfer, storeListing } from './flow-store';

export interface FlowSessionOptions {
  /** The notebook's folder: relative paths and the default store (`.flowbook/`) start here. */
  notebookDir: string;
  /** The store; default: `FLOWBOOK_STORE`, else `<notebookDir>/.flowbook`. */
  store?: Store;
  /** Node kinds; default: the data kinds (source, sql, node, split). Model kinds register into it. */
  kinds?: NodeKindRegistry;
  /** Runs TypeScript when no cell supplies it (a headless runner). */
  evaluate?: Evaluate;
}

export interface FlowSession {
  magics: CellMagics;
  globals: { flow: FlowApi };
  /** `.d.ts` text declaring `globals` for the language service. */
  globalTypes: string;
  /** The current flow engine (`%store use` replaces it). */
  readonly flow: Flow;
  /** Node and graph events of whichever flow is current; returns the function that stops listening. */
  on(listener: FlowListener): () => void;
  /** The form of a kind's cell body, for the extension (`get_schema`). */
  kindSchema(kind: string): NodeKindSchema;
  /** The columns of a node's output (`get_columns`), bringing the node up to date first. */
  columns(nodeId: string, port?: string): Promise<ColumnInfo[]>;
  /** Live output of running nodes (training charts, log lines), whichever cell or request runs them. */
  onReport(listener: ReportListener): () => void;
  /** Runs a node outside any cell (the extension's Run); its live output reaches `onReport` only. */
  runNode(nodeId: string, downstream: boolean): Promise<NodeRunRecord[]>;
  /** Ends the runs computing `nodeId` (a training job stops and keeps its best model); false if none does. */
  stopNode(nodeId: string): boolean;
}

/** One piece of a running node's live output. */
export type NodeReport = { type: 'display'; bundle: Record<string, unknown> } | { type: 'log'; line: string };
export type ReportListener = (report: NodeReport) => void;

/** A run of a cell, `%flow run` or the extension, while it lasts: what it covers and how to end it. */
interface ActiveRun {
  flow: Flow;
  target: string;
  downstream: boolean;
  controller: AbortController;
}

/**
 * The flow as a notebook sees it: the `%%KIND ID` and `%flow`/`%store`/`%jobs` magics, and the
 * `flow` object of code cells, over one Flow. Re-running a cell redefines its node.
 */
export function createFlowSession(options: FlowSessionOptions): FlowSession {
  const kinds = options.kinds ?? withTrainingKinds(dataNodeKinds());
  const listeners = new Set<FlowListener>();
  let evaluate = options.evaluate;
  const makeFlow = (store: Store): Flow => {
    const made = new Flow({ store, baseDir: options.notebookDir, kinds });
    made.on((event) => listeners.forEach((listener) => listener(event)));
    return made;
  };
  let flow = makeFlow(options.store ?? openStore(undefined, options.notebookDir));
  const codeRunOptions = (): RunOptions => (evaluate ? { evaluate } : {});
  const reportListeners = new Set<ReportListener>();
  const activeRuns = new Set<ActiveRun>();

  /** Runs `id` so that `stopNode` can end it and report listeners see its live output too. */
  const trackedRun = async (on: Flow, id: string, runOptions: RunOptions): Promise<NodeRunRecord[]> => {
    const run: ActiveRun = { flow: on, target: id, downstream: runOptions.downstream ?? false, controller: new AbortController() };
    const signal = runOptions.signal ? AbortSignal.any([runOptions.signal, run.controller.signal]) : run.controller.signal;
    const shown = runOptions.report;
    const report: NodeReporter = {
      display: (bundle, display) => {
        shown?.display(bundle, display);
        reportListeners.forEach((listener) => listener({ type: 'display', bundle }));
      },
      log: (line) => {
        shown?.log(line);
        reportListeners.forEach((listener) => listener({ type: 'log', line }));
      },
    };
    activeRuns.add(run);
    try {
      return await on.run(id, { ...runOptions, signal, report });
    } finally {
      activeRuns.delete(run);
    }
  };

  const runNodeCell = async (command: NodeCommand, cell: MagicCell): Promise<ExecuteOutcome> => {
    const kind = kinds.get(command.kind);
    const spec: Parameters<Flow['define']>[0] = { id: command.id, kind: command.kind, params: kind.paramsFromBody(command.body, command.bodyLine), inputs: command.inputs };
    if (command.model !== undefined) spec.model = command.model;
    if (cell.cellId !== undefined) spec.cellId = cell.cellId;
    flow.define(spec);
    const current = flow;
    const progressId = `flowbook-node-${command.id}-${Date.now().toString(36)}`;
    cell.output.display(progressBundle(current, command.id), {}, { display_id: progressId });
    const stopProgress = current.on((event) => {
      if (event.type !== 'graph_changed') cell.output.display(progressBundle(current, command.id), {}, { display_id: progressId }, true);
    });
    try {
      await trackedRun(current, command.id, { ...cellRunOptions(cell), evaluate: cell.evaluate });
    } finally {
      stopProgress();
    }
    const kindPorts = kinds.get(command.kind).outputPorts;
    const previews = await Promise.all(kindPorts.map(async (port) => [port, await current.preview(command.id, port)] as [string, TablePreview]));
    const state = current.state(command.id);
    cell.output.display(nodeResultBundle({ id: command.id, kind: command.kind, state, previews }), {}, { display_id: progressId }, true);
    if (state.manifest?.display) cell.output.display(state.manifest.display);
    return { status: 'ok' };
  };

  const runFlowCommand = async (command: FlowCommand, cell: MagicCell): Promise<ExecuteOutcome> => {
    switch (command.action) {
      case 'show':
        cell.output.display(dagBundle(flow.snapshot()));
        break;
      case 'run': {
        const records = await trackedRun(flow, command.id, { ...cellRunOptions(cell), downstream: command.downstream });
        const line = records.map((r) => `${r.id} ${r.status} (${Math.round(r.durationMs)} ms)`).join(', ');
        cell.output.display(dagBundle(flow.snapshot(), `ran: ${line}`));
        break;
      }
      case 'status':
        cell.output.display(statusBundle(flow.snapshot()));
        break;
      case 'clear':
        await flow.clear();
        cell.output.stream('stdout', `cleared the stored node outputs in ${flow.store.uri}\n`);
        break;
      case 'export':
        cell.output.stream('stdout', `wrote the flow to ${await flow.export(command.file)}\n`);
        break;
      case 'rm':
        flow.remove(command.id);
        cell.output.stream('stdout', `removed node ${command.id}\n`);
        break;
    }
    return { status: 'ok' };
  };

  const runStoreCommand = async (command: StoreCommand, cell: MagicCell): Promise<ExecuteOutcome> => {
    if (command.action === 'info') {
      cell.output.stream('stdout', `store: ${flow.store.uri}\n`);
    } else if (command.action === 'use') {
      const store = await openAnsweringStore(command.uri, options.notebookDir);
      const previous = flow;
      flow = makeFlow(store);
      // The graph moves to the new store; outputs there are found again by fingerprint.
      for (const id of previous.order()) flow.define(previous.definition(id));
      cell.output.stream('stdout', `store: ${store.uri}\n`);
    } else if (command.action === 'ls') {
      cell.output.display(await storeListing(command.path, flow.store, options.notebookDir));
    } else {
      cell.output.stream('stdout', await runStoreTransfer(command, flow.store, options.notebookDir));
    }
    return { status: 'ok' };
  };

  const magics: CellMagics = {
    handles: (code) => isMagicCell(code),
    async run(code, cell) {
      evaluate = cell.evaluate;
      try {
        const command = parseCell(code);
        switch (command.type) {
          case 'node':
            return await runNodeCell(command, cell);
          case 'flow':
            return await runFlowCommand(command, cell);
          case 'store':
            return await runStoreCommand(command, cell);
          case 'jobs': {
            const { display, text } = await jobsOutput(command, flow.store, jobRegistry);
            if (display) cell.output.display(display);
            if (text) cell.output.stream('stdout', text);
            return { status: 'ok' };
          }
        }
      } catch (error) {
        return errorOutcome(error);
      }
    },
  };

  return {
    magics,
    globals: { flow: createFlowApi(() => flow, kinds, codeRunOptions) },
    globalTypes: FLOW_GLOBAL_TYPES,
    get flow() {
      return flow;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    kindSchema(name) {
      const kind = kinds.get(name);
      const properties = kind.parameterSchema.properties as Record<string, JsonSchema> | undefined;
      // A source cell's YAML holds only the options; its location is the line above them.
      const schema = isKnownKind(name) && bodyFormat(name) === 'location+yaml' && properties?.options ? properties.options : kind.parameterSchema;
      const groups = kind.groups ?? [{ id: 'parameters', title: kind.title, properties: Object.keys((schema.properties as object | undefined) ?? {}) }];
      return { kind: name, title: kind.title, schema, groups: [...groups] };
    },
    async columns(nodeId, port) {
      // A current output answers as it is: asking for columns must not re-report the node as cached.
      const current = flow.state(nodeId);
      if (!current.manifest || (current.status !== 'done' && current.status !== 'cached')) await flow.run(nodeId, codeRunOptions());
      const manifest = flow.state(nodeId).manifest!;
      const chosen = port ?? kinds.get(flow.definition(nodeId).kind).outputPorts[0];
      const stored = chosen !== undefined ? manifest.ports[chosen] : undefined;
      if (!stored) {
        throw new FlowbookError('UnknownPort', `node \`${nodeId}\` has no output ${chosen === undefined ? 'table' : `port \`${chosen}\``}`, `its ports: ${Object.keys(manifest.ports).join(', ') || '(none)'}`, { node: nodeId, port: chosen });
      }
      return stored.schema.map(({ name, type }) => ({ name, type }));
    },
    onReport(listener) {
      reportListeners.add(listener);
      return () => reportListeners.delete(listener);
    },
    runNode(nodeId, downstream) {
      return trackedRun(flow, nodeId, { ...codeRunOptions(), downstream });
    },
    stopNode(nodeId) {
      if (flow.state(nodeId).status !== 'running') return false;
      const covering = [...activeRuns].filter((run) => run.flow === flow && (run.flow.order(run.target).includes(nodeId) || (run.downstream && run.flow.order(nodeId).includes(run.target))));
      covering.forEach((run) => run.controller.abort());
      return covering.length > 0;
    },
  };
}

/** The model kinds and %%tfscript, beside the data kinds. */
function withTrainingKinds(registry: NodeKindRegistry): NodeKindRegistry {
  withModelKinds(registry).register(tfscriptKind);
  return registry;
}

function isKnownKind(kind: string): kind is NodeKindName {
  return (NODE_KINDS as readonly string[]).includes(kind);
}

function cellRunOptions(cell: MagicCell): RunOptions {
  const report: NodeReporter = {
    display: (bundle, display = {}) =>
      cell.output.display(bundle as MimeBundle, {}, display.displayId !== undefined ? { display_id: display.displayId } : undefined, display.update ?? false),
    log: (line) => cell.output.stream('stdout', `${line}\n`),
  };
  return { signal: cell.signal, evaluate: cell.evaluate, report };
}

/** While a node cell runs: the status of the node and of the upstream nodes it waits for. */
function progressBundle(flow: Flow, id: string): MimeBundle {
  return { 'text/plain': flow.order(id).map((n) => `${n}: ${flow.state(n).status}`).join('\n') };
}

function errorOutcome(error: unknown): ExecuteOutcome {
  if (isFlowbookError(error)) {
    const evalue = error.describe();
    return { status: 'error', ename: error.kind, evalue, traceback: [`${error.kind}: ${evalue}`] };
  }
  if (error instanceof MagicSyntaxError) {
    return { status: 'error', ename: 'MagicSyntaxError', evalue: error.message, traceback: [`MagicSyntaxError: ${error.message}`] };
  }
  throw error;
}
