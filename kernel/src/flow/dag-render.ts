import type { GraphNode, GraphSnapshot, NodeStatus } from '@flowbook/magics';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from './dag-layout';

const STATUS_COLOURS: Record<NodeStatus, string> = {
  stale: '#9e9e9e',
  running: '#1e88e5',
  done: '#43a047',
  cached: '#00897b',
  failed: '#e53935',
};

/** The flow as an SVG picture (the fallback of the dag+json mime type); every text is escaped. */
export function renderDagSvg(graph: GraphSnapshot): string {
  const layout = layoutDag(graph);
  const parts: string[] = [];
  for (const edge of graph.edges) {
    const from = layout.nodes.get(edge.from);
    const to = layout.nodes.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + NODE_WIDTH / 2;
    const y1 = from.y + NODE_HEIGHT;
    const x2 = to.x + NODE_WIDTH / 2;
    const y2 = to.y;
    const bend = (y2 - y1) / 2;
    parts.push(`<path d="M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2 - 4}" fill="none" stroke="#757575" stroke-width="1.5" marker-end="url(#flowbook-arrow)"/>`);
    const label = [edge.fromPort, edge.toPort && `→ ${edge.toPort}`].filter(Boolean).join(' ');
    if (label) parts.push(`<text x="${x1 + 4}" y="${y1 + 14}" font-size="11" fill="#616161">${escapeXml(label)}</text>`);
  }
  for (const node of graph.nodes) {
    const place = layout.nodes.get(node.id)!;
    const colour = STATUS_COLOURS[node.status];
    parts.push(
      `<g><title>${escapeXml(`${node.id} (${node.kind}): ${node.status}${node.error ? ` — ${node.error}` : ''}`)}</title>` +
        `<rect x="${place.x}" y="${place.y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6" fill="#ffffff" stroke="${colour}" stroke-width="2"/>` +
        `<rect x="${place.x}" y="${place.y}" width="6" height="${NODE_HEIGHT}" rx="3" fill="${colour}"/>` +
        `<text x="${place.x + 14}" y="${place.y + 20}" font-size="13" font-weight="bold" fill="#212121">${escapeXml(clip(node.id, 20))}</text>` +
        `<text x="${place.x + 14}" y="${place.y + 38}" font-size="11" fill="#424242">${escapeXml(clip(caption(node), 26))}</text></g>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="sans-serif">` +
    `<defs><marker id="flowbook-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#757575"/></marker></defs>` +
    parts.join('') +
    '</svg>'
  );
}

/** The flow as text: one line per node, upstream first, with status, rows, time and inputs. */
export function renderDagText(graph: GraphSnapshot): string {
  if (graph.nodes.length === 0) return 'flow: no nodes yet (define one with %%source ID)';
  const layout = layoutDag(graph);
  const ordered = [...graph.nodes].sort((a, b) => {
    const pa = layout.nodes.get(a.id)!;
    const pb = layout.nodes.get(b.id)!;
    return pa.layer - pb.layer || pa.order - pb.order;
  });
  const inputs = (id: string): string =>
    graph.edges
      .filter((e) => e.to === id)
      .map((e) => `${e.toPort ? `${e.toPort}=` : ''}${e.from}${e.fromPort ? `:${e.fromPort}` : ''}`)
      .join(', ');
  const rows = ordered.map((n) => [n.id, n.kind, n.status, n.rows != null ? `${n.rows} rows` : '', n.timing?.durationMs != null ? `${n.timing.durationMs} ms` : '', inputs(n.id) ? `← ${inputs(n.id)}` : '']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd());
  const failed = ordered.filter((n) => n.error).map((n) => `  ${n.id} failed: ${n.error}`);
  return [`flow: ${graph.nodes.length} node${graph.nodes.length === 1 ? '' : 's'}, ${graph.edges.length} edge${graph.edges.length === 1 ? '' : 's'}`, ...lines, ...failed].join('\n');
}

function caption(node: GraphNode): string {
  return [node.kind, node.status, node.rows != null ? `${node.rows} rows` : ''].filter(Boolean).join(' · ');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
