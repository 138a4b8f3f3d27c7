import { isMagicCell, parseCell } from '@flowbook/magics';
import type { CellCommand } from '@flowbook/magics';
import { FlowbookError } from '../errors';

/** What `flowbook run --node ID` executes: the node's cell, the cells of every node it needs, and the
 * plain code cells before them (they may define helpers the nodes use); other magics are skipped. */
export function cellsNeededFor(nodeId: string, sources: readonly string[]): Set<number> {
  const definedAt = new Map<string, { index: number; upstream: string[] }>();
  const commands = sources.map((source) => commandOf(source));
  commands.forEach((command, index) => {
    if (command?.type === 'node') {
      const upstream = command.inputs.map((input) => input.node);
      if (command.model) upstream.push(command.model);
      definedAt.set(command.id, { index, upstream });
    }
  });
  if (!definedAt.has(nodeId)) {
    const known = [...definedAt.keys()];
    throw new FlowbookError(
      'UnknownNode',
      `No cell of this notebook defines the node "${nodeId}".`,
      known.length ? `Known nodes: ${known.join(', ')}.` : 'This notebook defines no nodes.',
      { nodeId },
    );
  }
  const needed = new Set<number>();
  const visit = (id: string) => {
    const node = definedAt.get(id);
    if (!node || needed.has(node.index)) return;
    needed.add(node.index);
    node.upstream.forEach(visit);
  };
  visit(nodeId);
  const last = Math.max(...needed);
  commands.forEach((command, index) => {
    const plainCode = command === undefined && !isMagicCell(sources[index]);
    const storeChoice = command?.type === 'store' && command.action === 'use';
    if (index < last && (plainCode || storeChoice)) needed.add(index);
  });
  return needed;
}

function commandOf(source: string): CellCommand | undefined {
  if (!isMagicCell(source)) return undefined;
  try {
    return parseCell(source);
  } catch {
    return undefined; // a malformed magic fails when its cell runs, with the grammar's own message
  }
}
