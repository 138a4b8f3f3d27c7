import type {
  CommTarget,
  ExtensionRequest,
  GraphSnapshot,
  JobEvent,
  KernelEvent,
  KernelMessage,
  ReplyError,
  RequestResults,
  RequestType,
  TrainingDisplay,
} from '@flowbook/magics';
import type { Comm, CommManager } from '../core/comms';
import type { JsonObject } from '../core/messages';
import { FlowbookError, isFlowbookError } from '../errors';
import type { FlowEvent } from '../flow/events';
import { TRAINING_MIME } from '../nodes/models/training-display';
import type { FlowSession, NodeReport } from './flow-session';

export const FLOWBOOK_COMM_TARGET: CommTarget = 'flowbook';

/**
 * The flow session as the comm needs it. The extension opens the comm as soon as a kernel starts;
 * that alone must not load the flow engine (DuckDB, Arrow, tfjs), so an unloaded session reads as an
 * empty flow until a cell or a request loads it.
 */
export interface FlowSessionSource {
  /** The session, if something has loaded it. */
  loaded(): FlowSession | undefined;
  /** The session, loading the flow engine if needed. */
  load(): FlowSession;
  /** Calls `listener` once the session is loaded (at once if it is). */
  whenLoaded(listener: (session: FlowSession) => void): void;
}

/** A session created on first `load()`. */
export function lazyFlowSession(create: () => FlowSession): FlowSessionSource {
  let session: FlowSession | undefined;
  const waiting: ((session: FlowSession) => void)[] = [];
  return {
    loaded: () => session,
    load() {
      if (!session) {
        session = create();
        for (const listener of waiting.splice(0)) listener(session);
      }
      return session;
    },
    whenLoaded(listener) {
      if (session) listener(session);
      else waiting.push(listener);
    },
  };
}

/**
 * Serves the `flowbook` comm (`magics/src/protocol.ts`): on open, the graph; then graph and node
 * status events as the flow changes, job events from the training displays of running nodes, and
 * one reply per request. Requests run beside a running cell (the core answers comms at once), so
 * each is answered when its work ends without holding the shell.
 */
export function registerFlowComm(comms: CommManager, source: FlowSessionSource): void {
  comms.registerTarget(FLOWBOOK_COMM_TARGET, (comm) => serve(comm, source));
}

function serve(comm: Comm, source: FlowSessionSource): void {
  const jobs = new JobEvents();
  const send = (message: KernelMessage): void => comm.send(message as unknown as JsonObject);
  let detach = (): void => undefined;
  send({ type: 'graph', graph: snapshotOf(source) });
  source.whenLoaded((session) => {
    if (!comm.isOpen) return;
    const stopEvents = session.on((event) => send(flowMessage(session, event)));
    const stopReports = session.onReport((report) => jobs.translate(report).forEach(send));
    detach = () => {
      stopEvents();
      stopReports();
    };
  });
  comm.onMessage((data) => {
    const requestId = data.requestId;
    if (typeof requestId !== 'string') return; // without a request id nobody awaits a reply
    const request = asRequest(data);
    const work = request
      ? answer(request, source, jobs)
      : Promise.reject(new FlowbookError('BadRequest', `the kernel does not understand the request ${JSON.stringify(data)}`, 'use the same version of the Flowbook extension and kernel'));
    void work.then(
      (result) => send({ type: 'reply', requestId, ok: true, result }),
      (error: unknown) => send({ type: 'reply', requestId, ok: false, error: replyError(error) }),
    );
  });
  comm.onClose(() => detach());
}

async function answer(request: ExtensionRequest, source: FlowSessionSource, jobs: JobEvents): Promise<RequestResults[RequestType]> {
  switch (request.type) {
    case 'get_graph':
      return snapshotOf(source);
    case 'get_schema':
      return source.load().kindSchema(request.kind);
    case 'get_columns':
      return { columns: await source.load().columns(request.nodeId, request.port) };
    case 'run_node': {
      const session = source.load();
      session.flow.definition(request.nodeId); // an unknown id fails here, naming the known ones
      const running = session.flow.snapshot().nodes.find((node) => node.status === 'running');
      if (running) {
        throw new FlowbookError('FlowBusy', `node \`${running.id}\` is running`, 'wait for it to finish, or stop its job, then run again', { node: running.id });
      }
      await session.runNode(request.nodeId, request.downstream);
      return { accepted: true };
    }
    case 'stop_job': {
      const nodeId = jobs.runningNodeOf(request.jobId);
      if (nodeId === undefined || !source.loaded()?.stopNode(nodeId)) {
        throw new FlowbookError('JobNotRunning', `job \`${request.jobId}\` is not running in this kernel`, 'it has ended already; %jobs lists the jobs in the store', { job: request.jobId });
      }
      return { stopped: true };
    }
  }
}

