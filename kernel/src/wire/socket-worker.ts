/**
 * The kernel's sockets, in a worker thread of their own: heartbeat, control's kernel_info, interrupt and
 * shutdown keep answering while user code blocks the main thread (`while (true) {}`). Everything else
 * is decoded, verified and passed to the main thread; what the main thread sends is signed here.
 * An interrupted cell that never stops (no interrupt point) is answered from here, and the process
 * ends so that Jupyter restarts it (see InterruptWatchdog). When the process that started the kernel
 * dies (jupyter_client's, killed), the kernel shuts down as for shutdown_request (see watchParent).
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import type { Channel, Message } from '../core/messages';
import { Messenger } from '../core/messenger';
import { endpoint } from './connection';
import type { SocketName } from './connection';
import { decodeFrames, encodeMessage } from './frames';
import { SerialSender } from '../zmq/serial-sender';
import { createSigner } from './signer';
import { InterruptWatchdog, answerUninterruptible, interruptGraceMs } from './interrupt-watchdog';
import { watchParent } from './parent-watcher';
import type { FromSocketWorker, SocketWorkerData, ToSocketWorker } from './worker-protocol';

/** How long the main thread gets to shut down before the process is ended hard (a stuck sync loop). */
const SHUTDOWN_GRACE_MS = 3000;
/** How long a closing socket may keep trying to deliver its last frames (shutdown_reply, idle). */
const CLOSE_LINGER_MS = 500;
/** How long the main thread has to take an interrupt message before it gets a SIGINT. */
const SIGNAL_AFTER_MS = 150;

const port = parentPort!;
const { connection, session, kernelInfo, interruptFlag } = workerData as SocketWorkerData;
const signer = createSigner(connection.signatureScheme, connection.key);
// Straight to fd 2: a worker's process.stderr goes through the main thread, which may be the one stuck.
const log = (line: string): void => void writeSync(2, `[flowbook] ${line}\n`);
const post = (message: FromSocketWorker): void => port.postMessage(message);

const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const iopub = new zmq.Publisher();
const heartbeat = new zmq.Reply();

const senders: Record<Channel, SerialSender> = {
  shell: new SerialSender(shell, (e) => log(`shell send failed: ${e.message}`)),
  control: new SerialSender(control, (e) => log(`control send failed: ${e.message}`)),
  stdin: new SerialSender(stdin, (e) => log(`stdin send failed: ${e.message}`)),
  iopub: new SerialSender(iopub, (e) => log(`iopub send failed: ${e.message}`)),
};

function send(channel: Channel, message: Message): Promise<void> {
  return senders[channel].send(encodeMessage(message, signer));
}

const messenger = new Messenger({ send: (channel, message) => void send(channel, message) }, session);

const watchdog = new InterruptWatchdog(interruptGraceMs(), (request, executionCount) => {
  log('an interrupted cell did not stop within the grace period (no interrupt point); ending the process for a restart');
  answerUninterruptible(messenger, request, executionCount);
  // Closing flushes the answers; the linger gives ZeroMQ time to put them on the wire before the kill.
  void close().then(() => setTimeout(() => endProcess('ending the process after a failed interrupt'), CLOSE_LINGER_MS));
});

/**
 * Ends the whole process, whatever the main thread is doing: from this thread process.exit would end
 * only the thread. Jupyter's restarter sees the kernel die and starts a new one.
 */
function endProcess(reason: string): void {
  log(reason);
  process.kill(process.pid, 'SIGKILL');
}

async function receive(socket: zmq.Router, channel: Channel): Promise<void> {
  for await (const frames of socket) {
    const decoded = decodeFrames(frames, signer);
    if (!decoded.ok) {
      log(`dropped a ${channel} message: ${decoded.reason}`);
      continue;
    }
    if (channel === 'control' && answerOnControl(decoded.message)) continue;
    watchdog.received(channel, decoded.message);
    post({ kind: 'received', channel, message: decoded.message });
  }
}

