import type {
  ExtensionRequest,
  KernelEvent,
  KernelMessage,
  ReplyError,
  RequestResults,
  RequestType
} from '@flowbook/protocol';
import { ISignal, Signal } from '@lumino/signaling';

/** The few things a connection needs from a comm, so tests can pass a fake one. */
export interface ICommChannel {
  send(data: ExtensionRequest): void;
  /** Called with every message the kernel sends on the comm. */
  onMessage(handler: (data: unknown) => void): void;
  /** Called once when the comm closes (kernel restart, shutdown, target unknown). */
  onClose(handler: () => void): void;
  close(): void;
}

/** A request the kernel refused or that could not be answered; message and hint are user-facing. */
export class FlowbookRequestError extends Error {
  readonly hint: string | undefined;
  constructor(error: ReplyError) {
    super(error.message);
    this.name = 'FlowbookRequestError';
    this.hint = error.hint;
  }
}

/** A request without its id: the connection assigns one. */
export type RequestBody<T extends RequestType> = Omit<Extract<ExtensionRequest, { type: T }>, 'requestId'>;

interface Pending {
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

/**
 * One open `flowbook` comm: sends requests and matches replies by request id, and re-emits the
 * kernel's events. Knows nothing of JupyterLab widgets.
 */
export class FlowbookConnection {
  private readonly _pending = new Map<string, Pending>();
  private readonly _event = new Signal<this, KernelEvent>(this);
  private readonly _closed = new Signal<this, void>(this);
  private _nextId = 1;
  private _isClosed = false;

  constructor(private readonly _channel: ICommChannel, private readonly _idPrefix = 'req') {
    _channel.onMessage(data => this._receive(data));
    _channel.onClose(() => this._onClose());
  }

  /** Every graph, node-status and job event, in the order the kernel sent them. */
  get event(): ISignal<this, KernelEvent> {
    return this._event;
  }

  get closed(): ISignal<this, void> {
    return this._closed;
  }

  get isClosed(): boolean {
    return this._isClosed;
  }

  request<T extends RequestType>(body: RequestBody<T>): Promise<RequestResults[T]> {
    if (this._isClosed) {
      return Promise.reject(
        new FlowbookRequestError({
          message: 'The Flowbook kernel is not connected.',
          hint: 'Start or restart the notebook kernel, then try again.'
        })
      );
    }
    const requestId = `${this._idPrefix}-${this._nextId++}`;
    return new Promise<RequestResults[T]>((resolve, reject) => {
      this._pending.set(requestId, { resolve: resolve as (result: never) => void, reject });
      this._channel.send({ ...body, requestId } as ExtensionRequest);
    });
  }

  dispose(): void {
    if (!this._isClosed) {
      this._channel.close();
      this._onClose();
    }
  }

  private _receive(data: unknown): void {
    if (!isKernelMessage(data)) {
      console.warn('flowbook: ignoring a comm message of unknown shape', data);
      return;
    }
    if (data.type !== 'reply') {
      this._event.emit(data);
      return;
    }
    const pending = this._pending.get(data.requestId);
    if (!pending) {
      console.warn(`flowbook: reply to unknown request ${data.requestId}`);
      return;
    }
    this._pending.delete(data.requestId);
    if (data.ok) {
      pending.resolve(data.result as never);
    } else {
      pending.reject(new FlowbookRequestError(data.error));
    }
  }

  private _onClose(): void {
    if (this._isClosed) {
      return;
    }
    this._isClosed = true;
    const error = new FlowbookRequestError({
      message: 'The Flowbook kernel closed the connection before answering.',
      hint: 'Restart the kernel and run the flow again.'
    });
    for (const pending of this._pending.values()) {
      pending.reject(error);
    }
    this._pending.clear();
    this._closed.emit();
  }
}

const EVENT_TYPES = new Set(['graph', 'node_status', 'job_started', 'job_metrics', 'job_log', 'job_finished', 'reply']);

function isKernelMessage(data: unknown): data is KernelMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { type?: unknown }).type === 'string' &&
    EVENT_TYPES.has((data as { type: string }).type)
  );
}
