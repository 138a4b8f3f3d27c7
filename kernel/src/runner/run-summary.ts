import type { MetricsDisplay, TrainingDisplay } from '@flowbook/magics';
import type { MimeBundle } from '../core/messages';
import type { Notebook, Output } from './notebook';

const TRAINING_MIME = 'application/vnd.flowbook.training+json';
const METRICS_MIME = 'application/vnd.flowbook.metrics+json';

/** The structured displays of an executed notebook, in cell order, each with its 1-based cell number.
 * runNotebook clears the cells it did not execute, so these are this run's results only. */
export interface NotebookResults {
  trainings: Array<{ cellNumber: number; training: TrainingDisplay }>;
  metrics: Array<{ cellNumber: number; metrics: MetricsDisplay }>;
}

export function notebookResults(notebook: Notebook): NotebookResults {
  const results: NotebookResults = { trainings: [], metrics: [] };
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    for (const data of cell.outputs.map(bundleOf)) {
      if (!data) continue;
      if (TRAINING_MIME in data) results.trainings.push({ cellNumber: index + 1, training: data[TRAINING_MIME] as TrainingDisplay });
      if (METRICS_MIME in data) results.metrics.push({ cellNumber: index + 1, metrics: data[METRICS_MIME] as MetricsDisplay });
    }
  });
  return results;
}

function bundleOf(output: Output): MimeBundle | undefined {
  return output.output_type === 'display_data' || output.output_type === 'execute_result' ? output.data : undefined;
}

/**
 * What a run produced, for the end of the terminal output: each trained model and each metrics
 * report in one line, so the figures are on screen after the per-cell log has scrolled by.
 */
export function summaryLines(results: NotebookResults): string[] {
  if (results.trainings.length === 0 && results.metrics.length === 0) return [];
  const lines = [
    ...results.trainings.map(({ cellNumber, training }) => ({ cellNumber, text: trainingLine(training) })),
    ...results.metrics.map(({ cellNumber, metrics }) => ({ cellNumber, text: metricsLine(metrics) })),
  ].sort((a, b) => a.cellNumber - b.cellNumber); // stable: within a cell, the training before its metrics
  return ['Results:', ...lines.map(({ cellNumber, text }) => `  cell ${cellNumber}: ${text}`)];
}

function trainingLine(t: TrainingDisplay): string {
  const kept = t.best ? `, kept epoch ${t.best.epoch} (${t.best.metric} ${fixed(t.best.value)})` : '';
  const error = t.error ? `: ${t.error}` : '';
  return `model ${t.nodeId} ${t.status.replace('_', ' ')} after epoch ${t.epochs.done}/${t.epochs.total}${kept}, job ${t.jobId} on ${t.backend}${error}`;
}

function metricsLine(m: MetricsDisplay): string {
  const on = `${m.nodeId} on ${m.split}`;
  if (m.task === 'classification') {
    const majority = m.majorityBaseline != null ? ` (majority class ${m.majorityClass ?? '?'}: ${percent(m.majorityBaseline)})` : '';
    const logLoss = m.logLoss != null ? `, log loss ${fixed(m.logLoss)}` : '';
    return `${on}: accuracy ${percent(m.accuracy)}${majority}${logLoss}`;
  }
  const baselines = [
    m.meanBaseline ? `predict-the-mean RMSE ${fixed(m.meanBaseline.rmse)}` : '',
    m.persistenceBaseline ? `persistence RMSE ${fixed(m.persistenceBaseline.rmse)}` : '',
  ].filter(Boolean);
  return `${on}: R² ${m.r2.toFixed(3)}, RMSE ${fixed(m.rmse)}, MAE ${fixed(m.mae)}${baselines.length ? ` (${baselines.join(', ')})` : ''}`;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(4) : String(value);
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}
