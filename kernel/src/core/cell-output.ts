import type { CellOutput } from './interpreter';
import type { JsonObject, Message, MimeBundle } from './messages';
import type { Messenger } from './messenger';
import type { StdinBroker } from './stdin';

/**
 * The output channel of one execute request. It keeps that request's header as parent for as long as
 * the cell's code runs, so output from a timer that fires after the cell's idle still lands in the
 * cell that started it (K3). A silent request shows nothing.
 */
export function createCellOutput(
  request: Message,
  options: { silent: boolean; allowStdin: boolean },
  messenger: Messenger,
  stdin: StdinBroker,
): CellOutput {
  const parent = request.header;
  const show = !options.silent;
  return {
    stream(name, text) {
      if (show && text !== '') messenger.publish(parent, 'stream', { name, text });
    },
    display(data: MimeBundle, metadata: JsonObject = {}, transient: { display_id?: string } = {}, update = false) {
      if (!show) return;
      messenger.publish(parent, update ? 'update_display_data' : 'display_data', { data, metadata, transient });
    },
    clearOutput(wait) {
      if (show) messenger.publish(parent, 'clear_output', { wait });
    },
    input(prompt, password) {
      return stdin.ask(request, prompt, password, options.allowStdin);
    },
  };
}
