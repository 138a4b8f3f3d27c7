import type * as arrow from 'apache-arrow';
import { toArrowTable } from '../../src/data/convert';
import { classificationMetrics, regressionMetrics, type ClassificationMetrics } from '../../src/train/metrics';
import { parseModelSpec, type ModelKind } from '../../src/train/params';
import { predictTable } from '../../src/train/predict';
import { SeededRandom } from '../../src/train/random';
import { trainModel, type TrainedModel } from '../../src/train/train-model';
import { loadJson, loadSeattleWeather, pickRows } from './datasets';

/** Every fifth row (by a seeded draw) is held out from training entirely. */
function holdOut(table: arrow.Table, seed = 1): { train: arrow.Table; test: arrow.Table } {
  const random = new SeededRandom(seed);
  const test = new Set<number>();
  for (let r = 0; r < table.numRows; r++) if (random.next() < 0.2) test.add(r);
  return { train: pickRows(table, (r) => !test.has(r)), test: pickRows(table, (r) => test.has(r)) };
}

async function train(kind: ModelKind, params: unknown, table: arrow.Table, log: string[] = []): Promise<TrainedModel> {
  return trainModel(parseModelSpec(kind, params), table, { log: (line) => log.push(line) });
}

describe('training on real data (vega-datasets)', () => {
  it('cars → Miles_per_Gallon: DNN regression reaches R² ≥ 0.80 on held-out rows', async () => {
    const { train: rows, test } = holdOut(loadJson('cars.json'));
    const trained = await train('dnn_regressor', {
      // Default features: every usable column (Name has too many values to be one; Year is one-hot).
      target: 'Miles_per_Gallon',
      network: { hidden_units: [32, 16] },
      training: { learning_rate: 0.01, epochs: 80, early_stopping: { patience: 15 } },
    }, rows);
    const { columns: [predicted], metrics } = predictTable(trained.model, trained.preprocessing, test, 'held-out rows');
    const mpg = test.getChild('Miles_per_Gallon')!;
    const actual = Array.from({ length: test.numRows }, (_, r) => mpg.get(r) as number | null); // not toArray(): it reads nulls as 0 (A1)
    const scored = [...Array(test.numRows).keys()].filter((r) => actual[r] !== null && predicted.values[r] !== null);
    expect(scored.length).toBeGreaterThan(60);
    const m = regressionMetrics(
      Float64Array.from(scored, (r) => actual[r]!), Float64Array.from(scored, (r) => predicted.values[r] as number), 23.5, 'held out',
    );
    expect(m.r2).toBeGreaterThanOrEqual(0.8);
    // Scoring a table that holds the target reports the same figures, beside the training-mean baseline.
    expect(metrics).toMatchObject({ task: 'regression', rows: scored.length });
    expect(metrics!.task === 'regression' && metrics!.r2).toBeCloseTo(m.r2, 10);
    expect(metrics!.task === 'regression' && metrics!.meanBaseline.r2).toBeLessThan(0.05);
    trained.model.dispose();
  });

  it('penguins → Species: DNN classification reaches accuracy ≥ 0.95 on held-out rows', async () => {
    const { train: rows, test } = holdOut(loadJson('penguins.json'), 2);
    const trained = await train('dnn_classifier', { target: 'Species', training: { learning_rate: 0.01, epochs: 40 } }, rows);
    const { columns: [predicted], metrics } = predictTable(trained.model, trained.preprocessing, test, 'held-out rows');
    const actual = test.getChild('Species')!;
    let right = 0, scored = 0;
    for (let r = 0; r < test.numRows; r++) {
      if (predicted.values[r] === null) continue;
      scored++;
      if (predicted.values[r] === actual.get(r)) right++;
    }
    expect(scored).toBeGreaterThan(50);
    expect(right / scored).toBeGreaterThanOrEqual(0.95);
    expect(metrics).toMatchObject({ task: 'classification', rows: scored, accuracy: right / scored });
    trained.model.dispose();
  });

  it('seattle-weather → next-day temp_max: the LSTM beats yesterday\'s-value persistence on the latest days', async () => {
    const weather = loadSeattleWeather();
    const cut = Math.floor(weather.numRows * 0.8);
    const trained = await train('lstm_regressor', {
      target: 'temp_max', order: 'date', window: 7, horizon: 1,
      network: { lstm_units: 16 },
      training: { learning_rate: 0.005, epochs: 8, batch_size: 64 },
    }, pickRows(weather, (r) => r < cut));
    // Forecasts need the 7 days before each test day, so the test table starts a window early.
    const test = pickRows(weather, (r) => r >= cut - 7);
    const { columns: [forecast], metrics } = predictTable(trained.model, trained.preprocessing, test, 'the latest days');
    const temp = test.getChild('temp_max')!.toArray() as Float64Array;
    let model = 0, persistence = 0, n = 0;
    for (let r = 6; r + 1 < test.numRows; r++) {
      const next = temp[r + 1];
      model += ((forecast.values[r] as number) - next) ** 2;
      persistence += (temp[r] - next) ** 2;
      n++;
    }
    expect(forecast.values.slice(0, 6)).toEqual(new Array(6).fill(null));
    expect(Math.sqrt(model / n)).toBeLessThan(Math.sqrt(persistence / n));
    expect(metrics).toMatchObject({ task: 'regression', rows: n });
    expect(metrics!.task === 'regression' && metrics!.rmse).toBeCloseTo(Math.sqrt(model / n), 6);
    expect(metrics!.task === 'regression' && metrics!.persistenceBaseline!.rmse).toBeCloseTo(Math.sqrt(persistence / n), 6);
    expect(trained.metrics).toMatchObject({ task: 'regression', persistenceBaseline: expect.any(Object) });
    trained.model.dispose();
  }, 60_000);

  it('T4: an LSTM with horizon 2 and stride 4 over two series trains on those windows, and predictTable replays them', async () => {
    // Two cities, 20 and 14 days, rows in no particular order; v is the series to forecast.
    const days = [...Array.from({ length: 20 }, (_, d) => ({ city: 'a', day: d + 1 })), ...Array.from({ length: 14 }, (_, d) => ({ city: 'b', day: d + 1 }))];
    const rows = days.map((_, i) => days[(i * 7) % days.length]).map((r) => ({ ...r, v: Math.sin(r.day / 3) + (r.city === 'a' ? 0 : 2) }));
    const table = toArrowTable(rows);
    const trained = await train('lstm_regressor', {
      target: 'v', order: 'day', group: 'city', window: 3, horizon: 2, stride: 4,
      network: { lstm_units: 4 }, training: { epochs: 1, validation_split: 0.2 },
    }, table);
    expect(trained.preprocessing.window).toEqual({ size: 3, horizon: 2, stride: 4, order: 'day', group: 'city' });
    // Windows start every 4 days and need a target 2 days past their end in the same city:
    // a starts at day 1, 5, 9, 13 (day 17's window would aim at day 21); b at day 1, 5, 9. The latest of each validate.
    expect(trained.split).toEqual({ training: 5, validation: 2 });

    const { columns: [forecast], metrics } = predictTable(trained.model, trained.preprocessing, table, 'all');
    const at = (city: string, day: number) => rows.findIndex((r) => r.city === city && r.day === day);
    // Every row that ends a window of 3 days in its own city gets a forecast (stride is for training only).
    expect(forecast.values.map((v) => v === null)).toEqual(rows.map((r) => r.day < 3));
    // Scored against the value 2 days after the window's last day, in the same city: a days 3..18, b days 3..12.
    const pairs = rows.filter((r) => r.day >= 3 && at(r.city, r.day + 2) >= 0).map((r) => [forecast.values[at(r.city, r.day)] as number, rows[at(r.city, r.day + 2)].v]);
    expect(pairs).toHaveLength(16 + 10);
    expect(metrics).toMatchObject({ task: 'regression', rows: 26 });
    const rmse = Math.sqrt(pairs.reduce((sum, [p, a]) => sum + (p - a) ** 2, 0) / pairs.length);
    expect(metrics!.task === 'regression' && metrics!.rmse).toBeCloseTo(rmse, 6);
    trained.model.dispose();
  });

  describe('T1: unscaled inputs', () => {
    const line = toArrowTable(Array.from({ length: 24 }, (_, i) => ({ x: i + 1, y: i + 3 })));
    const params = (standardize: 'none' | 'zscore') => ({
      target: 'y',
      preprocessing: { standardize, scale_target: standardize !== 'none' },
      network: { hidden_units: [] },
      training: { optimizer: 'sgd', learning_rate: 0.1, epochs: 100, validation_split: 0, early_stopping: { enabled: false } },
    });

    it('T1: without standardization training stops at the first non-finite loss, naming the likely cause', async () => {
      await expect(train('dnn_regressor', params('none'), line)).rejects.toThrow(/^loss became (NaN|infinite) at epoch \d+; inputs not scaled\? learning rate too high\?$/);
    });

    it('T1: with standardization the same model converges', async () => {
      const trained = await train('dnn_regressor', params('zscore'), line);
      expect(trained.metrics.task === 'regression' && trained.metrics.r2).toBeGreaterThan(0.999);
      trained.model.dispose();
    });
  });

  describe('T3: labels and imbalance', () => {
    /** 950 / 50 rows of "猫" / "狗"; the rare class sits at high x, with overlap. */
    function imbalanced(): arrow.Table {
      const random = new SeededRandom(5);
      return toArrowTable(Array.from({ length: 1000 }, (_, i) => {
        const rare = i % 20 === 0;
        return { x: (rare ? 1.2 : 0) + random.next() * 1.5, noise: random.next(), pet: rare ? '狗' : '猫' };
      }));
    }
    const params = (class_weights: unknown) => ({
      target: 'pet', network: { hidden_units: [8] }, training: { learning_rate: 0.01, epochs: 15, early_stopping: { enabled: false }, class_weights },
    });

    it('T3: reports the class split per split and the majority baseline beside accuracy', async () => {
      const log: string[] = [];
      const trained = await train('dnn_classifier', params('none'), imbalanced(), log);
      const m = trained.metrics as ClassificationMetrics;
      expect(log.find((l) => l.startsWith('classes in training'))).toMatch(/^classes in training: 狗 \d+, 猫 \d+; in validation: 狗 \d+, 猫 \d+$/);
      expect(trained.split.classCounts!.training.reduce((a, b) => a + b) + trained.split.classCounts!.validation.reduce((a, b) => a + b)).toBe(1000);
      expect(m.majorityClass).toBe('猫');
      expect(m.majorityBaseline).toBeGreaterThan(0.9);
      expect(trained.preprocessing.target).toEqual({ column: 'pet', kind: 'classes', labels: ['狗', '猫'] });
      trained.model.dispose();
    });

    it('T3: balanced class weights raise the rare class\'s recall', async () => {
      const recall = async (weights: unknown) => {
        const trained = await train('dnn_classifier', params(weights), imbalanced());
        const m = trained.metrics as ClassificationMetrics;
        trained.model.dispose();
        return m.perClass.find((c) => c.label === '狗')!.recall;
      };
      expect(await recall('balanced')).toBeGreaterThan(await recall('none'));
    });

    it('T3: integer labels 1,2,3 train with one softmax unit per class and predict the original labels', async () => {
      const random = new SeededRandom(3);
      const table = toArrowTable(Array.from({ length: 300 }, (_, i) => ({ v: (i % 3) + random.next() * 0.5, grade: (i % 3) + 1 })));
      const trained = await train('dnn_classifier', { target: 'grade', training: { learning_rate: 0.02, epochs: 30 } }, table);
      expect(trained.preprocessing.head).toEqual({ kind: 'softmax', classes: 3 });
      const [predicted, ...probabilities] = predictTable(trained.model, trained.preprocessing, table, 'all').columns;
      expect(new Set(predicted.values)).toEqual(new Set([1, 2, 3]));
      expect(probabilities.map((c) => c.name)).toEqual(['probability_1', 'probability_2', 'probability_3']);
      const m = classificationMetrics(
        Int32Array.from(predicted.values, (_, r) => r % 3),
        Float32Array.from(predicted.values.flatMap((_, r) => probabilities.map((c) => c.values[r] as number))),
        [1, 2, 3], 'all',
      );
      expect(m.accuracy).toBeGreaterThan(0.95);
      trained.model.dispose();
    });
  });

  it('the same seed trains the same model end to end', async () => {
    const table = loadJson('penguins.json');
    const weights = async () => {
      const trained = await train('dnn_classifier', { target: 'Species', network: { dropout: 0.2 }, training: { epochs: 3 } }, table);
      const values = trained.model.getWeights().map((w) => Array.from(w.dataSync()));
      trained.model.dispose();
      return values;
    };
    expect(await weights()).toEqual(await weights());
  });

  it('too few rows and a missing target column are clear errors', async () => {
    const tiny = toArrowTable([{ x: 1, y: 1 }, { x: 2, y: null }, { x: 3, y: 2 }]);
    await expect(train('dnn_regressor', { target: 'y' }, tiny)).rejects.toThrow('need at least 5 rows with a target and every feature to train, got 2');
    await expect(train('dnn_regressor', { target: 'z' }, tiny)).rejects.toThrow('target `z` is not a column of the input');
  });
});
