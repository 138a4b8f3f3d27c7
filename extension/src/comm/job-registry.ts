import type { KernelEvent } from '@flowbook/protocol';
import { FlowbookConnection } from './connection';

/**
 * Which live connection runs which training job. Output renderers have no kernel of their own:
 * a training display asks here whether its job is live (to enable Stop) and how to stop it.
 */
export class JobRegistry {
  private readonly _owners = new Map<string, FlowbookConnection>();
  private readonly _tracked = new Set<FlowbookConnection>();

  track(connection: FlowbookConnection): void {
    if (this._tracked.has(connection)) {
      return;
    }
    this._tracked.add(connection);
    const onEvent = (sender: FlowbookConnection, event: KernelEvent) => {
      if (event.type === 'job_started') {
        this._owners.set(event.jobId, sender);
      } else if (event.type === 'job_finished') {
        this._owners.delete(event.jobId);
      }
    };
    connection.event.connect(onEvent);
    connection.closed.connect(() => {
      connection.event.disconnect(onEvent);
      this._tracked.delete(connection);
      for (const [jobId, owner] of this._owners) {
        if (owner === connection) {
          this._owners.delete(jobId);
        }
      }
    });
  }

  isLive(jobId: string): boolean {
    return this._owners.has(jobId);
  }

  /** Asks the owning kernel to stop the job; resolves false when no live kernel runs it. */
  async stop(jobId: string): Promise<boolean> {
    const owner = this._owners.get(jobId);
    if (!owner) {
      return false;
    }
    const { stopped } = await owner.request<'stop_job'>({ type: 'stop_job', jobId });
    return stopped;
  }
}

/** The one registry shared by the flow panel plugin and the mime renderers of this extension. */
export const jobRegistry = new JobRegistry();
