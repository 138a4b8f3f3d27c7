import { Graph, layout } from '@dagrejs/dagre';
import type { GraphEdge, GraphNode, GraphSnapshot } from '@flowbook/protocol';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  node: GraphNode;
  /** Centre of the node's box. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  /** Polyline from the source's box to the target's box. */
  points: Point[];
  /** Port names to print beside the edge, e.g. `train`, or `train → model`. */
  label: string | null;
  /** Centre of the room dagre kept for the label. */
  labelAt: Point | null;
}

export interface DagLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Top to bottom suits the narrow sidebar; left to right suits an output cell. */
  direction: 'TB' | 'LR';
}

const DEFAULTS: LayoutOptions = { nodeWidth: 168, nodeHeight: 48, direction: 'TB' };
const MARGIN = 12;
const LABEL_CHAR_WIDTH = 6;
const LABEL_HEIGHT = 12;

/**
 * Places the flow's nodes in ranks (sources first) with dagre. Edges to unknown nodes are dropped
 * rather than invented, since a snapshot taken while a cell is redefined may name a node not yet there.
 */
export function layoutDag(graph: GraphSnapshot, options: Partial<LayoutOptions> = {}): DagLayout {
  const { nodeWidth, nodeHeight, direction } = { ...DEFAULTS, ...options };
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 24, ranksep: 36, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    g.setNode(node.id, { width: nodeWidth, height: nodeHeight });
  }
  const known = new Set(graph.nodes.map(n => n.id));
  const edges = graph.edges.filter(e => known.has(e.from) && known.has(e.to));
  edges.forEach((edge, i) => {
    const label = portLabel(edge);
    // Giving dagre the label's size makes it keep room for the label beside the edge.
    const size = label ? { width: label.length * LABEL_CHAR_WIDTH, height: LABEL_HEIGHT, labelpos: 'c' as const } : {};
    g.setEdge(edge.from, edge.to, size, String(i));
  });
  layout(g);

  const nodes = graph.nodes.map(node => {
    const placed = g.node(node.id) as { x: number; y: number };
    return { node, x: placed.x, y: placed.y, width: nodeWidth, height: nodeHeight };
  });
  const placedEdges = edges.map((edge, i) => {
    const placed = g.edge({ v: edge.from, w: edge.to, name: String(i) }) as { points?: Point[]; x?: number; y?: number };
    const label = portLabel(edge);
    const labelAt = label && placed.x !== undefined && placed.y !== undefined ? { x: placed.x, y: placed.y } : null;
    return { edge, points: (placed.points ?? []).map(p => ({ x: p.x, y: p.y })), label, labelAt };
  });
  const size = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(size.width ?? MARGIN * 2),
    height: Math.ceil(size.height ?? MARGIN * 2),
    nodes,
    edges: placedEdges
  };
}

function portLabel(edge: GraphEdge): string | null {
  if (edge.fromPort && edge.toPort) {
    return `${edge.fromPort} → ${edge.toPort}`;
  }
  return edge.fromPort ?? edge.toPort ?? null;
}
