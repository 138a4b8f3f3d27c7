import { History, defaultHistoryFile, globToRegExp } from '../../src/core/history';
import { replyOf, request, startHarness, tempHistoryFile } from './support/fake-kernel';

describe('history', () => {
  it('tail returns the last n cells as [session, line, source], or with output as [session, line, [source, output]]', async () => {
    const kernel = startHarness();
    kernel.interpreter.cells.set('1 + 1', () => ({ status: 'ok', result: { data: { 'text/plain': '2' }, metadata: {} } }));
    for (const code of ['let a = 1', '1 + 1', 'a']) await kernel.roundTrip('shell', request('execute_request', { code }));
    const tail = await kernel.roundTrip('shell', request('history_request', { hist_access_type: 'tail', n: 2, output: false, raw: true }));
    expect(replyOf(tail).content).toEqual({ status: 'ok', history: [[1, 2, '1 + 1'], [1, 3, 'a']] });
    const withOutput = await kernel.roundTrip('shell', request('history_request', { hist_access_type: 'tail', n: 2, output: true, raw: true }));
    expect(replyOf(withOutput).content.history).toEqual([[1, 2, ['1 + 1', '2']], [1, 3, ['a', null]]]);
  });

  it('does not record silent or store_history:false cells', async () => {
    const kernel = startHarness();
    await kernel.roundTrip('shell', request('execute_request', { code: 'hidden', silent: true }));
    await kernel.roundTrip('shell', request('execute_request', { code: 'unstored', store_history: false }));
    await kernel.roundTrip('shell', request('execute_request', { code: 'kept' }));
    const tail = await kernel.roundTrip('shell', request('history_request', { hist_access_type: 'tail', n: 10 }));
    expect(replyOf(tail).content.history).toEqual([[1, 1, 'kept']]);
  });

  it('is kept across a restart: the next process is session 2 and still finds session 1 by range', async () => {
    const file = tempHistoryFile();
    const first = startHarness({ historyFile: file });
    await first.roundTrip('shell', request('execute_request', { code: 'var state = { n: 1 }' }));
    await first.roundTrip('shell', request('execute_request', { code: 'state.n' }));

    const second = startHarness({ historyFile: file });
    await second.roundTrip('shell', request('execute_request', { code: 'after restart' }));
    const tail = await second.roundTrip('shell', request('history_request', { hist_access_type: 'tail', n: 3 }));
    expect(replyOf(tail).content.history).toEqual([[1, 1, 'var state = { n: 1 }'], [1, 2, 'state.n'], [2, 1, 'after restart']]);
    const previous = await second.roundTrip('shell', request('history_request', { hist_access_type: 'range', session: -1, start: 2, stop: 3 }));
    expect(replyOf(previous).content.history).toEqual([[1, 2, 'state.n']]);
    const current = await second.roundTrip('shell', request('history_request', { hist_access_type: 'range', session: 0, start: 1 }));
    expect(replyOf(current).content.history).toEqual([[2, 1, 'after restart']]);
  });

  it('search matches a glob over the whole source; unique keeps the latest of each; n keeps the last n', () => {
    const history = new History(tempHistoryFile());
    for (const [i, source] of ['1 + 2', 'x = 3', '1 + 2', '1 + 5', '10 + 2'].entries()) history.append(i + 1, source, null);
    expect(history.query({ accessType: 'search', output: false, pattern: '1 + ?' })).toEqual([[1, 1, '1 + 2'], [1, 3, '1 + 2'], [1, 4, '1 + 5']]);
    expect(history.query({ accessType: 'search', output: false, pattern: '1 + 2', unique: true })).toEqual([[1, 3, '1 + 2']]);
    expect(history.query({ accessType: 'search', output: false, pattern: '*+*', n: 2 })).toEqual([[1, 4, '1 + 5'], [1, 5, '10 + 2']]);
  });

  it('glob characters other than * and ? are literal', () => {
    expect(globToRegExp('a.(b)*').test('a.(b) and more')).toBe(true);
    expect(globToRegExp('a.(b)*').test('aX(b)')).toBe(false);
  });

  it('lives in FLOWBOOK_HISTORY_FILE, else under the Jupyter data dir', () => {
    expect(defaultHistoryFile({ FLOWBOOK_HISTORY_FILE: '/tmp/h.jsonl' })).toBe('/tmp/h.jsonl');
    expect(defaultHistoryFile({ JUPYTER_DATA_DIR: '/data/jupyter' })).toBe('/data/jupyter/flowbook/history.jsonl');
    expect(defaultHistoryFile({ HOME: '/home/u', XDG_DATA_HOME: '/xdg' })).toBe('/xdg/jupyter/flowbook/history.jsonl');
  });
});
