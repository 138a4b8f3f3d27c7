import type { Channel, Message } from './messages';

/** Where the core sends messages; the wire layer signs and delivers them, tests record them. */
export interface Transport {
  send(channel: Channel, message: Message): void;
}
