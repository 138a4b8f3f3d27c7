import type { MetricsDisplay } from '@flowbook/magics';
import type { ModelMetrics } from './metrics';

export const METRICS_MIME = 'application/vnd.flowbook.metrics+json';

/** One metrics report in the three forms a notebook output carries: data, HTML and plain text. */
export interface MetricsReport {
  /** The shared mime payload the extension renders (magics' protocol). */
  json: MetricsDisplay;
  html: string;
  text: string;
}

export function metricsReport(metrics: ModelMetrics, nodeId: string): MetricsReport {
  return { json: toDisplay(metrics, nodeId), html: toHtml(metrics), text: toText(metrics) };
}

/** JSON has no NaN: an undefined figure (e.g. AUC with one class present) travels as null. */
function finite(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function toDisplay(m: ModelMetrics, nodeId: string): MetricsDisplay {
  if (m.task === 'classification') {
    return {
      task: 'classification', nodeId, split: m.evaluatedOn, rows: m.rows, accuracy: m.accuracy,
      classes: m.perClass.map((c) => ({ label: String(c.label), precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
      confusion: m.confusion,
      majorityBaseline: finite(m.majorityBaseline), majorityClass: String(m.majorityClass),
      logLoss: finite(m.logLoss), rocAuc: finite(m.rocAuc),
    };
  }
  return {
    task: 'regression', nodeId, split: m.evaluatedOn, rows: m.rows,
    mae: m.mae, mse: m.rmse ** 2, rmse: m.rmse, r2: m.r2, mape: finite(m.mape),
    meanBaseline: m.meanBaseline, persistenceBaseline: m.persistenceBaseline ?? null,
  };
}

/** The mime bundle of a report: survives sharing without the kernel. */
export function metricsBundle(report: MetricsReport): Record<string, unknown> {
  return { [METRICS_MIME]: report.json, 'text/html': report.html, 'text/plain': report.text };
}

function num(v: number | undefined, digits = 4): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

function pct(v: number): string {
  return Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)}%`;
}

/** Every value that came from data (class labels, notes) is escaped: data never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function toText(m: ModelMetrics): string {
  const lines = [`Evaluated on ${m.evaluatedOn}`];
  if (m.task === 'classification') {
    lines.push(`accuracy ${pct(m.accuracy)} (majority class ${String(m.majorityClass)}: ${pct(m.majorityBaseline)})`);
    lines.push(`log loss ${num(m.logLoss)}${m.rocAuc !== undefined ? `, ROC AUC ${num(m.rocAuc)}` : ''}`);
    for (const c of m.perClass) {
      lines.push(`  ${String(c.label)}: precision ${num(c.precision, 3)} recall ${num(c.recall, 3)} F1 ${num(c.f1, 3)} (n=${c.support})`);
    }
    lines.push(`confusion (rows actual, columns predicted): ${m.labels.map(String).join(', ')}`);
    for (let i = 0; i < m.labels.length; i++) lines.push(`  ${String(m.labels[i])}: ${m.confusion[i].join(' ')}`);
  } else {
    lines.push(`MAE ${num(m.mae)}  RMSE ${num(m.rmse)}  R² ${num(m.r2)}  MAPE ${num(m.mape, 2)}%`);
    lines.push(`predict-the-mean baseline: MAE ${num(m.meanBaseline.mae)}  RMSE ${num(m.meanBaseline.rmse)}  R² ${num(m.meanBaseline.r2)}`);
    if (m.persistenceBaseline) {
      lines.push(`persistence baseline (last value): MAE ${num(m.persistenceBaseline.mae)}  RMSE ${num(m.persistenceBaseline.rmse)}`);
    }
  }
  return lines.join('\n');
}

function row(cells: string[], header = false): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function toHtml(m: ModelMetrics): string {
  const parts = [`<div class="flowbook-metrics"><p>Evaluated on ${escapeHtml(m.evaluatedOn)}</p>`];
  if (m.task === 'classification') {
    parts.push('<table>', row(['metric', 'model', 'baseline'], true));
    parts.push(row(['accuracy', pct(m.accuracy), `${pct(m.majorityBaseline)} (always ${escapeHtml(String(m.majorityClass))})`]));
    parts.push(row(['log loss', num(m.logLoss), '']));
    if (m.rocAuc !== undefined) parts.push(row(['ROC AUC', num(m.rocAuc), '0.5']));
    parts.push('</table><table>', row(['class', 'precision', 'recall', 'F1', 'support'], true));
    for (const c of m.perClass) parts.push(row([escapeHtml(String(c.label)), num(c.precision, 3), num(c.recall, 3), num(c.f1, 3), String(c.support)]));
    parts.push('</table><table>', row(['actual \\ predicted', ...m.labels.map((l) => escapeHtml(String(l)))], true));
    m.confusion.forEach((counts, i) => parts.push(row([escapeHtml(String(m.labels[i])), ...counts.map(String)])));
    parts.push('</table>');
  } else {
    parts.push('<table>', row(['metric', 'model', 'predict the mean', ...(m.persistenceBaseline ? ['persistence'] : [])], true));
    const p = m.persistenceBaseline;
    parts.push(row(['MAE', num(m.mae), num(m.meanBaseline.mae), ...(p ? [num(p.mae)] : [])]));
    parts.push(row(['RMSE', num(m.rmse), num(m.meanBaseline.rmse), ...(p ? [num(p.rmse)] : [])]));
    parts.push(row(['R²', num(m.r2), num(m.meanBaseline.r2), ...(p ? [''] : [])]));
    parts.push(row(['MAPE', `${num(m.mape, 2)}%`, '', ...(p ? [''] : [])]));
    parts.push('</table>');
  }
  parts.push('</div>');
  return parts.join('');
}
