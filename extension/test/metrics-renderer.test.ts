import { Widget } from '@lumino/widgets';
import { METRICS_MIME } from '../src/mime-types';
import { MetricsRenderer } from '../src/metrics/renderer';
import { english } from './translation';

async function render(report: unknown): Promise<HTMLElement> {
  const renderer = new MetricsRenderer(english);
  Widget.attach(renderer, document.body);
  await renderer.renderModel({ data: { [METRICS_MIME]: report } } as never);
  return renderer.node;
}

describe('MetricsRenderer', () => {
  it('tabulates a classification report with its confusion matrix, labels as text', async () => {
    const node = await render({
      task: 'classification', nodeId: 'species', split: 'test', rows: 4, accuracy: 0.75,
      classes: [
        { label: 'a', precision: 1, recall: 0.5, f1: 0.6667, support: 2 },
        { label: '<script>x</script>', precision: 0.6667, recall: 1, f1: 0.8, support: 2 }
      ],
      confusion: [[1, 1], [0, 2]]
    });
    expect(node.querySelector('.fb-Metrics-headline')!.textContent).toBe('accuracy 0.7500');
    expect(node.querySelectorAll('.fb-Metrics-classes tbody tr')).toHaveLength(2);
    expect(node.querySelector('script')).toBeNull();
    const lastRow = node.querySelectorAll('.fb-Metrics-confusion tbody tr')[1];
    expect(lastRow.querySelector('th')!.textContent).toBe('<script>x</script>');
    expect(Array.from(lastRow.querySelectorAll('td')).map(td => td.textContent)).toEqual(['0', '2']);
  });

  it('lists regression errors, MAPE as a percentage', async () => {
    const node = await render({ task: 'regression', nodeId: 'mpg', split: 'test', rows: 79, mae: 1.9, mse: 6.7, rmse: 2.59, r2: 0.887, mape: 0.081 });
    const rows = Array.from(node.querySelectorAll('.fb-Metrics-regression tbody tr')).map(r => r.textContent);
    expect(rows).toEqual(['MAE1.9000', 'MSE6.7000', 'RMSE2.5900', 'R²0.8870', 'MAPE8.1000 %']);
  });
});

describe('MetricsRenderer baselines', () => {
  it('puts the majority-class baseline, log loss and ROC AUC beside a classification', async () => {
    const node = await render({
      task: 'classification', nodeId: 'churn', split: 'test', rows: 10, accuracy: 0.9,
      classes: [], confusion: [], majorityBaseline: 0.7, majorityClass: 'stays', logLoss: 0.31, rocAuc: 0.93
    });
    const rows = Array.from(node.querySelectorAll('.fb-Metrics-summary tbody tr')).map(r => r.textContent);
    expect(rows).toEqual(['baseline accuracy (always "stays")0.7000', 'log loss0.3100', 'ROC AUC0.9300']);
  });

  it('shows regression errors next to the mean and persistence baselines', async () => {
    const node = await render({
      task: 'regression', nodeId: 'temp', split: 'validation', rows: 50, mae: 1, mse: 2, rmse: 1.5, r2: 0.8,
      meanBaseline: { mae: 3, rmse: 4, r2: 0 }, persistenceBaseline: { mae: 1.2, rmse: 1.7 }
    });
    const headers = Array.from(node.querySelectorAll('.fb-Metrics-regression thead th')).map(h => h.textContent);
    expect(headers).toEqual(['metric', 'model', 'predict the mean', 'repeat the last value']);
    const cells = (i: number) => Array.from(node.querySelectorAll('.fb-Metrics-regression tbody tr')[i].children).map(c => c.textContent);
    expect(cells(0)).toEqual(['MAE', '1.0000', '3.0000', '1.2000']);
    expect(cells(1)).toEqual(['MSE', '2.0000', '', '']);
    expect(cells(3)).toEqual(['R²', '0.8000', '0.0000', '']);
  });
});
