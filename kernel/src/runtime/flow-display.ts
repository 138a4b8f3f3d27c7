import type { GraphSnapshot } from '@flowbook/magics';
import type { MimeBundle } from '../core/messages';
import { stringifyJson } from '../data/convert';
import { escapeHtml, formatNumber } from '../data/preview';
import type { TablePreview } from '../data/preview';
import { renderDagSvg, renderDagText } from '../flow/dag-render';
import type { NodeState } from '../flow/flow';

const DAG_MIME = 'application/vnd.flowbook.dag+json';

/**
 * `%flow`: the graph as the extension's mime type, with SVG, HTML and text for viewers without it.
 * The HTML is the same SVG as an <img> data URI: nbconvert before 7.7 passes inline SVG through its
 * HTML cleaner, which keeps the labels but drops the drawing (jupyter/nbconvert#1894), and prefers
 * text/html anyway; JupyterLab's sanitizer keeps data-URI images.
 */
export function dagBundle(graph: GraphSnapshot, heading?: string): MimeBundle {
  const text = renderDagText(graph);
  const svg = renderDagSvg(graph);
  const image = `<img src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}" alt="${escapeHtml(text)}">`;
  return { [DAG_MIME]: graph, 'image/svg+xml': svg, 'text/html': image, 'text/plain': heading ? `${heading}\n${text}` : text };
}

export interface NodeResultView {
  id: string;
  kind: string;
  state: NodeState;
  /** Output previews by port, in the kind's port order. */
  previews: [string, TablePreview][];
}

/** A node cell's result as one display: status and timing, warnings, summary, then a preview per output port. */
export function nodeResultBundle(view: NodeResultView): MimeBundle {
  const { state } = view;
  const manifest = state.manifest;
  const facts = [`${view.kind}`, state.status];
  if (state.durationMs !== undefined) facts.push(`${formatMs(state.durationMs)}${state.status === 'cached' && manifest ? ` (computed in ${formatMs(manifest.timings.durationMs)})` : ''}`);
  const headline = `${view.id} · ${facts.join(' · ')}`;
  const warnings = manifest?.warnings ?? [];
  const summary = manifest ? summaryLines(manifest.summary) : [];
  const previews = view.previews.map(([port, preview]) => ({ port, preview }));
  const portTitle = (port: string): string => (previews.length > 1 ? port : '');

  const html = [
    `<div class="flowbook-node" data-status="${escapeHtml(state.status)}">`,
    `<div><strong>${escapeHtml(view.id)}</strong> · ${escapeHtml(facts.join(' · '))}</div>`,
    ...warnings.map((w) => `<div style="color:#b26a00">warning: ${escapeHtml(w)}</div>`),
    ...summary.map((line) => `<div>${escapeHtml(line)}</div>`),
    ...previews.map(({ port, preview }) => `${portTitle(port) ? `<div><em>${escapeHtml(port)}</em></div>` : ''}${preview['text/html']}`),
    '</div>',
  ].join('\n');
  const text = [
    headline,
    ...warnings.map((w) => `warning: ${w}`),
    ...summary,
    ...previews.map(({ port, preview }) => `${portTitle(port) ? `[${port}]\n` : ''}${preview['text/plain']}`),
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/** `%flow status`: one row per node. */
export function statusBundle(graph: GraphSnapshot): MimeBundle {
  const header = ['node', 'kind', 'status', 'rows', 'time', 'error'];
  const rows = graph.nodes.map((n) => [n.id, n.kind, n.status, n.rows != null ? String(n.rows) : '', n.timing?.durationMs != null ? formatMs(n.timing.durationMs) : '', n.error ?? '']);
  const cells = (row: string[], tag: string): string => `<tr>${row.map((c) => `<${tag} style="text-align:left">${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  const html = `<table class="flowbook-status">${cells(header, 'th')}${rows.map((r) => cells(r, 'td')).join('')}</table>`;
  return { 'text/html': html, 'text/plain': renderDagText(graph) };
}

/** A plain table of names and facts (`%store ls`). */
export function listingBundle(title: string, header: string[], rows: string[][]): MimeBundle {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (row: string[]): string => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const cells = (row: string[], tag: string): string => `<tr>${row.map((c) => `<${tag} style="text-align:left">${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return {
    'text/html': `<div>${escapeHtml(title)}</div><table>${cells(header, 'th')}${rows.map((r) => cells(r, 'td')).join('')}</table>`,
    'text/plain': [title, line(header), ...rows.map(line)].join('\n'),
  };
}

function summaryLines(summary: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const rows = summary.rows;
  if (rows !== null && typeof rows === 'object') {
    lines.push(`rows: ${Object.entries(rows).map(([port, n]) => `${port} ${String(n)}`).join(', ')}`);
  }
  const balance = summary.balance as { column: string; train: Record<string, number>; test: Record<string, number> } | undefined;
  if (balance) {
    for (const part of ['train', 'test'] as const) {
      const counts = balance[part];
      const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
      lines.push(`${part} ${balance.column}: ${Object.entries(counts).map(([label, n]) => `${label} ${n} (${((n / total) * 100).toFixed(1)}%)`).join(', ')}`);
    }
  }
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'rows' || key === 'balance' || key === 'columns') continue;
    lines.push(`${key}: ${summaryValue(value)}`);
  }
  return lines;
}

/** A summary value as a person reads it: a list joined by commas, a flat record as `name value` pairs, else JSON. */
function summaryValue(value: unknown): string {
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  const text = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v));
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every(scalar)) return value.map(text).join(', ');
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(scalar)) {
    return Object.entries(value).map(([name, v]) => `${name} ${text(v)}`).join(', ');
  }
  return scalar(value) ? text(value) : stringifyJson(value);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
