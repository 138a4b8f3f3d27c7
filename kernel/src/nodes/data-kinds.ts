import { NodeKindRegistry } from './registry';
import { sourceKind } from './source';
import { splitKind } from './split';
import { sqlKind } from './sql';
import { transformKind } from './transform';

/** A registry with the data kinds: source, sql, node (TypeScript) and split. */
export function dataNodeKinds(): NodeKindRegistry {
  return new NodeKindRegistry([sourceKind, sqlKind, transformKind, splitKind]);
}
