import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History } from '../../../src/core/history';
import type { CellOutput, Completion, CompletenessVerdict, ExecuteOutcome, ExecuteRequest, Inspection, Interpreter, UserExpressionResult } from '../../../src/core/interpreter';
import { KernelCore } from '../../../src/core/kernel-core';
import { kernelInfoContent } from '../../../src/core/kernel-info';
import type { Channel, JsonObject, Message } from '../../../src/core/messages';

export interface Sent {
  channel: Channel;
  message: Message;
}

/** Records what the core sends; `drain` stands for the socket worker's hand-over round trip. */
export class FakeTransport {
  readonly sent: Sent[] = [];
  send(channel: Channel, message: Message): void {
    this.sent.push({ channel, message });
  }
  async drain(): Promise<void> {}
}

/** A cell script: how the fake interpreter runs one piece of code. */
export type CellScript = (output: CellOutput, request: ExecuteRequest) => Promise<ExecuteOutcome> | ExecuteOutcome;

/** An interpreter whose behaviour each test writes, by exact code text. */
export class FakeInterpreter implements Interpreter {
  readonly cells = new Map<string, CellScript>();
  readonly executed: { code: string; request: ExecuteRequest }[] = [];
  readonly shutdowns: boolean[] = [];
  interrupts = 0;
  completeCalls: [string, number][] = [];

  async execute(code: string, request: ExecuteRequest, output: CellOutput): Promise<ExecuteOutcome> {
    this.executed.push({ code, request });
    const script = this.cells.get(code);
    return script ? script(output, request) : { status: 'ok' };
  }
  async evaluateExpressions(expressions: Record<string, string>): Promise<Record<string, UserExpressionResult>> {
    return Object.fromEntries(
      Object.entries(expressions).map(([name, code]) => [name, { status: 'ok', data: { 'text/plain': `<${code}>` }, metadata: {} }]),
    );
  }
  async complete(code: string, cursorPos: number): Promise<Completion> {
    this.completeCalls.push([code, cursorPos]);
    return { matches: ['alpha'], cursorStart: cursorPos, cursorEnd: cursorPos, metadata: {} };
  }
  async inspect(code: string, cursorPos: number): Promise<Inspection> {
    return { found: true, data: { 'text/plain': `${code}@${cursorPos}` }, metadata: {} };
  }
  async isComplete(code: string): Promise<CompletenessVerdict> {
    return code.endsWith('{') ? { status: 'incomplete', indent: '  ' } : { status: 'complete' };
  }
  interrupt(): void {
    this.interrupts += 1;
  }
  async shutdown(restart: boolean): Promise<void> {
    this.shutdowns.push(restart);
  }
}

let counter = 0;

/** A client-side request, as the wire layer would decode it. */
export function request(msgType: string, content: JsonObject, metadata: JsonObject = {}): Message {
  counter += 1;
  return {
    identities: [Buffer.from(`client-${counter}`)],
    header: { msg_id: `req-${counter}`, session: 'client', username: 'test', date: new Date().toISOString(), msg_type: msgType, version: '5.3' },
    parent_header: {},
    metadata,
    content,
    buffers: [],
  };
}

export function tempHistoryFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'flowbook-history-')), 'history.jsonl');
}

export interface Harness {
  core: KernelCore;
  transport: FakeTransport;
  interpreter: FakeInterpreter;
  exits: boolean[];
  historyFile: string;
  /** Sends a request and waits until its idle status is published. */
  roundTrip(channel: Channel, message: Message): Promise<Sent[]>;
}

export function startHarness(options: { historyFile?: string; interpreter?: FakeInterpreter } = {}): Harness {
  const transport = new FakeTransport();
  const interpreter = options.interpreter ?? new FakeInterpreter();
  const historyFile = options.historyFile ?? tempHistoryFile();
  const exits: boolean[] = [];
  const core = new KernelCore({
    transport,
    interpreter,
    history: new History(historyFile),
    kernelInfo: kernelInfoContent({ implementationVersion: '0.0.0-test', typescriptVersion: '5.9.3' }),
    exit: (restart) => exits.push(restart),
    log: () => undefined,
  });
  const roundTrip = async (channel: Channel, message: Message): Promise<Sent[]> => {
    core.receive(channel, message);
    await idleOf(transport, message.header.msg_id);
    return transport.sent.filter((s) => (s.message.parent_header as { msg_id?: string }).msg_id === message.header.msg_id);
  };
  return { core, transport, interpreter, exits, historyFile, roundTrip };
}

export async function idleOf(transport: FakeTransport, msgId: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (transport.sent.some((s) => isStatus(s, 'idle') && parentId(s) === msgId)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no idle for ${msgId}`);
}

export function isStatus(sent: Sent, state: string): boolean {
  return sent.message.header.msg_type === 'status' && sent.message.content.execution_state === state;
}

export function parentId(sent: Sent): string | undefined {
  return (sent.message.parent_header as { msg_id?: string }).msg_id;
}

export function types(sent: Sent[]): string[] {
  return sent.map((s) => (s.message.header.msg_type === 'status' ? `status:${s.message.content.execution_state}` : s.message.header.msg_type));
}

export function replyOf(sent: Sent[]): Message {
  const reply = sent.find((s) => s.message.header.msg_type.endsWith('_reply'));
  if (!reply) throw new Error(`no reply among ${types(sent).join(', ')}`);
  return reply.message;
}
