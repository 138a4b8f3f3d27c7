import type { ClassificationReport, MetricsDisplay, RegressionReport } from '@flowbook/protocol';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { clear, el } from '../dom';
import { METRICS_MIME } from '../mime-types';

/** Tables of a model's scores: per-class report and confusion matrix, or regression errors. */
export class MetricsRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass('fb-Metrics');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const report = model.data[METRICS_MIME] as unknown as MetricsDisplay;
    clear(this.node);
    const title = el('div', 'fb-Metrics-title');
    title.appendChild(el('span', 'fb-Metrics-node', report.nodeId));
    title.appendChild(el('span', 'fb-Metrics-split', this._trans.__('%1 rows of %2', report.rows, report.split)));
    this.node.appendChild(title);
    if (report.task === 'classification') {
      this._classification(report);
    } else {
      this._regression(report);
    }
  }

  private _classification(report: ClassificationReport): void {
    const t = this._trans;
    this.node.appendChild(el('div', 'fb-Metrics-headline', t.__('accuracy %1', fixed(report.accuracy))));
    const extras: string[][] = [];
    if (isNumber(report.majorityBaseline)) {
      const label = report.majorityClass ? t.__('always "%1"', report.majorityClass) : t.__('always the majority class');
      extras.push([t.__('baseline accuracy (%1)', label), fixed(report.majorityBaseline)]);
    }
    if (isNumber(report.logLoss)) {
      extras.push([t.__('log loss'), fixed(report.logLoss)]);
    }
    if (isNumber(report.rocAuc)) {
      extras.push([t.__('ROC AUC'), fixed(report.rocAuc)]);
    }
    if (extras.length > 0) {
      this.node.appendChild(table([t.__('measure'), t.__('value')], extras, 'fb-Metrics-summary'));
    }
    const rows = report.classes.map(c => [c.label, fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)]);
    this.node.appendChild(table([t.__('class'), t.__('precision'), t.__('recall'), t.__('F1'), t.__('support')], rows, 'fb-Metrics-classes'));

    const labels = report.classes.map(c => c.label);
    const confusion = report.confusion.map((counts, i) => [labels[i] ?? String(i), ...counts.map(String)]);
    const caption = el('div', 'fb-Metrics-caption', t.__('Confusion matrix (rows: true class, columns: predicted)'));
    this.node.appendChild(caption);
    this.node.appendChild(table(['', ...labels], confusion, 'fb-Metrics-confusion'));
  }

  private _regression(report: RegressionReport): void {
    const t = this._trans;
    const mean = report.meanBaseline ?? null;
    const persistence = report.persistenceBaseline ?? null;
    // Baselines sit beside the model's errors, so a number is read against what a naive guess gets.
    const headers = [t.__('metric'), t.__('model')];
    if (mean) {
      headers.push(t.__('predict the mean'));
    }
    if (persistence) {
      headers.push(t.__('repeat the last value'));
    }
    const row = (name: string, value: string, meanValue?: number, persistenceValue?: number): string[] => {
      const cells = [name, value];
      if (mean) {
        cells.push(meanValue === undefined ? '' : fixed(meanValue));
      }
      if (persistence) {
        cells.push(persistenceValue === undefined ? '' : fixed(persistenceValue));
      }
      return cells;
    };
    const rows: string[][] = [
      row('MAE', fixed(report.mae), mean?.mae, persistence?.mae),
      row('MSE', fixed(report.mse)),
      row('RMSE', fixed(report.rmse), mean?.rmse, persistence?.rmse),
      row('R²', fixed(report.r2), mean?.r2)
    ];
    if (isNumber(report.mape)) {
      rows.push(row('MAPE', `${fixed(report.mape * 100)} %`));
    }
    this.node.appendChild(table(headers, rows, 'fb-Metrics-regression'));
  }
}

function table(headers: string[], rows: string[][], className: string): HTMLTableElement {
  const tableEl = el('table', `fb-Table ${className}`);
  const head = el('thead');
  const headRow = el('tr');
  headers.forEach(h => headRow.appendChild(el('th', undefined, h)));
  head.appendChild(headRow);
  tableEl.appendChild(head);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((cell, i) => tr.appendChild(el(i === 0 ? 'th' : 'td', undefined, cell)));
    body.appendChild(tr);
  }
  tableEl.appendChild(body);
  return tableEl;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number';
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}