function snapshotOf(source: FlowSessionSource): GraphSnapshot {
  return source.loaded()?.flow.snapshot() ?? { nodes: [], edges: [] };
}

function flowMessage(session: FlowSession, event: FlowEvent): KernelEvent {
  if (event.type === 'graph_changed') return { type: 'graph', graph: session.flow.snapshot() };
  const { id, kind: _kind, cellId: _cellId, ...status } = event.node;
  return { type: 'node_status', nodeId: id, ...status };
}

/**
 * Turns the training displays a running node shows (`application/vnd.flowbook.training+json`,
 * updated in place) into the comm's job events: started on a job's first display, one metrics event
 * per new epoch, finished when the display leaves `running`. Log lines go to the latest running job.
 */
export class JobEvents {
  private readonly jobs = new Map<string, { nodeId: string; epochsSent: number; running: boolean }>();
  private latest: string | undefined;

  /** The node of a job that is still running, if this comm saw it start. */
  runningNodeOf(jobId: string): string | undefined {
    const job = this.jobs.get(jobId);
    return job?.running ? job.nodeId : undefined;
  }

  translate(report: NodeReport): JobEvent[] {
    if (report.type === 'log') {
      return this.latest !== undefined && this.jobs.get(this.latest)?.running ? [{ type: 'job_log', jobId: this.latest, line: report.line }] : [];
    }
    const display = report.bundle[TRAINING_MIME] as TrainingDisplay | undefined;
    if (!display) return [];
    const events: JobEvent[] = [];
    let job = this.jobs.get(display.jobId);
    if (!job) {
      job = { nodeId: display.nodeId, epochsSent: 0, running: true };
      this.jobs.set(display.jobId, job);
      this.latest = display.jobId;
      events.push({
        type: 'job_started',
        jobId: display.jobId,
        nodeId: display.nodeId,
        backend: display.backend,
        logPath: display.logPath ?? '',
        tensorboardDir: display.tensorboardDir ?? '',
        epochs: display.epochs.total,
        batchesPerEpoch: display.batches.total,
      });
    }
    if (!job.running) return events;
    for (const record of display.history.slice(job.epochsSent)) {
      const val = Object.fromEntries(Object.entries(record.val ?? {}).map(([name, value]) => [`val_${name}`, value]));
      events.push({ type: 'job_metrics', jobId: display.jobId, epoch: record.epoch, logs: { ...record.train, ...val } });
    }
    job.epochsSent = display.history.length;
    if (display.status !== 'running') {
      job.running = false;
      events.push({ type: 'job_finished', jobId: display.jobId, state: display.status, best: display.best ?? null, error: display.error ?? null });
    }
    return events;
  }
}

const REQUIRED_FIELDS: Record<RequestType, Record<string, 'string' | 'boolean'>> = {
  get_graph: {},
  get_schema: { kind: 'string' },
  get_columns: { nodeId: 'string' },
  run_node: { nodeId: 'string', downstream: 'boolean' },
  stop_job: { jobId: 'string' },
};

/** A request of a known type with the fields it needs, or undefined. */
function asRequest(data: JsonObject): ExtensionRequest | undefined {
  const type = data.type;
  if (typeof type !== 'string' || !Object.hasOwn(REQUIRED_FIELDS, type)) return undefined;
  const fields = REQUIRED_FIELDS[type as RequestType];
  return Object.entries(fields).every(([name, kind]) => typeof data[name] === kind) ? (data as unknown as ExtensionRequest) : undefined;
}

function replyError(error: unknown): ReplyError {
  if (isFlowbookError(error)) return error.hint ? { message: error.message, hint: error.hint } : { message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
