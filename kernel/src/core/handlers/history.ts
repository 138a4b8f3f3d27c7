import type { Handler } from '../handler';
import type { HistoryQuery } from '../history';

export const historyRequest: Handler = async (request, channel, kernel) => {
  const c = request.content;
  const accessType = c.hist_access_type === 'range' || c.hist_access_type === 'search' ? c.hist_access_type : 'tail';
  const query: HistoryQuery = {
    accessType,
    output: c.output === true,
    ...(typeof c.n === 'number' ? { n: c.n } : {}),
    ...(typeof c.session === 'number' ? { session: c.session } : {}),
    ...(typeof c.start === 'number' ? { start: c.start } : {}),
    ...(typeof c.stop === 'number' ? { stop: c.stop } : {}),
    ...(typeof c.pattern === 'string' ? { pattern: c.pattern } : {}),
    unique: c.unique === true,
  };
  kernel.messenger.reply(channel, request, 'history_reply', { status: 'ok', history: kernel.history.query(query) });
};
