import type { Message, MessageHeader, JsonObject } from '../core/messages';
import type { Signer } from './signer';

const DELIMITER = '<IDS|MSG>';

export type DecodeResult = { ok: true; message: Message } | { ok: false; reason: string };

/** Frames as ZeroMQ delivers them (routing identities, delimiter, signature, 4 JSON parts, buffers) → Message. */
export function decodeFrames(frames: readonly Uint8Array[], signer: Signer): DecodeResult {
  const delimiterAt = frames.findIndex((frame) => Buffer.from(frame).toString('latin1') === DELIMITER);
  if (delimiterAt < 0) return { ok: false, reason: 'no <IDS|MSG> delimiter' };
  if (frames.length < delimiterAt + 6) return { ok: false, reason: 'fewer than 5 frames after the delimiter' };
  const signature = Buffer.from(frames[delimiterAt + 1]).toString('ascii');
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (!signer.verify(signature, parts)) {
    return { ok: false, reason: signature === '' ? 'missing signature' : 'bad signature' };
  }
  try {
    const [header, parent, metadata, content] = parts.map((part) => JSON.parse(Buffer.from(part).toString('utf8')));
    if (!isObject(header) || typeof header.msg_type !== 'string') return { ok: false, reason: 'header without msg_type' };
    return {
      ok: true,
      message: {
        identities: frames.slice(0, delimiterAt).map(copy),
        header: header as unknown as MessageHeader,
        parent_header: isObject(parent) && typeof parent.msg_id === 'string' ? (parent as unknown as MessageHeader) : {},
        metadata: isObject(metadata) ? metadata : {},
        content: isObject(content) ? content : {},
        buffers: frames.slice(delimiterAt + 6).map(copy),
      },
    };
  } catch (error) {
    return { ok: false, reason: `invalid JSON (${(error as Error).message})` };
  }
}

/** Message → frames, signed with the connection's key. */
export function encodeMessage(message: Message, signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), 'utf8'),
  );
  return [
    ...message.identities.map((id) => Buffer.from(id)),
    Buffer.from(DELIMITER, 'latin1'),
    Buffer.from(signer.sign(parts), 'ascii'),
    ...parts,
    ...message.buffers.map((buffer) => Buffer.from(buffer)),
  ];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ZeroMQ may hand out views into a shared receive buffer; a message keeps its own bytes. */
function copy(frame: Uint8Array): Uint8Array {
  return new Uint8Array(frame);
}
