import type { GraphSnapshot } from '@flowbook/magics';

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 48;
const GAP_X = 32;
const GAP_Y = 56;
const MARGIN = 16;

export interface PlacedNode {
  id: string;
  layer: number;
  /** Position within its layer, left to right. */
  order: number;
  x: number;
  y: number;
}

export interface DagLayout {
  nodes: Map<string, PlacedNode>;
  width: number;
  height: number;
}

/**
 * A layered, top-to-bottom layout: a node's layer is the length of the longest path reaching it, so
 * every edge points down; within a layer, nodes sit near the mean position of their parents (one
 * barycentre sweep), which untangles the usual flow shapes without a layout library.
 */
export function layoutDag(graph: GraphSnapshot): DagLayout {
  const parents = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) parents.get(edge.to)?.push(edge.from);

  const layers = new Map<string, number>();
  const layerOf = (id: string): number => {
    const known = layers.get(id);
    if (known !== undefined) return known;
    const ps = (parents.get(id) ?? []).filter((p) => parents.has(p));
    const layer = ps.length === 0 ? 0 : 1 + Math.max(...ps.map(layerOf));
    layers.set(id, layer);
    return layer;
  };
  const rows: string[][] = [];
  for (const node of graph.nodes) (rows[layerOf(node.id)] ??= []).push(node.id);

  const position = new Map<string, number>();
  rows.forEach((row, layer) => {
    if (layer > 0) {
      const barycentre = (id: string): number => {
        const ps = parents.get(id)!.map((p) => position.get(p)).filter((v): v is number => v !== undefined);
        return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : 0;
      };
      const index = new Map(row.map((id, i) => [id, i]));
      row.sort((a, b) => barycentre(a) - barycentre(b) || index.get(a)! - index.get(b)!);
    }
    row.forEach((id, i) => position.set(id, i - (row.length - 1) / 2));
  });

  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const nodes = new Map<string, PlacedNode>();
  rows.forEach((row, layer) => {
    const rowWidth = row.length * NODE_WIDTH + (row.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    row.forEach((id, order) => {
      nodes.set(id, { id, layer, order, x: left + order * (NODE_WIDTH + GAP_X), y: MARGIN + layer * (NODE_HEIGHT + GAP_Y) });
    });
  });
  const height = MARGIN * 2 + Math.max(1, rows.length) * NODE_HEIGHT + Math.max(0, rows.length - 1) * GAP_Y;
  return { nodes, width, height };
}
