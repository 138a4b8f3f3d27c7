import type { Handler } from '../handler';

/** Replies first, so the client hears back before the process ends. */
export const shutdownRequest: Handler = async (request, channel, kernel) => {
  const restart = request.content.restart === true;
  kernel.messenger.reply(channel, request, 'shutdown_reply', { status: 'ok', restart });
  await kernel.shutdown(restart);
};
