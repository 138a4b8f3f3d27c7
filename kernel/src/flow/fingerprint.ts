import { createHash } from 'node:crypto';

export interface FingerprintParts {
  kind: string;
  params: unknown;
  /** Upstream fingerprints by the edge: name, port and whether it is the model edge. */
  upstream: { name: string; node: string; port?: string; toPort?: string; fingerprint: string }[];
  /** A source's identity of the data it reads (paths, sizes, mtimes). */
  identity?: string;
}

/** Bumped when the stored layout changes, so old cache entries are never read as current. */
const CACHE_FORMAT = 1;

/**
 * The identity of a node's output: a hash of what can change it. Equal fingerprints mean the stored
 * output can be reused; JSON keys are sorted so the order a YAML body lists fields in does not matter.
 */
export function fingerprint(parts: FingerprintParts): string {
  const text = canonicalJson({ format: CACHE_FORMAT, ...parts });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}
