import { CommManager } from './comms';
import type { ExecutionCounter, Handler, KernelServices } from './handler';
import { abortedExecuteRequest, executeRequest } from './handlers/execute';
import { commClose, commInfoRequest, commMsg, commOpen } from './handlers/comms';
import { historyRequest } from './handlers/history';
import { completeRequest, inspectRequest, isCompleteRequest } from './handlers/introspection';
import { kernelInfoRequest } from './handlers/kernel-info';
import { shutdownRequest } from './handlers/shutdown';
import type { History } from './history';
import type { Interpreter } from './interpreter';
import type { Channel, JsonObject, Message } from './messages';
import { Messenger } from './messenger';
import { StdinBroker } from './stdin';
import type { Transport } from './transport';

/** Shell messages answered at once even while another request runs (see `receive`). */
const COMM_MESSAGE_TYPES: ReadonlySet<string> = new Set(['comm_open', 'comm_msg', 'comm_close']);

/** msg_type → handler; one place that says which requests the kernel understands. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  kernel_info_request: kernelInfoRequest,
  execute_request: executeRequest,
  complete_request: completeRequest,
  inspect_request: inspectRequest,
  is_complete_request: isCompleteRequest,
  history_request: historyRequest,
  comm_info_request: commInfoRequest,
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  shutdown_request: shutdownRequest,
};

export interface KernelCoreOptions {
  transport: Transport & {
    /** Resolves once every message the transport received before the call has reached `receive`. */
    drain(): Promise<void>;
  };
  interpreter: Interpreter;
  history: History;
  kernelInfo: JsonObject;
  /** The Messenger's session id; the wire worker signs its own replies under the same one. */
  session?: string;
  /** Ends the process after the interpreter has shut down; tests record the call instead. */
  exit(restart: boolean): void;
  /** Called once, after the first kernel_info_reply on shell: the moment for heavy warm-up. */
  afterFirstKernelInfo?(): void;
  log?(line: string): void;
}

/**
 * The protocol core: shell requests run one at a time in arrival order, control and stdin are handled
 * as they come, and every request is wrapped in busy/idle with itself as parent.
 */
export class KernelCore {
  readonly messenger: Messenger;
  readonly comms: CommManager;
  private readonly services: KernelServices;
  private readonly shellQueue: Message[] = [];
  private processing = false;
  private readonly toAbort = new Set<Message>();
  private shuttingDown: Promise<void> | null = null;
  private answeredKernelInfo = false;

  constructor(private readonly options: KernelCoreOptions) {
    this.messenger = new Messenger(options.transport, options.session);
    this.comms = new CommManager(this.messenger);
    const executions: ExecutionCounter = { count: 0 };
    const log = options.log ?? ((line: string) => process.stderr.write(`[flowbook] ${line}\n`));
    this.services = {
      messenger: this.messenger,
      interpreter: options.interpreter,
      history: options.history,
      comms: this.comms,
      stdin: new StdinBroker(this.messenger),
      kernelInfo: options.kernelInfo,
      executions,
      abortQueuedExecutions: () => this.markQueuedForAbort(),
      shutdown: (restart) => this.shutdown(restart),
      log,
    };
  }

  get executionCount(): number {
    return this.services.executions.count;
  }

  receive(channel: Channel, message: Message): void {
    switch (channel) {
      case 'stdin':
        if (message.header.msg_type === 'input_reply') this.services.stdin.answer(message);
        return;
      case 'control':
        void this.dispatch(channel, message);
        return;
      case 'shell':
        if (this.processing && COMM_MESSAGE_TYPES.has(message.header.msg_type)) {
          // A running cell must not hold comm messages back: the extension's Stop has to reach the
          // training job that cell runs. Comm handlers only start work, so answering now is safe.
          void this.dispatch(channel, message, { announceBusy: false });
          return;
        }
        this.shellQueue.push(message);
        void this.processShell();
        return;
      case 'iopub':
        return;
    }
  }

  /** Frees the interpreter once, then exits; a second request waits for the first. */
  shutdown(restart: boolean): Promise<void> {
    this.shuttingDown ??= (async () => {
      try {
        await this.options.interpreter.shutdown(restart);
      } catch (error) {
        this.services.log(`interpreter shutdown failed: ${(error as Error).message}`);
      }
      this.options.exit(restart);
    })();
    return this.shuttingDown;
  }

  private async processShell(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let next = this.shellQueue.shift(); next; next = this.shellQueue.shift()) {
        await this.dispatch('shell', next);
      }
    } finally {
      this.processing = false;
    }
  }

  /**
   * For a failing cell with stop_on_error, before its error reply is sent: requests sent before that
   * reply may still be inside the transport, so take them in first; every execute request queued at
   * that point is then aborted. Anything arriving later was (or may have been) sent after the client
   * saw the reply, and runs normally; marking after the reply would abort those too.
   */
  private async markQueuedForAbort(): Promise<void> {
    await this.options.transport.drain();
    for (const queued of this.shellQueue) {
      if (queued.header.msg_type === 'execute_request') this.toAbort.add(queued);
    }
  }

  /**
   * `announceBusy: false` for a request served beside a running one: its busy/idle would tell clients
   * the kernel is idle while the other still runs.
   */
  private async dispatch(channel: Channel, request: Message, { announceBusy } = { announceBusy: true }): Promise<void> {
    const msgType = request.header.msg_type;
    const handler = this.toAbort.delete(request) ? abortedExecuteRequest : HANDLERS[msgType];
    if (announceBusy) this.messenger.status(request.header, 'busy');
    try {
      if (handler) await handler(request, channel, this.services);
      else this.services.log(`ignored unknown ${channel} message type ${JSON.stringify(msgType)}`);
    } catch (error) {
      this.services.log(`${msgType} failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      if (announceBusy) this.messenger.status(request.header, 'idle');
    }
    if (msgType === 'kernel_info_request' && !this.answeredKernelInfo) {
      this.answeredKernelInfo = true;
      this.options.afterFirstKernelInfo?.();
    }
  }
}
