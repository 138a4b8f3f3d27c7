import type { CommManager } from './comms';
import type { History } from './history';
import type { Interpreter } from './interpreter';
import type { Channel, JsonObject, Message } from './messages';
import type { Messenger } from './messenger';
import type { StdinBroker } from './stdin';

/** What a request handler may use; services are objects passed in, so tests can swap them. */
export interface KernelServices {
  readonly messenger: Messenger;
  readonly interpreter: Interpreter;
  readonly history: History;
  readonly comms: CommManager;
  readonly stdin: StdinBroker;
  readonly kernelInfo: JsonObject;
  readonly executions: ExecutionCounter;
  /**
   * Marks every execute request received so far (the transport drained first) to be answered
   * `aborted` (stop_on_error after an error). Call it before the error reply goes out: a request sent
   * after the client saw that reply must run.
   */
  abortQueuedExecutions(): Promise<void>;
  /** Frees the interpreter's resources, then ends the kernel process (or the test's stand-in). */
  shutdown(restart: boolean): Promise<void>;
  log(line: string): void;
}

export interface ExecutionCounter {
  /** The count of the last execution stored in history; 0 before the first. */
  count: number;
}

/** Handles one request; the core publishes busy before and idle after it. */
export type Handler = (request: Message, channel: Channel, kernel: KernelServices) => Promise<void>;
