import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import type { Channel, JsonObject, Message } from '../../../src/core/messages';
import { decodeFrames, encodeMessage } from '../../../src/wire/frames';
import { createSigner } from '../../../src/wire/signer';
import type { Signer } from '../../../src/wire/signer';

export const KERNEL_MAIN = join(__dirname, '..', '..', '..', 'dist', 'main.js');

/** Messages arriving on one socket, with waiters for the ones a test expects. */
class Inbox {
  private readonly messages: Message[] = [];
  private readonly waiters: (() => void)[] = [];

  push(message: Message): void {
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  all(): Message[] {
    return this.messages;
  }

  async take(match: (m: Message) => boolean, timeoutMs: number, what: string): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.messages.findIndex(match);
      if (at >= 0) return this.messages.splice(at, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface ExecuteResult {
  reply: Message;
  /** iopub messages with this request as parent, busy to idle included. */
  iopub: Message[];
}

/**
 * A Jupyter client for tests: starts the real kernel process on free ports with a fresh connection
 * file and talks to it over ZeroMQ, as jupyter_client would.
 */
export class KernelClient {
  readonly stderr: string[] = [];
  private readonly session = randomUUID();
  // As jupyter_client does, shell and stdin share one routing id: the kernel sends input_request to
  // the identity the execute_request came from.
  private readonly shell = new zmq.Dealer({ routingId: this.session });
  private readonly control = new zmq.Dealer({ routingId: `control-${this.session}` });
  private readonly stdin = new zmq.Dealer({ routingId: this.session });
  private readonly iopub = new zmq.Subscriber();
  private readonly inboxes: Record<'shell' | 'control' | 'stdin' | 'iopub', Inbox> = {
    shell: new Inbox(), control: new Inbox(), stdin: new Inbox(), iopub: new Inbox(),
  };
  private exited = false;

  private constructor(
    readonly process: ChildProcess,
    readonly ports: Record<'shell' | 'control' | 'stdin' | 'iopub' | 'hb', number>,
    readonly signer: Signer,
    readonly workDir: string,
  ) {
    process.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    process.on('exit', () => (this.exited = true));
  }

  get hasExited(): boolean {
    return this.exited;
  }

  static async start(options: { env?: NodeJS.ProcessEnv; kernelMain?: string } = {}): Promise<KernelClient> {
    const workDir = mkdtempSync(join(tmpdir(), 'flowbook-kernel-'));
    const [shell, control, stdin, iopub, hb] = await freePorts(5);
    const key = randomUUID();
    const connectionFile = join(workDir, 'connection.json');
    writeFileSync(connectionFile, JSON.stringify({
      shell_port: shell, control_port: control, stdin_port: stdin, iopub_port: iopub, hb_port: hb,
      ip: '127.0.0.1', transport: 'tcp', signature_scheme: 'hmac-sha256', key, kernel_name: 'flowbook',
    }));
    const child = spawn(process.execPath, [options.kernelMain ?? KERNEL_MAIN, connectionFile], {
      cwd: workDir,
      env: { ...process.env, FLOWBOOK_HISTORY_FILE: join(workDir, 'history.jsonl'), ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const client = new KernelClient(child, { shell, control, stdin, iopub, hb }, createSigner('hmac-sha256', key), workDir);
    await client.connect();
    return client;
  }

  private async connect(): Promise<void> {
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
    // As jupyter_client does: repeat kernel_info until a reply and its iopub status both arrive, which
    // also proves the iopub subscription is live.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (this.exited) throw new Error(`the kernel exited during start-up:\n${this.stderr.join('')}`);
      const id = this.send('shell', 'kernel_info_request', {});
      try {
        await this.reply('shell', id, 500);
        await this.inboxes.iopub.take((m) => parentId(m) === id && m.header.msg_type === 'status', 300, 'iopub status');
        await this.waitForIdle(id, 2000);
        return;
      } catch {
        // not up yet
      }
    }
    throw new Error(`the kernel never answered kernel_info:\n${this.stderr.join('')}`);
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, channel: 'shell' | 'control' | 'stdin' | 'iopub'): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decodeFrames(frames, this.signer);
        if (decoded.ok) this.inboxes[channel].push(decoded.message);
      }
    } catch {
      // socket closed
    }
  }

  /** Sends a request; `signer` lets a test forge the signature. Returns its msg_id. */
  send(channel: Exclude<Channel, 'iopub'>, msgType: string, content: JsonObject, signer: Signer = this.signer, parent: Message['parent_header'] = {}): string {
    const message: Message = {
      identities: [],
      header: { msg_id: randomUUID(), session: this.session, username: 'test', date: new Date().toISOString(), msg_type: msgType, version: '5.3' },
      parent_header: parent,
      metadata: {},
      content,
      buffers: [],
    };
    void this.socketOf(channel).send(encodeMessage(message, signer));
    return message.header.msg_id;
  }

  reply(channel: 'shell' | 'control' | 'stdin', msgId: string, timeoutMs = 10_000): Promise<Message> {
    return this.inboxes[channel].take((m) => parentId(m) === msgId, timeoutMs, `the ${channel} reply to ${msgId}`);
  }

  /** Waits for an input_request on stdin. */
  inputRequest(timeoutMs = 5000): Promise<Message> {
    return this.inboxes.stdin.take((m) => m.header.msg_type === 'input_request', timeoutMs, 'input_request');
  }

  /** Waits for (and takes) the idle status of a request. */
  waitForIdle(msgId: string, timeoutMs = 10_000): Promise<Message> {
    return this.inboxes.iopub.take((m) => parentId(m) === msgId && m.header.msg_type === 'status' && m.content.execution_state === 'idle', timeoutMs, `idle for ${msgId}`);
  }

  /** Every iopub message received so far with this parent (not consumed). */
  iopubFor(msgId: string): Message[] {
    return this.inboxes.iopub.all().filter((m) => parentId(m) === msgId);
  }

  async execute(code: string, content: JsonObject = {}, timeoutMs = 15_000): Promise<ExecuteResult> {
    const id = this.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...content });
    const reply = await this.reply('shell', id, timeoutMs);
    const idle = await this.waitForIdle(id, timeoutMs);
    return { reply, iopub: [...this.iopubFor(id), idle] };
  }

  /** A heartbeat round trip; resolves with its duration in ms. */
  async heartbeat(timeoutMs = 2000): Promise<number> {
    const socket = new zmq.Request({ receiveTimeout: timeoutMs, linger: 0 });
    socket.connect(`tcp://127.0.0.1:${this.ports.hb}`);
    try {
      const started = Date.now();
      await socket.send('ping');
      const [echo] = await socket.receive();
      if (echo.toString() !== 'ping') throw new Error(`heartbeat echoed ${echo.toString()}`);
      return Date.now() - started;
    } finally {
      socket.close();
    }
  }

  /** Asks the kernel to shut down on control, then makes sure the process is gone. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      this.send('control', 'shutdown_request', { restart: false });
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
  }

  private socketOf(channel: 'shell' | 'control' | 'stdin'): zmq.Dealer {
    return channel === 'shell' ? this.shell : channel === 'control' ? this.control : this.stdin;
  }
}

export function parentId(message: Message): string | undefined {
  return (message.parent_header as { msg_id?: string }).msg_id;
}

export function msgTypes(messages: Message[]): string[] {
  return messages.map((m) => (m.header.msg_type === 'status' ? `status:${m.content.execution_state}` : m.header.msg_type));
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
