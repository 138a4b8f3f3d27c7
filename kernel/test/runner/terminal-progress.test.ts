import type { Message } from '../../src/core/messages';
import { TerminalProgress } from '../../src/runner/terminal-progress';

function display(msgType: string, text: string): Message {
  return {
    identities: [], header: { msg_id: 'm', session: 's', username: 'u', date: '', msg_type: msgType, version: '5.3' },
    parent_header: {}, metadata: {}, buffers: [],
    content: { data: { 'application/vnd.flowbook.training+json': {}, 'text/plain': text }, metadata: {}, transient: { display_id: 'j' } },
  };
}

function stream(text: string): Message {
  return {
    identities: [], header: { msg_id: 'm', session: 's', username: 'u', date: '', msg_type: 'stream', version: '5.3' },
    parent_header: {}, metadata: {}, buffers: [], content: { name: 'stdout', text },
  };
}

describe('showing a run in the terminal', () => {
  it('rewrites one progress line in a TTY and ends it before the next output', () => {
    let screen = '';
    const progress = new TerminalProgress({ write: (t) => (screen += t), tty: true });
    progress.handle({ type: 'cell-started', cellNumber: 4, position: 2, total: 3, firstLine: '%%dnn_regressor mpg' });
    progress.handle({ type: 'message', cellNumber: 4, message: display('display_data', 'epoch 1/50') });
    progress.handle({ type: 'message', cellNumber: 4, message: display('update_display_data', 'epoch 2/50') });
    progress.handle({ type: 'cell-finished', cellNumber: 4, status: 'ok', seconds: 1.25, outputs: [] });
    expect(screen).toBe('[2/3] cell 4: %%dnn_regressor mpg\n\r\x1b[2K    epoch 1/50\r\x1b[2K    epoch 2/50\n    done in 1.3 s\n');
  });

  it('writes throttled progress lines to a log, and the last state at the end', () => {
    let screen = '';
    let clock = 0;
    const progress = new TerminalProgress({ write: (t) => (screen += t), tty: false }, () => clock);
    clock = 5000;
    progress.handle({ type: 'message', cellNumber: 1, message: display('display_data', 'epoch 1/50') });
    clock = 5100;
    progress.handle({ type: 'message', cellNumber: 1, message: display('update_display_data', 'epoch 2/50') });
    progress.handle({ type: 'cell-finished', cellNumber: 1, status: 'error', seconds: 2, outputs: [] });
    expect(screen).toBe('    epoch 1/50\n    epoch 2/50\n    FAILED in 2.0 s\n');
  });

  it('does not repeat in a log the progress state it has just written', () => {
    let screen = '';
    let clock = 5000;
    const progress = new TerminalProgress({ write: (t) => (screen += t), tty: false }, () => clock);
    progress.handle({ type: 'message', cellNumber: 1, message: display('display_data', 'epoch 0/50') });
    progress.handle({ type: 'message', cellNumber: 1, message: stream('backend: wasm\n') });
    clock = 9000;
    progress.handle({ type: 'message', cellNumber: 1, message: display('update_display_data', 'completed, epoch 50/50') });
    progress.handle({ type: 'cell-finished', cellNumber: 1, status: 'ok', seconds: 4, outputs: [] });
    expect(screen).toBe('    epoch 0/50\n    backend: wasm\n    completed, epoch 50/50\n    done in 4.0 s\n');
  });
});

describe('showing late output', () => {
  it('names the cell on each line a finished cell sends while another runs, and keeps it out of progress', () => {
    let screen = '';
    const progress = new TerminalProgress({ write: (t) => (screen += t), tty: true });
    progress.handle({ type: 'cell-started', cellNumber: 3, position: 2, total: 2, firstLine: '%%dnn_regressor mpg' });
    progress.handle({ type: 'message', cellNumber: 3, message: display('display_data', 'epoch 1/50') });
    progress.handle({ type: 'message', cellNumber: 1, message: stream('tick 1\ntick 2\n'), late: true });
    progress.handle({ type: 'message', cellNumber: 1, message: display('update_display_data', 'epoch 9/9'), late: true });
    progress.handle({ type: 'cell-finished', cellNumber: 3, status: 'ok', seconds: 1, outputs: [] });
    expect(screen).toBe('[2/2] cell 3: %%dnn_regressor mpg\n\r\x1b[2K    epoch 1/50\n' +
      '    [cell 1, late] tick 1\n    [cell 1, late] tick 2\n    done in 1.0 s\n');
  });
});

describe('showing node displays', () => {
  it('prints a display that is updated in place once, in its final state, when the cell ends', () => {
    let screen = '';
    const progress = new TerminalProgress({ write: (t) => (screen += t), tty: false });
    const node = (msgType: string, text: string): Message => ({
      identities: [], header: { msg_id: 'm', session: 's', username: 'u', date: '', msg_type: msgType, version: '5.3' },
      parent_header: {}, metadata: {}, buffers: [],
      content: { data: { 'text/plain': text }, metadata: {}, transient: { display_id: 'node-cars' } },
    });
    progress.handle({ type: 'message', cellNumber: 2, message: node('display_data', 'cars: running') });
    progress.handle({ type: 'message', cellNumber: 2, message: node('update_display_data', 'cars: done, 406 rows') });
    progress.handle({ type: 'cell-finished', cellNumber: 2, status: 'ok', seconds: 0.3, outputs: [] });
    expect(screen).toBe('    cars: done, 406 rows\n    done in 0.3 s\n');
  });
});
