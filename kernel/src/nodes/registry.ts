import { FlowbookError } from '../errors';
import type { NodeKind } from './kind';

/** The node kinds a flow knows, by the word after `%%`. Model kinds register themselves here too. */
export class NodeKindRegistry {
  private readonly kinds = new Map<string, NodeKind>();

  constructor(kinds: readonly NodeKind[] = []) {
    for (const kind of kinds) this.register(kind);
  }

  register(kind: NodeKind): void {
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): NodeKind {
    const found = this.kinds.get(kind);
    if (!found) {
      throw new FlowbookError('UnknownNodeKind', `this kernel has no %%${kind} node kind`, `use one of: ${this.names().map((k) => `%%${k}`).join(', ')}`, { kind });
    }
    return found;
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}
