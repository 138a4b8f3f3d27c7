import { FlowbookError } from '../errors';
import type { Message } from './messages';
import type { Messenger } from './messenger';

/** Asks the frontend for input on the stdin channel and resolves with its input_reply. */
export class StdinBroker {
  private pending: { resolve: (value: string) => void; reject: (error: Error) => void } | null = null;

  constructor(private readonly messenger: Messenger) {}

  /** `request` is the execute_request whose cell asks: its identities reach the right frontend. */
  ask(request: Message, prompt: string, password: boolean, allowed: boolean): Promise<string> {
    if (!allowed) {
      return Promise.reject(
        new FlowbookError(
          'StdinNotAllowed',
          'This frontend does not accept input requests (the cell was run with allow_stdin: false).',
          'Run the cell from a notebook or console that supports input, or pass the value in code.',
        ),
      );
    }
    this.pending?.reject(new FlowbookError('InputSuperseded', 'A newer input request replaced this one.'));
    return new Promise<string>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.messenger.reply('stdin', request, 'input_request', { prompt, password });
    });
  }

  /** input_reply from the frontend. */
  answer(message: Message): void {
    const value = (message.content as { value?: unknown }).value;
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(typeof value === 'string' ? value : '');
  }
}
