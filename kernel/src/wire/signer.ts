import { createHmac, timingSafeEqual, getHashes } from 'node:crypto';

/** Signs and verifies the four JSON frames of a message (header, parent, metadata, content). */
export interface Signer {
  sign(parts: readonly Uint8Array[]): string;
  verify(signature: string, parts: readonly Uint8Array[]): boolean;
}

/** `hmac-sha256` (or any `hmac-<digest>` Node knows); an empty key turns signing off, as the spec says. */
export function createSigner(scheme: string, key: string): Signer {
  if (key === '') return unsigned;
  const match = /^hmac-(.+)$/.exec(scheme);
  const digest = match?.[1];
  if (!digest || !getHashes().includes(digest)) {
    throw new Error(`connection file: unsupported signature_scheme ${JSON.stringify(scheme)}`);
  }
  const sign = (parts: readonly Uint8Array[]): string => {
    const hmac = createHmac(digest, key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  };
  return {
    sign,
    verify(signature, parts) {
      const expected = Buffer.from(sign(parts), 'hex');
      const given = Buffer.from(signature, 'hex');
      // A length mismatch (or non-hex text) can never match; check it first because timingSafeEqual
      // throws on unequal lengths. The length of a valid digest is public anyway.
      return given.length === expected.length && given.toString('hex') === signature.toLowerCase()
        && timingSafeEqual(given, expected);
    },
  };
}

const unsigned: Signer = {
  sign: () => '',
  verify: () => true,
};
