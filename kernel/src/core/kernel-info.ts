import { PROTOCOL_VERSION } from './messages';
import type { JsonObject } from './messages';

export interface KernelInfoFacts {
  implementationVersion: string;
  typescriptVersion: string;
}

/** The kernel_info_reply content; computed once at start-up so it is answered before any warm-up. */
export function kernelInfoContent(facts: KernelInfoFacts): JsonObject {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'flowbook',
    implementation_version: facts.implementationVersion,
    banner: `Flowbook ${facts.implementationVersion}: TypeScript ${facts.typescriptVersion} on Node.js ${process.versions.node}, deep-learning mining flows in Jupyter`,
    help_links: [
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'Node.js API', url: 'https://nodejs.org/api/' },
    ],
    language_info: {
      name: 'typescript',
      version: facts.typescriptVersion,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      // JupyterLab 4 looks `codemirror_mode` up by language name or alias (case-insensitive), so the
      // string finds its TypeScript mode; a `{name: "javascript", typescript: true}` object, the
      // CodeMirror 5 idiom, would select plain JavaScript there.
      codemirror_mode: 'typescript',
      pygments_lexer: 'typescript',
      nbconvert_exporter: 'script',
    },
  };
}
