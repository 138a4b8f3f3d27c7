import { ISessionContext } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { FlowbookConnection } from './connection';
import { jobRegistry } from './job-registry';
import { openFlowbookComm } from './kernel-comm';

/**
 * One `flowbook` comm per open notebook, reopened when the notebook's kernel changes or restarts.
 * Views ask for a notebook's connection and listen to `changed`.
 */
export class NotebookConnections {
  private readonly _connections = new Map<NotebookPanel, FlowbookConnection>();
  private readonly _changed = new Signal<this, NotebookPanel>(this);
  private readonly _watched = new WeakSet<NotebookPanel>();

  get changed(): ISignal<this, NotebookPanel> {
    return this._changed;
  }

  get(panel: NotebookPanel): FlowbookConnection | null {
    return this._connections.get(panel) ?? null;
  }

  /** Starts following a notebook; safe to call again for the same panel. */
  watch(panel: NotebookPanel): void {
    if (this._watched.has(panel)) {
      return;
    }
    this._watched.add(panel);
    const session = panel.sessionContext;
    session.kernelChanged.connect(() => this._reopen(panel));
    // After a restart the kernel has forgotten the comm: open a new one once it is idle again.
    // (A kernel that refused the comm is not asked again until it restarts or changes.)
    let restarting = false;
    session.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
        restarting = true;
        this._drop(panel);
      } else if (status === 'idle' && restarting) {
        restarting = false;
        this._reopen(panel);
      }
    });
    panel.disposed.connect(() => this._drop(panel));
    void session.ready.then(() => this._reopen(panel));
  }

  private _reopen(panel: NotebookPanel): void {
    this._drop(panel);
    const kernel = kernelOf(panel.sessionContext);
    if (kernel) {
      try {
        const connection = openFlowbookComm(kernel);
        jobRegistry.track(connection);
        this._connections.set(panel, connection);
        connection.closed.connect(() => {
          if (this._connections.get(panel) === connection) {
            this._connections.delete(panel);
          }
        });
      } catch (error) {
        console.warn('flowbook: could not open the flowbook comm', error);
      }
    }
    this._changed.emit(panel);
  }

  private _drop(panel: NotebookPanel): void {
    const connection = this._connections.get(panel);
    if (connection) {
      this._connections.delete(panel);
      connection.dispose();
      this._changed.emit(panel);
    }
  }
}

function kernelOf(session: ISessionContext) {
  return session.session?.kernel ?? null;
}
