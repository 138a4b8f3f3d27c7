import type * as arrow from 'apache-arrow';
import * as tf from '@tensorflow/tfjs';
import { toArrowTable } from '../../src/data/convert';
import { makeOptimizer } from '../../src/train/fit';
import type { ClassificationMetrics, RegressionMetrics } from '../../src/train/metrics';
import { ACTIVATIONS, INITIALIZERS, OPTIMIZERS, parseModelSpec, type ModelKind } from '../../src/train/params';
import { SeededRandom } from '../../src/train/random';
import { trainModel, type TrainedModel } from '../../src/train/train-model';
import { loadJson } from './datasets';

/**
 * Every option the issue lists is checked by the kind's schema (params.test.ts shows the messages)
 * and reaches the model: each test here trains through `trainModel` from cell parameters and looks
 * at what the option changed.
 */

/** y = 2·a − b + noise, with a text column `kind` (3 values), rows in a shuffled `t` order. */
function rows(count: number, seed = 1, gaps: number[] = []): arrow.Table {
  const random = new SeededRandom(seed);
  return toArrowTable(Array.from({ length: count }, (_, i) => {
    const a = random.next() * 2 - 1, b = random.next() * 2 - 1;
    return {
      t: (i * 37) % count,
      a: gaps.includes(i) ? null : a,
      b,
      kind: ['x', 'y', 'z'][i % 3],
      y: 2 * a - b + 0.1 * random.next(),
    };
  }));
}

async function train(kind: ModelKind, params: unknown, table: arrow.Table, log?: string[]): Promise<TrainedModel> {
  return trainModel(parseModelSpec(kind, params), table, { log: (line) => log?.push(line) });
}

/** Trains, hands the model to `look`, and disposes it. */
async function inspect<T>(kind: ModelKind, params: unknown, table: arrow.Table, look: (trained: TrainedModel) => T): Promise<T> {
  const trained = await train(kind, params, table);
  try {
    return look(trained);
  } finally {
    trained.model.dispose();
  }
}

const config = (layer: tf.layers.Layer) => layer.getConfig() as Record<string, unknown> & { activation?: string; units?: number };
const denseLayers = (model: tf.LayersModel) => model.layers.filter((l) => l.getClassName() === 'Dense');
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const quick = { epochs: 2, early_stopping: { enabled: false } };

describe('network options reach the model', () => {
  it('activation: one name per hidden layer, each of the seven, in order; a list of the wrong length is refused', async () => {
    const hidden = ACTIVATIONS.map(() => 3);
    const activations = await inspect('dnn_regressor', { target: 'y', network: { hidden_units: hidden, activation: [...ACTIVATIONS] }, training: quick }, rows(60),
      ({ model }) => denseLayers(model).map((l) => config(l).activation));
    expect(activations).toEqual([...ACTIVATIONS, 'linear']);
    const one = await inspect('dnn_regressor', { target: 'y', network: { hidden_units: [4, 4], activation: 'elu' }, training: quick }, rows(60),
      ({ model }) => denseLayers(model).map((l) => config(l).activation));
    expect(one).toEqual(['elu', 'elu', 'linear']);
    expect(() => parseModelSpec('dnn_regressor', { target: 'y', network: { hidden_units: [4, 4, 4], activation: ['tanh', 'elu'] } }))
      .toThrow('network.activation is ["tanh","elu"]; a list needs one activation per hidden layer (hidden_units has 3), or give one name for all layers');
  });

  it('output activation: sigmoid gives two classes one unit; relu and softplus bound a regression', async () => {
    const table = toArrowTable(Array.from({ length: 60 }, (_, i) => ({ v: i / 60, big: i >= 30 })));
    const sigmoid = await inspect('dnn_classifier', { target: 'big', network: { output_activation: 'sigmoid' }, training: quick }, table, ({ model, preprocessing }) => ({
      head: preprocessing.head, last: config(model.layers.at(-1)!),
    }));
    expect(sigmoid.head).toEqual({ kind: 'sigmoid', classes: 2 });
    expect(sigmoid.last).toMatchObject({ activation: 'sigmoid', units: 1 });
    for (const output of ['relu', 'softplus'] as const) {
      const last = await inspect('dnn_regressor', { target: 'y', network: { output_activation: output }, training: quick }, rows(40), ({ model }) => config(model.layers.at(-1)!));
      expect(last.activation).toBe(output);
    }
  });

  it('hidden_units, dropout, lstm_units and lstm_layers shape the network', async () => {
    const layers = await inspect('lstm_regressor', {
      target: 'y', order: 't', window: 4, network: { lstm_units: 5, lstm_layers: 2, hidden_units: [7], dropout: 0.25 }, training: quick,
    }, rows(80), ({ model }) => model.layers.map((l) => [l.getClassName(), config(l).units ?? config(l).rate, config(l).returnSequences]));
    expect(layers).toEqual([
      ['LSTM', 5, true], ['FlowbookSeededDropout', 0.25, undefined],
      ['LSTM', 5, false], ['FlowbookSeededDropout', 0.25, undefined],
      ['Dense', 7, undefined], ['FlowbookSeededDropout', 0.25, undefined],
      ['Dense', 1, undefined],
    ]);
  });
});