/** The control requests this thread answers itself; returns false for those the core handles. */
function answerOnControl(request: Message): boolean {
  switch (request.header.msg_type) {
    case 'kernel_info_request':
      aroundBusy(request, () => messenger.reply('control', request, 'kernel_info_reply', kernelInfo));
      return true;
    case 'interrupt_request':
      aroundBusy(request, () => messenger.reply('control', request, 'interrupt_reply', { status: 'ok' }));
      interrupt();
      return true;
    case 'shutdown_request': {
      const restart = request.content.restart === true;
      aroundBusy(request, () => messenger.reply('control', request, 'shutdown_reply', { status: 'ok', restart }));
      shutDown(restart);
      return true;
    }
    default:
      return false;
  }
}

let shuttingDown = false;

/**
 * Has the main thread shut down (jobs end, then the process exits) once the replies sent so far are
 * out; a main thread that has not done so within the grace period is stuck, and the process is ended.
 */
function shutDown(restart: boolean): void {
  if (shuttingDown) return;
  shuttingDown = true;
  stopWatchingParent();
  // A cell spinning in a loop would keep the main thread from ever shutting down: stop it first.
  Atomics.store(interruptFlag, 0, 1);
  void Promise.all([senders.control.flushed(), senders.iopub.flushed()]).then(() => post({ kind: 'shutdown', restart }));
  setTimeout(() => endProcess(`the main thread did not shut down within ${SHUTDOWN_GRACE_MS} ms; ending the process`), SHUTDOWN_GRACE_MS);
}

let stopWatchingParent = (): void => undefined;

function aroundBusy(request: Message, answer: () => void): void {
  messenger.status(request.header, 'busy');
  answer();
  messenger.status(request.header, 'idle');
}

let unhandledInterrupt: NodeJS.Timeout | undefined;

/**
 * The flag stops the runtime's loops; the message reaches a main thread that is free (a pending
 * await). Only a main thread that does not answer in time (stuck in code the flag cannot reach) gets
 * the SIGINT: a signal that arrives late would interrupt the next cell instead.
 */
function interrupt(): void {
  Atomics.store(interruptFlag, 0, 1);
  post({ kind: 'interrupt' });
  clearTimeout(unhandledInterrupt);
  unhandledInterrupt = setTimeout(() => process.kill(process.pid, 'SIGINT'), SIGNAL_AFTER_MS);
  watchdog.interrupted();
}

async function echoHeartbeat(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

port.on('message', (message: ToSocketWorker) => {
  switch (message.kind) {
    case 'send':
      if (watchdog.fired) return;
      watchdog.sent(message.channel, message.message);
      void send(message.channel, message.message);
      return;
    case 'drain':
      // Frames the sockets already hold are read on the next turns of this loop; answer after them.
      setImmediate(() => setImmediate(() => post({ kind: 'drained', token: message.token })));
      return;
    case 'interrupt-handled':
      clearTimeout(unhandledInterrupt);
      return;
    case 'close':
      void close().then(() => post({ kind: 'closed', token: message.token }));
      return;
  }
});

let closing = false;

/** Sends what is queued, then closes every socket, so the process can exit without ZeroMQ aborting. */
async function close(): Promise<void> {
  closing = true;
  await Promise.all(Object.values(senders).map((sender) => sender.flushed()));
  for (const socket of [shell, control, stdin, iopub, heartbeat]) {
    socket.linger = CLOSE_LINGER_MS;
    socket.close();
  }
}

async function start(): Promise<void> {
  const sockets: [SocketName, zmq.Socket & { bind(address: string): Promise<void> }][] = [
    ['shell', shell],
    ['control', control],
    ['stdin', stdin],
    ['iopub', iopub],
    ['hb', heartbeat],
  ];
  await Promise.all(sockets.map(([name, socket]) => socket.bind(endpoint(connection, name))));
  post({ kind: 'ready' });
  // As ipykernel's parent poller: a kernel whose client process died (kill -9) has no one left to shut
  // it down, and would run (a `while (true) {}` at full CPU, a training job) until the machine restarts.
  // Started after the ready: only then does the main thread have a core to take the shutdown.
  stopWatchingParent = watchParent((reason) => {
    log(`${reason}; shutting down`);
    shutDown(false);
  });
  await Promise.all([receive(shell, 'shell'), receive(control, 'control'), receive(stdin, 'stdin'), echoHeartbeat()]);
}

start().catch((error: Error) => {
  if (closing) return;
  log(`sockets failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
