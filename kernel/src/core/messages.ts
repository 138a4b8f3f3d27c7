/**
 * The Jupyter message model (protocol 5.3), as the core sees it: decoded, unsigned.
 * The wire layer turns frames into these and back; nothing here knows about sockets.
 */
export const PROTOCOL_VERSION = '5.3';

export type Channel = 'shell' | 'control' | 'iopub' | 'stdin';

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export type JsonObject = { [key: string]: unknown };

export interface Message<C = JsonObject> {
  /** ZeroMQ routing identities that preceded the `<IDS|MSG>` delimiter; replies carry them back. */
  identities: Uint8Array[];
  header: MessageHeader;
  /** Empty object when the message has no parent. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: C;
  buffers: Uint8Array[];
}

/** A mime bundle: mime type → data (strings for text types, JSON values for +json types). */
export type MimeBundle = { [mime: string]: unknown };

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}
