import type { GraphNode, GraphSnapshot, JobState, KernelEvent } from '@flowbook/protocol';
import { ISignal, Signal } from '@lumino/signaling';
import { FlowbookConnection } from '../comm/connection';

/** What the panel can show: each state but `ready` tells the user what to do. */
export type ConnectionState = 'no-notebook' | 'no-kernel' | 'connecting' | 'not-flowbook' | 'ready';

export interface JobSummary {
  jobId: string;
  nodeId: string;
  state: JobState;
  epoch: number;
  epochs: number;
}

/**
 * State of the Flow panel for the current notebook: its connection, the latest graph, the jobs of
 * its nodes and the selected node. Fed by the kernel's comm events; views listen to `changed`.
 */
export class FlowPanelModel {
  private readonly _changed = new Signal<this, void>(this);
  private _state: ConnectionState = 'no-notebook';
  private _connection: FlowbookConnection | null = null;
  private _graph: GraphSnapshot = { nodes: [], edges: [] };
  private readonly _jobs = new Map<string, JobSummary>();
  private _selected: string | null = null;
  private _lastError: string | null = null;
  /** Whether the kernel ever answered on this connection: a kernel that never does is not Flowbook. */
  private _heard = false;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): ConnectionState {
    return this._state;
  }

  get graph(): GraphSnapshot {
    return this._graph;
  }

  get selected(): string | null {
    return this._selected;
  }

  /** The last failed action, as the kernel phrased it; cleared by the next action. */
  get lastError(): string | null {
    return this._lastError;
  }

  get isEmpty(): boolean {
    return this._graph.nodes.length === 0;
  }

  node(id: string): GraphNode | undefined {
    return this._graph.nodes.find(n => n.id === id);
  }

  /** The running job of a node, if it has one. */
  activeJob(nodeId: string): JobSummary | undefined {
    for (const job of this._jobs.values()) {
      if (job.nodeId === nodeId && job.state === 'running') {
        return job;
      }
    }
    return undefined;
  }

  /** Switches to another notebook's state (or to none); forgets the previous graph. */
  setState(state: Exclude<ConnectionState, 'ready'>): void {
    this._detach();
    this._state = state;
    this._reset();
    this._changed.emit();
  }

  /** Follows a live connection: its events now drive the model. */
  connect(connection: FlowbookConnection): void {
    this._detach();
    this._reset();
    this._connection = connection;
    this._state = 'ready';
    connection.event.connect(this._onEvent, this);
    connection.closed.connect(this._onClosed, this);
    this._changed.emit();
    void connection
      .request<'get_graph'>({ type: 'get_graph' })
      .then(graph => {
        this._heard = true;
        this._applyGraph(graph);
      })
      .catch(error => {
        // A comm that closed has already set the state that explains it.
        if (this._connection === connection) {
          this._fail(error);
        }
      });
  }

  select(nodeId: string | null): void {
    if (this._selected !== nodeId) {
      this._selected = nodeId;
      this._changed.emit();
    }
  }

  async runNode(nodeId: string, downstream: boolean): Promise<void> {
    const connection = this._requireConnection();
    this._clearError();
    try {
      await connection.request<'run_node'>({ type: 'run_node', nodeId, downstream });
    } catch (error) {
      this._fail(error);
    }
  }

  async stopNode(nodeId: string): Promise<void> {
    const connection = this._requireConnection();
    const job = this.activeJob(nodeId);
    if (!job) {
      return;
    }
    this._clearError();
    try {
      await connection.request<'stop_job'>({ type: 'stop_job', jobId: job.jobId });
    } catch (error) {
      this._fail(error);
    }
  }

  dispose(): void {
    this._detach();
    Signal.clearData(this);
  }

  private _onEvent(_: FlowbookConnection, event: KernelEvent): void {
    this._heard = true;
    switch (event.type) {
      case 'graph':
        this._applyGraph(event.graph);
        return;
      case 'node_status': {
        const { type: _type, nodeId, ...patch } = event;
        this._patchNode(nodeId, patch);
        return;
      }
      case 'job_started':
        this._jobs.set(event.jobId, {
          jobId: event.jobId,
          nodeId: event.nodeId,
          state: 'running',
          epoch: 0,
          epochs: event.epochs
        });
        this._patchNode(event.nodeId, { status: 'running' });
        return;
      case 'job_metrics': {
        const job = this._jobs.get(event.jobId);
        if (job && event.batch === undefined) {
          job.epoch = Math.max(job.epoch, event.epoch);
          this._changed.emit();
        }
        return;
      }
      case 'job_finished': {
        const job = this._jobs.get(event.jobId);
        if (job) {
          job.state = event.state;
          this._changed.emit();
        }
        return;
      }
      case 'job_log':
        return;
    }
  }

  private _onClosed(): void {
    this._detach();
    this._state = this._heard ? 'no-kernel' : 'not-flowbook';
    if (!this._heard) {
      this._lastError = null;
    }
    this._changed.emit();
  }

  private _applyGraph(graph: GraphSnapshot): void {
    this._graph = graph;
    if (this._selected !== null && !graph.nodes.some(n => n.id === this._selected)) {
      this._selected = null;
    }
    this._changed.emit();
  }

  private _patchNode(nodeId: string, patch: Partial<GraphNode>): void {
    const nodes = this._graph.nodes.map(n => (n.id === nodeId ? { ...n, ...patch } : n));
    this._graph = { ...this._graph, nodes };
    this._changed.emit();
  }

  private _requireConnection(): FlowbookConnection {
    if (!this._connection) {
      throw new Error('The Flow panel has no Flowbook kernel to talk to.');
    }
    return this._connection;
  }

  private _fail(error: unknown): void {
    this._lastError = error instanceof Error ? error.message : String(error);
    this._changed.emit();
  }

  private _clearError(): void {
    this._lastError = null;
  }

  private _reset(): void {
    this._graph = { nodes: [], edges: [] };
    this._jobs.clear();
    this._selected = null;
    this._lastError = null;
    this._heard = false;
  }

  private _detach(): void {
    if (this._connection) {
      this._connection.event.disconnect(this._onEvent, this);
      this._connection.closed.disconnect(this._onClosed, this);
      this._connection = null;
    }
  }
}
