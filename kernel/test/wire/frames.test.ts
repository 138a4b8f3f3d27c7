import { createHmac } from 'node:crypto';
import type { Message } from '../../src/core/messages';
import { decodeFrames, encodeMessage } from '../../src/wire/frames';
import { createSigner } from '../../src/wire/signer';

const KEY = 'a0436f6c-1916-498b-8eb9-e81ab9368e84';

function message(): Message {
  return {
    identities: [Buffer.from('client-identity')],
    header: { msg_id: 'm1', session: 's1', username: 'u', date: '2026-01-01T00:00:00Z', msg_type: 'execute_request', version: '5.3' },
    parent_header: {},
    metadata: { cellId: 'c' },
    content: { code: 'const 名 = "😀"' },
    buffers: [Buffer.from([1, 2, 3])],
  };
}

describe('frames', () => {
  it('encodes identities, <IDS|MSG>, an HMAC-SHA256 over the four JSON parts, the parts and the buffers', () => {
    const frames = encodeMessage(message(), createSigner('hmac-sha256', KEY));
    expect(frames.map((f) => f.toString())).toEqual([
      'client-identity',
      '<IDS|MSG>',
      expect.stringMatching(/^[0-9a-f]{64}$/),
      JSON.stringify(message().header),
      '{}',
      '{"cellId":"c"}',
      JSON.stringify({ code: 'const 名 = "😀"' }),
      '\u0001\u0002\u0003',
    ]);
    const hmac = createHmac('sha256', KEY);
    for (const part of frames.slice(3, 7)) hmac.update(part);
    expect(frames[2].toString()).toBe(hmac.digest('hex'));
  });

  it('decodes what it encodes, keeping identities and buffers', () => {
    const signer = createSigner('hmac-sha256', KEY);
    const decoded = decodeFrames(encodeMessage(message(), signer), signer);
    expect(decoded).toEqual({ ok: true, message: { ...message(), identities: [new Uint8Array(Buffer.from('client-identity'))], buffers: [new Uint8Array([1, 2, 3])] } });
  });

  it('drops a forged signature, a changed content and a missing signature', () => {
    const signer = createSigner('hmac-sha256', KEY);
    const forged = encodeMessage(message(), createSigner('hmac-sha256', 'not-the-key'));
    expect(decodeFrames(forged, signer)).toEqual({ ok: false, reason: 'bad signature' });

    const tampered = encodeMessage(message(), signer);
    tampered[6] = Buffer.from('{"code":"process.exit()"}');
    expect(decodeFrames(tampered, signer)).toEqual({ ok: false, reason: 'bad signature' });

    const unsigned = encodeMessage(message(), signer);
    unsigned[2] = Buffer.from('');
    expect(decodeFrames(unsigned, signer)).toEqual({ ok: false, reason: 'missing signature' });

    const truncated = encodeMessage(message(), signer);
    truncated[2] = truncated[2].subarray(0, 10);
    expect(decodeFrames(truncated, signer)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('with an empty key, messages are neither signed nor checked', () => {
    const signer = createSigner('hmac-sha256', '');
    const frames = encodeMessage(message(), signer);
    expect(frames[2].toString()).toBe('');
    expect(decodeFrames(frames, signer).ok).toBe(true);
  });

  it('rejects frames without the delimiter, too few parts or a header without msg_type', () => {
    const signer = createSigner('hmac-sha256', '');
    expect(decodeFrames([Buffer.from('x')], signer)).toEqual({ ok: false, reason: 'no <IDS|MSG> delimiter' });
    expect(decodeFrames([Buffer.from('<IDS|MSG>'), Buffer.from('')], signer)).toEqual({ ok: false, reason: 'fewer than 5 frames after the delimiter' });
    const noType = ['<IDS|MSG>', '', '{}', '{}', '{}', '{}'].map((s) => Buffer.from(s));
    expect(decodeFrames(noType, signer)).toEqual({ ok: false, reason: 'header without msg_type' });
    const badJson = ['<IDS|MSG>', '', '{', '{}', '{}', '{}'].map((s) => Buffer.from(s));
    expect(decodeFrames(badJson, signer).ok).toBe(false);
  });

  it('signs with other HMAC digests the connection file names, and refuses unknown schemes', () => {
    const frames = encodeMessage(message(), createSigner('hmac-sha512', KEY));
    expect(frames[2].toString()).toMatch(/^[0-9a-f]{128}$/);
    expect(() => createSigner('rot13', KEY)).toThrow(/signature_scheme/);
  });
});
