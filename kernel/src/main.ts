/**
 * The kernel process: `node kernel/dist/main.js <connection_file>`. Composes the runtime, the protocol
 * core and the socket worker; nothing else lives here.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { History, defaultHistoryFile } from './core/history';
import type { Channel, Message } from './core/messages';
import { KernelCore } from './core/kernel-core';
import { kernelInfoContent } from './core/kernel-info';
import { isMagicCell } from '@flowbook/magics';
import type { CellMagics } from './runtime/cell-magic';
import type { FlowApi } from './runtime/flow-api';
import { FLOW_GLOBAL_TYPES } from './runtime/flow-api';
import type { FlowSession } from './runtime/flow-session';
import { lazyFlowSession, registerFlowComm } from './runtime/flow-comm';
import type { FlowSessionSource } from './runtime/flow-comm';
import { createTypeScriptInterpreter } from './runtime/interpreter';
import { readConnectionFile } from './wire/connection';
import { WireTransport } from './wire/wire-transport';

export async function runKernel(connectionFile: string): Promise<void> {
  const connection = readConnectionFile(connectionFile);
  // Read versions from package manifests, not by loading TypeScript: kernel_info must not wait on it.
  const kernelInfo = kernelInfoContent({
    implementationVersion: packageVersion(join(__dirname, '..', 'package.json')),
    typescriptVersion: packageVersion(require.resolve('typescript/package.json')),
  });
  const notebookDir = process.cwd();
  const flowSession = deferredFlowSession(notebookDir);
  const interpreter = createTypeScriptInterpreter({
    notebookDir,
    magics: flowSession.magics,
    globals: flowSession.globals,
    globalTypes: flowSession.globalTypes,
  });
  process.on('SIGINT', () => interpreter.interrupt());

  const session = randomUUID();
  // Requests that arrive between the sockets' bind and the core's creation wait here.
  const early: [Channel, Message][] = [];
  let core: KernelCore | undefined;
  const transport = await WireTransport.start(
    { connection, session, kernelInfo, interruptFlag: interpreter.interruptFlag },
    {
      receive: (channel, message) => (core ? core.receive(channel, message) : early.push([channel, message])),
      shutdown: (restart) => void core?.shutdown(restart),
      interrupt: () => interpreter.interrupt(),
    },
  );
  core = new KernelCore({
    transport,
    interpreter,
    history: new History(defaultHistoryFile()),
    kernelInfo,
    session,
    exit: () => void transport.close().then(() => process.exit(0)),
    // Loading TypeScript blocks this thread for a while: only after the client has its first answer.
    afterFirstKernelInfo: () => setImmediate(() => void interpreter.warmUp()),
  });
  registerFlowComm(core.comms, flowSession.source);
  for (const [channel, message] of early.splice(0)) core.receive(channel, message);
  // Jupyter sends SIGTERM to a kernel that did not exit after shutdown_request (and a system may at
  // any time): shut down as for the request, so training jobs and their TensorBoards end with it.
  const terminating = core;
  process.once('SIGTERM', () => {
    setTimeout(() => process.exit(0), SIGTERM_GRACE_MS).unref();
    void terminating.shutdown(false);
  });
}

const SIGTERM_GRACE_MS = 5000;


/**
 * The flow session as the interpreter needs it, loaded on first use: the flow engine brings DuckDB,
 * Arrow and tfjs (over a second of start-up), which a kernel that only runs TypeScript never needs.
 */
function deferredFlowSession(notebookDir: string): { magics: CellMagics; globals: { flow: FlowApi }; globalTypes: string; source: FlowSessionSource } {
  const source = lazyFlowSession(() => {
    const { createFlowSession } = require('./runtime/flow-session') as typeof import('./runtime/flow-session');
    return createFlowSession({ notebookDir });
  });
  const load = (): FlowSession => source.load();
  const flow = new Proxy({} as FlowApi, {
    get: (_target, key) => {
      const api = load().globals.flow;
      const value: unknown = Reflect.get(api, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(api) : value;
    },
    has: (_target, key) => Reflect.has(load().globals.flow, key),
    ownKeys: () => Reflect.ownKeys(load().globals.flow),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load().globals.flow, key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  return {
    magics: { handles: (code) => isMagicCell(code), run: (code, cell) => load().magics.run(code, cell) },
    globals: { flow },
    globalTypes: FLOW_GLOBAL_TYPES,
    source,
  };
}

function packageVersion(manifest: string): string {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The runtime reports cell errors itself; these hooks only keep a stray one from ending the kernel. */
function keepAliveOnStrayErrors(): void {
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`[flowbook] unhandled rejection outside any cell: ${describe(reason)}\n`);
  });
  process.on('uncaughtException', (error) => {
    process.stderr.write(`[flowbook] uncaught exception outside any cell: ${describe(error)}\n`);
  });
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}

if (require.main === module) {
  const connectionFile = process.argv[2];
  if (!connectionFile) {
    process.stderr.write('usage: node kernel/dist/main.js <connection_file>\n');
    process.exit(2);
  }
  keepAliveOnStrayErrors();
  runKernel(connectionFile).catch((error: unknown) => {
    process.stderr.write(`[flowbook] the kernel could not start: ${describe(error)}\n`);
    process.exit(1);
  });
}
