import type { GraphNode } from '@flowbook/protocol';
import { DagLayout, PlacedNode } from './layout';
import { kindBadge } from './kind-icons';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes; text goes in through textContent only, never as markup. */
export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    el.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** The second line of a node's box: rows or key metric, else its status. */
export function nodeSummary(node: GraphNode, format: (n: number) => string = formatNumber): string {
  if (node.metric) {
    return `${node.metric.name} ${format(node.metric.value)}`;
  }
  if (node.rows !== undefined && node.rows !== null) {
    return `${format(node.rows)} rows`;
  }
  return node.status;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) {
    return n.toLocaleString('en-US');
  }
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toPrecision(4);
}

export interface DagSvgOptions {
  selected?: string | null;
  onNodeClick?: (nodeId: string) => void;
}

/** Draws a laid-out DAG; status colours come from CSS classes so light and dark themes both work. */
export function renderDagSvg(dag: DagLayout, options: DagSvgOptions = {}): SVGSVGElement {
  const svg = svgEl('svg', {
    class: 'fb-Dag',
    width: dag.width,
    height: dag.height,
    viewBox: `0 0 ${dag.width} ${dag.height}`,
    role: 'img'
  });
  const defs = svgEl('defs');
  const marker = svgEl('marker', {
    id: 'fb-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse'
  });
  marker.appendChild(svgEl('path', { d: 'M0,0 L10,5 L0,10 z', class: 'fb-Dag-arrow' }));
  defs.appendChild(marker);
  svg.appendChild(defs);

  for (const placed of dag.edges) {
    if (placed.points.length < 2) {
      continue;
    }
    const d = placed.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    svg.appendChild(svgEl('path', { d, class: 'fb-Dag-edge', 'marker-end': 'url(#fb-arrow)' }));
    if (placed.label && placed.labelAt) {
      const { x, y } = placed.labelAt;
      svg.appendChild(svgEl('text', { x, y: y + 4, class: 'fb-Dag-edgeLabel', 'text-anchor': 'middle' }, placed.label));
    }
  }
  for (const placed of dag.nodes) {
    svg.appendChild(renderNode(placed, options));
  }
  return svg;
}

function renderNode(placed: PlacedNode, options: DagSvgOptions): SVGGElement {
  const { node, width, height } = placed;
  const left = placed.x - width / 2;
  const top = placed.y - height / 2;
  const classes = ['fb-Dag-node', `fb-mod-${node.status}`];
  if (options.selected === node.id) {
    classes.push('fb-mod-selected');
  }
  const g = svgEl('g', {
    class: classes.join(' '),
    transform: `translate(${left.toFixed(1)},${top.toFixed(1)})`,
    'data-node-id': node.id,
    'data-status': node.status
  });
  g.appendChild(svgEl('title', {}, node.error ? `${node.id} (${node.kind}): ${node.error}` : `${node.id} (${node.kind}) — ${node.status}`));
  g.appendChild(svgEl('rect', { class: 'fb-Dag-box', width, height, rx: 6, ry: 6 }));
  g.appendChild(svgEl('rect', { class: 'fb-Dag-statusBar', width: 5, height, rx: 2, ry: 2 }));
  g.appendChild(svgEl('text', { class: 'fb-Dag-kind', x: 12, y: 18 }, kindBadge(node.kind)));
  g.appendChild(svgEl('text', { class: 'fb-Dag-id', x: 58, y: 18 }, node.id));
  g.appendChild(svgEl('text', { class: 'fb-Dag-summary', x: 12, y: 38 }, nodeSummary(node)));
  const onClick = options.onNodeClick;
  if (onClick) {
    g.addEventListener('click', () => onClick(node.id));
  }
  return g;
}
