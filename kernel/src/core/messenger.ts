import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from './messages';
import type { Channel, JsonObject, Message, MessageHeader } from './messages';
import type { Transport } from './transport';

export type ExecutionState = 'busy' | 'idle' | 'starting';

/**
 * Builds outgoing messages for one kernel session and hands them to the transport: replies go back to
 * the request's identities with the request as parent; iopub messages carry the parent they belong to.
 */
export class Messenger {
  constructor(
    private readonly transport: Transport,
    readonly session: string = randomUUID(),
    private readonly username = 'kernel',
  ) {}

  reply(channel: Channel, request: Message, msgType: string, content: JsonObject): void {
    this.transport.send(channel, this.create(msgType, content, request.header, request.identities));
  }

  publish(
    parent: MessageHeader | Record<string, never>,
    msgType: string,
    content: JsonObject,
    attachments: { metadata?: JsonObject; buffers?: Uint8Array[] } = {},
  ): void {
    const message = this.create(msgType, content, parent, [Buffer.from(`kernel.${this.session}.${msgType}`)]);
    this.transport.send('iopub', { ...message, metadata: attachments.metadata ?? {}, buffers: attachments.buffers ?? [] });
  }

  status(parent: MessageHeader | Record<string, never>, state: ExecutionState): void {
    this.publish(parent, 'status', { execution_state: state });
  }

  /** A message towards the frontend that asked `parent` (stdin input_request, comm messages). */
  request(channel: Channel, parent: Message, msgType: string, content: JsonObject): void {
    this.transport.send(channel, this.create(msgType, content, parent.header, parent.identities));
  }

  private create(
    msgType: string,
    content: JsonObject,
    parent: MessageHeader | Record<string, never>,
    identities: Uint8Array[],
  ): Message {
    return {
      identities,
      header: {
        msg_id: randomUUID(),
        session: this.session,
        username: this.username,
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: parent,
      metadata: {},
      content,
      buffers: [],
    };
  }
}
