import type * as TypeScript from 'typescript';

let loaded: typeof TypeScript | undefined;

/**
 * The TypeScript compiler, loaded on first use: requiring it costs ~0.3 s, which must not delay the
 * kernel's first `kernel_info_reply`.
 */
export function typescript(): typeof TypeScript {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('typescript') as typeof TypeScript;
  return loaded;
}

export type { TypeScript };
