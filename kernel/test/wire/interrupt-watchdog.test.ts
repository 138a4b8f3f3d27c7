import type { Channel, JsonObject, Message, MessageHeader } from '../../src/core/messages';
import { Messenger } from '../../src/core/messenger';
import { INTERRUPT_FAILED, InterruptWatchdog, answerUninterruptible, interruptGraceMs } from '../../src/wire/interrupt-watchdog';

function header(msgType: string, msgId = `${msgType}-id`): MessageHeader {
  return { msg_id: msgId, session: 's', username: 'u', date: '', msg_type: msgType, version: '5.3' };
}

function message(msgType: string, content: JsonObject = {}, parent: MessageHeader | Record<string, never> = {}): Message {
  return { identities: [Buffer.from('client')], header: header(msgType), parent_header: parent, metadata: {}, content, buffers: [] };
}

/** The core's messages for one execute, as they pass through the socket worker. */
function started(watchdog: InterruptWatchdog, request: Message, executionCount: number): void {
  watchdog.received('shell', request);
  watchdog.sent('iopub', message('status', { execution_state: 'busy' }, request.header));
  watchdog.sent('iopub', message('execute_input', { execution_count: executionCount }, request.header));
}

describe('InterruptWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const request = message('execute_request', { code: 'spin()' });

  it('gives up on an interrupted execute that does not answer within the grace period, with its count', () => {
    const giveUp = jest.fn();
    const watchdog = new InterruptWatchdog(1000, giveUp);
    started(watchdog, request, 7);
    watchdog.interrupted();
    jest.advanceTimersByTime(999);
    watchdog.interrupted(); // a second click does not extend the grace period
    expect(giveUp).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(giveUp).toHaveBeenCalledWith(request, 7);
    expect(watchdog.fired).toBe(true);
  });

  it('stands down when the execute_reply passes in time', () => {
    const giveUp = jest.fn();
    const watchdog = new InterruptWatchdog(1000, giveUp);
    started(watchdog, request, 1);
    watchdog.interrupted();
    watchdog.sent('shell', message('execute_reply', { status: 'error', execution_count: 1 }, request.header));
    jest.advanceTimersByTime(5000);
    expect(giveUp).not.toHaveBeenCalled();
    expect(watchdog.fired).toBe(false);
  });

  it('does nothing for an interrupt while no execute runs, or without an interrupt', () => {
    const giveUp = jest.fn();
    const watchdog = new InterruptWatchdog(1000, giveUp);
    watchdog.interrupted();
    started(watchdog, request, 1);
    jest.advanceTimersByTime(5000);
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('a silent execute (no execute_input) gets the count of the last reply', () => {
    const giveUp = jest.fn();
    const watchdog = new InterruptWatchdog(10, giveUp);
    const first = { ...message('execute_request'), header: header('execute_request', 'first') };
    started(watchdog, first, 3);
    watchdog.sent('shell', message('execute_reply', { execution_count: 3 }, first.header));
    const silent = { ...message('execute_request', { silent: true }), header: header('execute_request', 'silent') };
    watchdog.received('shell', silent);
    watchdog.sent('iopub', message('status', { execution_state: 'busy' }, silent.header));
    watchdog.interrupted();
    jest.advanceTimersByTime(10);
    expect(giveUp).toHaveBeenCalledWith(silent, 3);
  });
});

describe('answerUninterruptible', () => {
  it('sends the error, an error execute_reply to the request and idle, as the core would', () => {
    const sent: [Channel, Message][] = [];
    const messenger = new Messenger({ send: (channel, m) => void sent.push([channel, m]) }, 'session');
    const request = message('execute_request', { code: 'x' });
    answerUninterruptible(messenger, request, 4);
    expect(sent.map(([channel, m]) => `${channel}:${m.header.msg_type}`)).toEqual(['iopub:error', 'shell:execute_reply', 'iopub:status']);
    expect(sent.every(([, m]) => m.parent_header === request.header)).toBe(true);
    expect(sent[1][1].identities).toEqual(request.identities);
    expect(sent[1][1].content).toMatchObject({ status: 'error', execution_count: 4, ...INTERRUPT_FAILED });
    expect(sent[2][1].content).toEqual({ execution_state: 'idle' });
  });
});

describe('interruptGraceMs', () => {
  it('reads FLOWBOOK_INTERRUPT_GRACE_MS, and keeps 5 s when it is unset or not a number', () => {
    expect(interruptGraceMs({ FLOWBOOK_INTERRUPT_GRACE_MS: '1000' })).toBe(1000);
    expect(interruptGraceMs({})).toBe(5000);
    expect(interruptGraceMs({ FLOWBOOK_INTERRUPT_GRACE_MS: '' })).toBe(5000);
    expect(interruptGraceMs({ FLOWBOOK_INTERRUPT_GRACE_MS: 'soon' })).toBe(5000);
  });
});
