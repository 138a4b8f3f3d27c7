import { classificationMetrics, regressionMetrics, rocAuc } from '../../src/train/metrics';
import { metricsBundle, metricsReport } from '../../src/train/metrics-report';

describe('metrics', () => {
  // 3 classes; rows: actual → predicted (argmax): a→a, a→a, a→b, b→b, c→c, c→a
  const actual = Int32Array.from([0, 0, 0, 1, 2, 2]);
  const probs = Float32Array.from([
    0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1,
    0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.5, 0.2, 0.3,
  ]);

  it('T3: classification shows accuracy beside the majority baseline, per-class scores and the confusion matrix', () => {
    const m = classificationMetrics(actual, probs, ['a', 'b', 'c'], 'test');
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.majorityBaseline).toBeCloseTo(3 / 6);
    expect(m.majorityClass).toBe('a');
    expect(m.confusion).toEqual([[2, 1, 0], [0, 1, 0], [1, 0, 1]]);
    expect(m.perClass[0]).toMatchObject({ label: 'a', support: 3 });
    expect(m.perClass[0].precision).toBeCloseTo(2 / 3);
    expect(m.perClass[0].recall).toBeCloseTo(2 / 3);
    expect(m.perClass[1].precision).toBeCloseTo(1 / 2);
    expect(m.perClass[1].f1).toBeCloseTo(2 / 3);
    const expectedLogLoss = -[0.8, 0.6, 0.2, 0.8, 0.8, 0.3].reduce((s, p) => s + Math.log(p), 0) / 6;
    expect(m.logLoss).toBeCloseTo(expectedLogLoss, 5);
    expect(m.rocAuc).toBeUndefined();
  });

  it('ROC AUC for two classes counts ordered pairs, ties half', () => {
    expect(rocAuc(Int32Array.from([0, 0, 1, 1]), Float32Array.from([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.75);
    expect(rocAuc(Int32Array.from([0, 1]), Float32Array.from([0.5, 0.5]))).toBeCloseTo(0.5);
    const binary = classificationMetrics(Int32Array.from([0, 1]), Float32Array.from([0.9, 0.1, 0.2, 0.8]), [false, true], 'test');
    expect(binary.rocAuc).toBe(1);
  });

  it('regression: MAE, RMSE, R², MAPE beside predicting the training mean', () => {
    const m = regressionMetrics(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 2, 3, 5]), 2.5, 'test', Float64Array.from([0, 1, 2, 3]));
    expect(m.mae).toBeCloseTo(0.25);
    expect(m.rmse).toBeCloseTo(0.5);
    expect(m.r2).toBeCloseTo(1 - 1 / 5);
    expect(m.mape).toBeCloseTo(100 * 0.25 / 4);
    expect(m.meanBaseline).toEqual({ mae: 1, rmse: Math.sqrt(5 / 4), r2: 0 });
    expect(m.persistenceBaseline).toEqual({ mae: 1, rmse: 1 });
    expect(metricsReport(m, 'n').json).toMatchObject({ task: 'regression', mse: 0.25, r2: m.r2, meanBaseline: m.meanBaseline, persistenceBaseline: { mae: 1, rmse: 1 } });
  });

  it('the report is JSON, HTML with data escaped, and text', () => {
    const m = classificationMetrics(Int32Array.from([0, 1]), Float32Array.from([0.9, 0.1, 0.2, 0.8]), ['<b>x</b>', 'y&z'], 'rows <1>');
    const report = metricsReport(m, 'pets');
    expect(report.json).toMatchObject({ task: 'classification', nodeId: 'pets', split: 'rows <1>', accuracy: 1, majorityBaseline: 0.5, rocAuc: 1 });
    expect(report.json.task === 'classification' && report.json.classes.map((c) => c.label)).toEqual(['<b>x</b>', 'y&z']);
    expect(report.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(report.html).toContain('y&amp;z');
    expect(report.html).not.toContain('<b>x</b>');
    expect(report.text).toContain('accuracy 100.0% (majority class <b>x</b>: 50.0%)');
    expect(Object.keys(metricsBundle(report))).toEqual(['application/vnd.flowbook.metrics+json', 'text/html', 'text/plain']);
  });
});