describe('training options reach the model', () => {
  it('initializer: every layer starts from the named distribution, seeded', async () => {
    const expected: Record<string, { className: string; config: Record<string, unknown> }> = {
      glorotUniform: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'uniform' } },
      glorotNormal: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'normal' } },
      heNormal: { className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'normal' } },
      heUniform: { className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'uniform' } },
      leCunNormal: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanIn', distribution: 'normal' } },
      leCunUniform: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanIn', distribution: 'uniform' } },
      randomNormal: { className: 'RandomNormal', config: { mean: 0, stddev: 0.05 } },
      randomUniform: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } },
      truncatedNormal: { className: 'TruncatedNormal', config: { mean: 0, stddev: 0.05 } },
      zeros: { className: 'Zeros', config: {} },
    };
    expect(Object.keys(expected)).toEqual([...INITIALIZERS]);
    for (const initializer of INITIALIZERS) {
      const kernels = await inspect('dnn_regressor', { target: 'y', network: { hidden_units: [3] }, training: { ...quick, epochs: 1, initializer } }, rows(20),
        ({ model }) => denseLayers(model).map((l) => config(l).kernelInitializer as { className: string; config: Record<string, unknown> }));
      for (const kernel of kernels) expect(kernel).toMatchObject(expected[initializer]);
      if (initializer !== 'zeros') expect(kernels[0].config.seed).toEqual(expect.any(Number));
    }
  });

  it('optimizer and learning rate: each of the seven trains to different weights from the same start', async () => {
    for (const name of OPTIMIZERS) {
      const optimizer = makeOptimizer(name, 0.02);
      expect(optimizer.getConfig()).toMatchObject({ learningRate: 0.02, ...(name === 'momentum' ? { momentum: 0.9 } : {}) });
      optimizer.dispose();
    }
    const trainedWith = (optimizer: string, learning_rate = 0.01) =>
      inspect('dnn_regressor', { target: 'y', network: { hidden_units: [4] }, training: { ...quick, optimizer, learning_rate } }, rows(40), ({ model }) => JSON.stringify(weightsOf(model)));
    const results = new Set<string>();
    for (const name of OPTIMIZERS) results.add(await trainedWith(name));
    results.add(await trainedWith('adam', 0.05));
    expect(results.size).toBe(OPTIMIZERS.length + 1);
  });

  it('L1/L2 regularize every dense kernel; a strong L2 gives smaller weights', async () => {
    const sizeOf = (l1: number, l2: number) => inspect('dnn_regressor', {
      target: 'y', network: { hidden_units: [16] }, training: { epochs: 30, learning_rate: 0.02, early_stopping: { enabled: false }, l1, l2 },
    }, rows(200), ({ model }) => ({
      regularizers: denseLayers(model).map((l) => config(l).kernelRegularizer),
      norm: Math.hypot(...denseLayers(model).flatMap((l) => Array.from(l.getWeights()[0].dataSync()))),
    }));
    const plain = await sizeOf(0, 0);
    const penalised = await sizeOf(0.001, 0.5);
    expect(plain.regularizers).toEqual([null, null]);
    expect(penalised.regularizers).toEqual([0, 1].map(() => ({ className: 'L1L2', config: { l1: 0.001, l2: 0.5 } })));
    expect(penalised.norm).toBeLessThan(plain.norm * 0.7);
  });

  it('class weights: a mapping by label raises that class\'s recall; a label not in the target is an error', async () => {
    const random = new SeededRandom(5);
    const pets = toArrowTable(Array.from({ length: 1000 }, (_, i) => {
      const rare = i % 20 === 0;
      return { x: (rare ? 1.2 : 0) + random.next() * 1.5, pet: rare ? '狗' : '猫' };
    }));
    const recall = (class_weights: unknown) => inspect('dnn_classifier', {
      target: 'pet', network: { hidden_units: [8] }, training: { learning_rate: 0.01, epochs: 15, early_stopping: { enabled: false }, class_weights },
    }, pets, ({ metrics }) => (metrics as ClassificationMetrics).perClass.find((c) => c.label === '狗')!.recall);
    expect(await recall({ 狗: 19 })).toBeGreaterThan(await recall('none'));
    await expect(train('dnn_classifier', { target: 'pet', training: { class_weights: { 鱼: 2 } } }, pets))
      .rejects.toThrow('training.class_weights names class "鱼", which is not in the target');
  });

  it('epochs and batch_size: one history entry per epoch, ⌈rows / batch⌉ batches each', async () => {
    const events: { batches: number }[] = [];
    const spec = parseModelSpec('dnn_regressor', { target: 'y', training: { epochs: 3, batch_size: 7, validation_split: 0, early_stopping: { enabled: false } } });
    const trained = await trainModel(spec, rows(50), { onProgress: (e) => { if (e.type === 'epoch') events.push(e); } });
    trained.model.dispose();
    expect(trained.fit.history).toHaveLength(3);
    expect(events.map((e) => e.batches)).toEqual([8, 8, 8]);
  });

  it('validation split: rows are drawn by the seed; an LSTM validates on its latest windows', async () => {
    const table = toArrowTable(Array.from({ length: 100 }, (_, i) => ({ t: (i * 37) % 100, y: (i * 37) % 100, noise: (i * 7) % 5 })));
    const baselineOf = (kind: ModelKind, params: object, seed: number) => inspect(kind, {
      target: 'y', ...params, training: { ...quick, validation_split: 0.2, seed },
    }, table, ({ metrics, split }) => ({ mae: (metrics as RegressionMetrics).meanBaseline.mae, split }));
    // y rises with t: the latest fifth lies far above the training mean (≈ 48 away); a shuffled fifth does not.
    const lstm = await baselineOf('lstm_regressor', { order: 't', window: 3 }, 1);
    expect(lstm.mae).toBeGreaterThan(40);
    const dnn = [await baselineOf('dnn_regressor', {}, 1), await baselineOf('dnn_regressor', {}, 1), await baselineOf('dnn_regressor', {}, 2)];
    expect(dnn[0].split).toEqual({ training: 80, validation: 20 });
    expect(dnn[0].mae).toBeLessThan(35);
    expect(dnn[1].mae).toBe(dnn[0].mae);
    expect(dnn[2].mae).not.toBe(dnn[0].mae);
  });
});

