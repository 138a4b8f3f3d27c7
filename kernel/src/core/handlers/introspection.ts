import type { Handler } from '../handler';
import type { JsonObject } from '../messages';
import { errorContent } from './execute';

/** `cursor_pos` in code points; a missing one means the end of the code, and 0 means its start (P1). */
function readCursor(content: JsonObject): { code: string; cursorPos: number } {
  const code = typeof content.code === 'string' ? content.code : '';
  const length = [...code].length;
  const given = content.cursor_pos;
  const cursorPos = typeof given === 'number' && Number.isInteger(given) ? Math.min(Math.max(given, 0), length) : length;
  return { code, cursorPos };
}

export const completeRequest: Handler = async (request, channel, kernel) => {
  const { code, cursorPos } = readCursor(request.content);
  try {
    const completion = await kernel.interpreter.complete(code, cursorPos);
    kernel.messenger.reply(channel, request, 'complete_reply', {
      status: 'ok',
      matches: completion.matches,
      cursor_start: completion.cursorStart,
      cursor_end: completion.cursorEnd,
      metadata: completion.metadata,
    });
  } catch (error) {
    kernel.messenger.reply(channel, request, 'complete_reply', { status: 'error', ...errorContent(error) });
  }
};

export const inspectRequest: Handler = async (request, channel, kernel) => {
  const { code, cursorPos } = readCursor(request.content);
  const detailLevel = request.content.detail_level === 1 ? 1 : 0;
  try {
    const inspection = await kernel.interpreter.inspect(code, cursorPos, detailLevel);
    kernel.messenger.reply(channel, request, 'inspect_reply', {
      status: 'ok',
      found: inspection.found,
      data: inspection.data,
      metadata: inspection.metadata,
    });
  } catch (error) {
    kernel.messenger.reply(channel, request, 'inspect_reply', { status: 'error', ...errorContent(error) });
  }
};

/** is_complete_reply's `status` is the verdict itself; a failure to judge is `unknown`, never silence. */
export const isCompleteRequest: Handler = async (request, channel, kernel) => {
  const code = typeof request.content.code === 'string' ? request.content.code : '';
  try {
    const verdict = await kernel.interpreter.isComplete(code);
    kernel.messenger.reply(channel, request, 'is_complete_reply', { ...verdict });
  } catch (error) {
    kernel.log(`is_complete failed: ${errorContent(error).evalue}`);
    kernel.messenger.reply(channel, request, 'is_complete_reply', { status: 'unknown' });
  }
};
