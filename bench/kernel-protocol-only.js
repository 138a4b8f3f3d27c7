#!/usr/bin/env node
// Flowbook's wire and core layers with an interpreter that runs nothing: what kernel-latency.py
// reports as "protocol path", i.e. the kernel's cost without the TypeScript runtime's.
'use strict';
const { randomUUID } = require('node:crypto');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const dist = join(__dirname, '..', 'kernel', 'dist');
const { History } = require(join(dist, 'core', 'history'));
const { KernelCore } = require(join(dist, 'core', 'kernel-core'));
const { kernelInfoContent } = require(join(dist, 'core', 'kernel-info'));
const { readConnectionFile } = require(join(dist, 'wire', 'connection'));
const { WireTransport } = require(join(dist, 'wire', 'wire-transport'));

const runsNothing = {
  async execute() { return { status: 'ok' }; },
  async evaluateExpressions() { return {}; },
  async complete(_code, cursorPos) { return { matches: [], cursorStart: cursorPos, cursorEnd: cursorPos, metadata: {} }; },
  async inspect() { return { found: false, data: {}, metadata: {} }; },
  async isComplete() { return { status: 'unknown' }; },
  interrupt() {},
  async shutdown() {},
};

(async () => {
  const kernelInfo = kernelInfoContent({ implementationVersion: 'protocol-only', typescriptVersion: 'none' });
  const session = randomUUID();
  let core;
  const transport = await WireTransport.start(
    { connection: readConnectionFile(process.argv[2]), session, kernelInfo, interruptFlag: new Int32Array(new SharedArrayBuffer(4)) },
    { receive: (channel, message) => core.receive(channel, message), shutdown: (restart) => core.shutdown(restart), interrupt: () => undefined },
  );
  core = new KernelCore({
    transport,
    interpreter: runsNothing,
    history: new History(process.env.FLOWBOOK_HISTORY_FILE || join(tmpdir(), 'flowbook-bench-history.jsonl')),
    kernelInfo,
    session,
    exit: () => void transport.close().then(() => process.exit(0)),
  });
})();
