import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { KernelClient } from '../../../src/client/kernel-client';
import type { KernelPorts } from '../../../src/client/launch-kernel';
import type { Message } from '../../../src/core/messages';

/**
 * The real kernel (kernel/dist/main.js) through the real client `flowbook run` uses, in a fresh
 * notebook folder of its own (under the system's temporary folder) with its own history file.
 */
export function startTestKernel(env: NodeJS.ProcessEnv = {}): Promise<KernelClient> {
  const notebookDir = mkdtempSync(join(tmpdir(), 'flowbook-notebook-'));
  return KernelClient.start({ cwd: notebookDir, env: { FLOWBOOK_HISTORY_FILE: join(notebookDir, 'history.jsonl'), ...env } });
}

/** A heartbeat round trip, as jupyter_client's restarter makes it; resolves with its duration in ms. */
export async function heartbeat(ports: KernelPorts, timeoutMs = 2000): Promise<number> {
  const socket = new zmq.Request({ receiveTimeout: timeoutMs, linger: 0 });
  socket.connect(`tcp://127.0.0.1:${ports.hb}`);
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

/** Waits for (and takes) the next input_request the kernel sends on stdin. */
export function inputRequest(client: KernelClient, timeoutMs = 5000): Promise<Message> {
  return client.inboxes.stdin.take((m) => m.header.msg_type === 'input_request', timeoutMs, 'input_request');
}

/** Message types in order, statuses spelled `status:busy` / `status:idle`. */
export function msgTypes(messages: Message[]): string[] {
  return messages.map((m) => (m.header.msg_type === 'status' ? `status:${m.content.execution_state}` : m.header.msg_type));
}