describe('preprocessing options reach the model', () => {
  it('standardize: zscore, minmax or none, fitted on the training rows', async () => {
    const table = rows(50);
    const a = Array.from({ length: 50 }, (_, r) => table.getChild('a')!.get(r) as number);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const encodingOf = (standardize: string) => inspect('dnn_regressor', {
      target: 'y', features: ['a'], preprocessing: { standardize }, training: { ...quick, validation_split: 0 },
    }, table, ({ preprocessing }) => preprocessing.features[0]);
    expect(await encodingOf('zscore')).toMatchObject({ center: expect.closeTo(mean, 10), scale: expect.closeTo(Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length), 10) });
    expect(await encodingOf('minmax')).toMatchObject({ center: Math.min(...a), scale: expect.closeTo(Math.max(...a) - Math.min(...a), 10) });
    expect(await encodingOf('none')).toMatchObject({ center: 0, scale: 1 });
  });

  it('missing values: drop leaves the rows out, mean fills them, error names the first gap', async () => {
    const table = rows(40, 1, [3, 7]);
    const used = (missing: string) => inspect('dnn_regressor', { target: 'y', preprocessing: { missing }, training: quick }, table,
      ({ split }) => split.training + split.validation);
    expect(await used('drop')).toBe(38);
    expect(await used('mean')).toBe(40);
    // No row goes silently: the node warns how many rows drop left out, and why.
    const warned = (missing: string) => inspect('dnn_regressor', { target: 'y', preprocessing: { missing }, training: quick }, table, ({ warnings }) => warnings);
    expect(await warned('drop')).toEqual(['2 of 40 input rows were left out of training: 2 with a missing feature (preprocessing.missing: drop; `mean` fills them in instead)']);
    expect(await warned('mean')).toEqual([]);
    await expect(train('dnn_regressor', { target: 'y', preprocessing: { missing: 'error' }, training: quick }, table)).rejects.toThrow('feature `a` is missing in row 4');
  });

  it('C4: an all-empty column is left out of the default features with a warning; listed under features it is an error', async () => {
    const table = toArrowTable(Array.from({ length: 40 }, (_, i) => ({ v: i, empty: null, y: 10 + i })));
    const { inputs, warnings } = await inspect('dnn_regressor', { target: 'y', training: quick }, table,
      ({ preprocessing, warnings }) => ({ inputs: preprocessing.inputNames, warnings }));
    expect(inputs).toEqual(['v']);
    expect(warnings).toEqual(['column `empty` has no value in any of the 40 input rows, so it is left out of the features']);
    await expect(train('dnn_regressor', { target: 'y', features: ['v', 'empty'], training: quick }, table))
      .rejects.toThrow('feature `empty` has no value in any of the 40 input rows');
  });

  it('text columns are one-hot encoded; the vocabulary is saved with the model and sizes its input', async () => {
    const cars = loadJson('cars.json');
    const { origin, width, names } = await inspect('dnn_regressor', {
      target: 'Miles_per_Gallon', features: ['Horsepower', 'Origin'], training: quick,
    }, cars, ({ model, preprocessing }) => ({
      origin: preprocessing.features.find((f) => f.column === 'Origin'), width: model.inputs[0].shape[1], names: preprocessing.inputNames,
    }));
    expect(origin).toEqual({ column: 'Origin', kind: 'categorical', vocabulary: ['Europe', 'Japan', 'USA'] });
    expect(names).toEqual(['Horsepower', 'Origin=Europe', 'Origin=Japan', 'Origin=USA']);
    expect(width).toBe(4);
  });

  it('max_categories leaves out text with more values by default; scale_target: false trains on raw units', async () => {
    const table = toArrowTable(Array.from({ length: 40 }, (_, i) => ({ v: i, code: `c${i % 5}`, y: 10 + i })));
    const inputs = (max_categories: number) => inspect('dnn_regressor', { target: 'y', preprocessing: { max_categories }, training: quick }, table,
      ({ preprocessing }) => preprocessing.features.map((f) => f.column));
    expect(await inputs(4)).toEqual(['v']);
    expect(await inputs(5)).toEqual(['v', 'code']);
    const target = await inspect('dnn_regressor', { target: 'y', preprocessing: { scale_target: false }, training: quick }, table, ({ preprocessing }) => preprocessing.target);
    expect(target).toEqual({ column: 'y', kind: 'numeric', center: 0, scale: 1 });
  });
});

it('a cell with only `target` trains with the defaults', async () => {
  const log: string[] = [];
  const trained = await train('dnn_classifier', { target: 'Species' }, loadJson('penguins.json'), log);
  trained.model.dispose();
  expect(trained.metrics).toMatchObject({ task: 'classification', accuracy: expect.any(Number) });
  expect((trained.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.9);
  expect(trained.preprocessing.standardize).toBe('zscore');
  expect(trained.split.validation).toBeGreaterThan(0);
  expect(log[0]).toMatch(/^backend: wasm/);
}, 60_000);
