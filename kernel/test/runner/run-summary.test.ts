import type { MetricsDisplay, TrainingDisplay } from '@flowbook/magics';
import type { Notebook, Output } from '../../src/runner/notebook';
import { notebookResults, summaryLines } from '../../src/runner/run-summary';

const training: TrainingDisplay = {
  jobId: '64200571', nodeId: 'mpg', backend: 'wasm', status: 'early_stopped',
  epochs: { done: 37, total: 80 }, batches: { done: 8, total: 8 }, history: [], elapsedMs: 1064, etaMs: null,
  best: { epoch: 22, metric: 'val_loss', value: 0.15793 },
};
const custom: TrainingDisplay = { ...training, jobId: '1d851c47', nodeId: 'custom', status: 'failed', best: null, error: 'loss became NaN at epoch 3' };
const regression: MetricsDisplay = {
  task: 'regression', nodeId: 'scored', split: 'the input of scored (78 rows)', rows: 78,
  mae: 1.843, mse: 7.1289, rmse: 2.67, r2: 0.89672, mape: 8.11,
  meanBaseline: { mae: 6.94, rmse: 8.3109, r2: -0.0009 }, persistenceBaseline: { mae: 2.37, rmse: 3.0817 },
};
const classification: MetricsDisplay = {
  task: 'classification', nodeId: 'species', split: 'the validation split (51 rows)', rows: 51, accuracy: 0.98,
  classes: [], confusion: [], majorityBaseline: 0.451, majorityClass: 'Gentoo', logLoss: 0.0412,
};

function display(data: Record<string, unknown>): Output {
  return { output_type: 'display_data', data: { 'text/plain': 'shown', ...data }, metadata: {} };
}

const notebook: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: 'markdown', source: '# Cars' },
    { cell_type: 'code', metadata: {}, source: '%%dnn_regressor mpg', execution_count: 1, outputs: [
      { output_type: 'stream', name: 'stdout', text: 'training job 64200571 started\n' },
      display({ 'application/vnd.flowbook.training+json': training }),
      display({ 'application/vnd.flowbook.metrics+json': classification }),
    ] },
    { cell_type: 'code', metadata: {}, source: '%%predict scored', execution_count: 2, outputs: [display({ 'application/vnd.flowbook.metrics+json': regression })] },
    { cell_type: 'code', metadata: {}, source: '%%tfscript custom', execution_count: 3, outputs: [display({ 'application/vnd.flowbook.training+json': custom })] },
  ],
};

describe('the results summary at the end of a run', () => {
  it('finds the training and metrics displays with the cells that show them', () => {
    const results = notebookResults(notebook);
    expect(results.trainings).toEqual([{ cellNumber: 2, training }, { cellNumber: 4, training: custom }]);
    expect(results.metrics).toEqual([{ cellNumber: 2, metrics: classification }, { cellNumber: 3, metrics: regression }]);
  });

  it('puts each trained model and each metrics report on one line, beside its baselines, in cell order', () => {
    expect(summaryLines(notebookResults(notebook))).toEqual([
      'Results:',
      '  cell 2: model mpg early stopped after epoch 37/80, kept epoch 22 (val_loss 0.1579), job 64200571 on wasm',
      '  cell 2: species on the validation split (51 rows): accuracy 98.0% (majority class Gentoo: 45.1%), log loss 0.04120',
      '  cell 3: scored on the input of scored (78 rows): R² 0.897, RMSE 2.670, MAE 1.843 (predict-the-mean RMSE 8.311, persistence RMSE 3.082)',
      '  cell 4: model custom failed after epoch 37/80, job 1d851c47 on wasm: loss became NaN at epoch 3',
    ]);
  });

  it('says nothing for a notebook that trains and scores nothing', () => {
    expect(summaryLines(notebookResults({ ...notebook, cells: [notebook.cells[0]] }))).toEqual([]);
  });
});
