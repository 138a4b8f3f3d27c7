import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import type { Channel, JsonObject, Message } from '../core/messages';
import { PROTOCOL_VERSION } from '../core/messages';
import { decodeFrames, encodeMessage } from '../wire/frames';
import { createSigner } from '../wire/signer';
import type { Signer } from '../wire/signer';
import { Inbox, parentId } from './inbox';
import { launchKernel } from './launch-kernel';
import type { LaunchedKernel, LaunchOptions } from './launch-kernel';

type RequestChannel = Exclude<Channel, 'iopub'>;

export interface ExecuteOptions {
  /** Extra execute_request content (silent, store_history, stop_on_error, …). */
  content?: JsonObject;
  /** execute_request metadata; JupyterLab sends `{ cellId }`. */
  metadata?: JsonObject;
  /** Told the request's msg_id as soon as it is sent, before any message about it can arrive. */
  onSent?: (msgId: string) => void;
  timeoutMs?: number;
}

export interface ExecuteResult {
  reply: Message;
  /** iopub messages with this request as parent, from busy to idle. */
  iopub: Message[];
}

/**
 * A Jupyter client over ZeroMQ for a kernel this process launched: the same protocol path Jupyter's
 * own clients take. Used by `flowbook run` and by the tests.
 */
export class KernelClient {
  private readonly session = randomUUID();
  // As jupyter_client does, shell and stdin share one routing id: the kernel sends input_request to
  // the identity the execute_request came from.
  private readonly shell = new zmq.Dealer({ routingId: this.session, linger: 0 });
  private readonly control = new zmq.Dealer({ routingId: `control-${this.session}`, linger: 0 });
  private readonly stdin = new zmq.Dealer({ routingId: this.session, linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  readonly inboxes: Record<Channel, Inbox> = { shell: new Inbox(), control: new Inbox(), stdin: new Inbox(), iopub: new Inbox() };
  readonly signer: Signer;

  private constructor(readonly kernel: LaunchedKernel) {
    this.signer = createSigner('hmac-sha256', kernel.key);
  }

  /** Launches a kernel and waits until it answers kernel_info with its iopub live. */
  static async start(options: LaunchOptions, startTimeoutMs = 30_000): Promise<KernelClient> {
    const client = new KernelClient(await launchKernel(options));
    try {
      await client.connect(startTimeoutMs);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  get ports() {
    return this.kernel.ports;
  }

  private async connect(timeoutMs: number): Promise<void> {
    const url = (port: number) => `tcp://127.0.0.1:${port}`;
    this.shell.connect(url(this.ports.shell));
    this.control.connect(url(this.ports.control));
    this.stdin.connect(url(this.ports.stdin));
    this.iopub.connect(url(this.ports.iopub));
    this.iopub.subscribe();
    void this.pump(this.shell, 'shell');
    void this.pump(this.control, 'control');
    void this.pump(this.stdin, 'stdin');
    void this.pump(this.iopub, 'iopub');
    // As jupyter_client does: repeat kernel_info until both the reply and its iopub status arrive,
    // which also proves the iopub subscription is live (a PUB drops what it sends before that).
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.kernel.hasExited()) throw new Error(`the kernel exited during start-up:\n${this.kernel.stderr.join('')}`);
      const id = this.send('shell', 'kernel_info_request', {});
      try {
        await this.reply('shell', id, 500);
        await this.waitForIdle(id, 1000);
        return;
      } catch {
        // not up yet
      }
    }
    throw new Error(`the kernel did not answer kernel_info within ${timeoutMs} ms:\n${this.kernel.stderr.join('')}`);
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, channel: Channel): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decodeFrames(frames, this.signer);
        if (decoded.ok) this.inboxes[channel].push(decoded.message);
      }
    } catch {
      // the socket was closed
    }
  }

  /** Sends a request and returns its msg_id; `signer` lets a test forge a signature. */
  send(channel: RequestChannel, msgType: string, content: JsonObject, options: { metadata?: JsonObject; signer?: Signer; parent?: Message['parent_header'] } = {}): string {
    const message: Message = {
      identities: [],
      header: { msg_id: randomUUID(), session: this.session, username: 'flowbook', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
      parent_header: options.parent ?? {},
      metadata: options.metadata ?? {},
      content,
      buffers: [],
    };
    const socket = channel === 'shell' ? this.shell : channel === 'control' ? this.control : this.stdin;
    void socket.send(encodeMessage(message, options.signer ?? this.signer));
    return message.header.msg_id;
  }

  reply(channel: RequestChannel, msgId: string, timeoutMs = 10_000): Promise<Message> {
    return this.inboxes[channel].take((m) => parentId(m) === msgId, timeoutMs, `the ${channel} reply to ${msgId}`);
  }

  waitForIdle(msgId: string, timeoutMs = 10_000): Promise<Message> {
    return this.inboxes.iopub.take(
      (m) => parentId(m) === msgId && m.header.msg_type === 'status' && m.content.execution_state === 'idle',
      timeoutMs,
      `idle for ${msgId}`,
    );
  }

  /** Every iopub message received so far with this parent (not consumed). */
  iopubFor(msgId: string): Message[] {
    return this.inboxes.iopub.all().filter((m) => parentId(m) === msgId);
  }

  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const id = this.send('shell', 'execute_request', {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true,
      ...options.content,
    }, { metadata: options.metadata });
    options.onSent?.(id);
    const reply = await this.reply('shell', id, timeoutMs);
    const idle = await this.waitForIdle(id, timeoutMs);
    const iopub = [...this.iopubFor(id), idle];
    this.inboxes.iopub.discard((m) => parentId(m) === id);
    return { reply, iopub };
  }

  /** interrupt_request on control, as `interrupt_mode: "message"` promises. */
  async interrupt(timeoutMs = 5000): Promise<Message> {
    return this.reply('control', this.send('control', 'interrupt_request', {}), timeoutMs);
  }

  /** Asks the kernel to shut down, makes sure the process is gone, and closes the sockets. */
  async close(graceMs = 5000): Promise<void> {
    if (!this.kernel.hasExited()) {
      this.send('control', 'shutdown_request', { restart: false });
      const timer = setTimeout(() => this.kernel.process.kill('SIGKILL'), graceMs);
      await this.kernel.exited;
      clearTimeout(timer);
    }
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
    this.kernel.cleanup();
  }
}
