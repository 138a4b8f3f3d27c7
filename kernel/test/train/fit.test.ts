import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/train/backend';
import { fitModel, type FitOptions, type FitSamples, type ProgressEvent } from '../../src/train/fit';
import { buildNetwork, type Head } from '../../src/train/network';
import { runModel } from '../../src/train/predict';
import { SeededRandom } from '../../src/train/random';

const head: Head = { kind: 'regression', activation: 'linear' };

/** y = 2·x0 − x1 + noise, seeded. */
function samples(count: number, seed: number, noise = 0.1): FitSamples {
  const random = new SeededRandom(seed);
  const x = new Float32Array(count * 2), y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = random.next() * 2 - 1;
    x[2 * i + 1] = random.next() * 2 - 1;
    y[i] = 2 * x[2 * i] - x[2 * i + 1] + noise * (random.next() - 0.5);
  }
  return { x, y, count };
}

function options(overrides: Partial<FitOptions> = {}): FitOptions {
  return {
    sampleShape: [2], yWidth: 1, head, optimizer: 'adam', learningRate: 0.01, epochs: 8, batchSize: 16, seed: 7,
    earlyStopping: { enabled: false, monitor: 'val_loss', patience: 0, min_delta: 0, restore_best: true },
    backend: 'test', ...overrides,
  };
}

function network(hidden: number[] = [8], seed = 7): tf.Sequential {
  return buildNetwork({ inputShape: [2], hiddenUnits: hidden, activation: 'relu', dropout: 0.2, head }, { initializer: 'glorotUniform', l1: 0, l2: 0.001, seed });
}

function mse(model: tf.LayersModel, data: FitSamples): number {
  const out = runModel(model, data.x, [2], data.count);
  return out.reduce((s, v, i) => s + (v - data.y[i]) ** 2, 0) / data.count;
}

beforeAll(() => selectBackend());

describe('the training loop', () => {
  it('learns: the validation error falls well below the start', async () => {
    const model = network();
    const validation = samples(100, 2);
    const before = mse(model, validation);
    const result = await fitModel(model, samples(400, 1), validation, options({ epochs: 20 }));
    expect(result.history).toHaveLength(20);
    expect(mse(model, validation)).toBeLessThan(before / 10);
    model.dispose();
  });

  it('T5: the tensor count stays flat across epochs and returns to the model\'s own after training', async () => {
    const model = network();
    const baseline = tf.memory().numTensors;
    const perEpoch: number[] = [];
    await fitModel(model, samples(200, 1), samples(50, 2), options({
      epochs: 12,
      onProgress: (e) => { if (e.type === 'epoch') perEpoch.push(tf.memory().numTensors); },
    }));
    // Epoch 1 creates the optimizer's slots and the best-weights copy; after that nothing may grow.
    expect(new Set(perEpoch.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it.each([
    ['softmax classes with class weights', { kind: 'softmax', classes: 3 } as Head, [2], 3],
    ['one sigmoid unit for two classes', { kind: 'sigmoid', classes: 2 } as Head, [2], 1],
    ['an LSTM over windows', head, [4, 2], 1],
  ])('T5: the tensor count stays flat for %s too', async (_name, modelHead, sampleShape, yWidth) => {
    const count = 96;
    const random = new SeededRandom(5);
    const width = sampleShape.reduce((a, b) => a * b, 1);
    const data = (n: number): FitSamples => {
      // A number, one sigmoid unit's 0/1, or a one-hot row of K classes.
      const y = new Float32Array(n * yWidth);
      for (let i = 0; i < n; i++) {
        if (modelHead.kind === 'regression') y[i] = random.next();
        else if (yWidth === 1) y[i] = i % 2;
        else y[i * yWidth + (i % yWidth)] = 1;
      }
      return { x: Float32Array.from({ length: n * width }, () => random.next()), y, count: n, weights: Float32Array.from({ length: n }, (_, i) => 1 + (i % 3)) };
    };
    const model = buildNetwork({
      inputShape: sampleShape, hiddenUnits: [6], activation: 'tanh', dropout: 0.1, head: modelHead,
      ...(sampleShape.length === 2 ? { lstm: { units: 4, layers: 2 } } : {}),
    }, { initializer: 'heNormal', l1: 0.001, l2: 0.001, seed: 3 });
    const baseline = tf.memory().numTensors;
    const perEpoch: number[] = [];
    await fitModel(model, data(count), data(32), options({
      sampleShape, yWidth, head: modelHead, epochs: 6,
      earlyStopping: { enabled: true, monitor: 'val_loss', patience: 100, min_delta: 0, restore_best: true },
      onProgress: (e) => { if (e.type === 'epoch') perEpoch.push(tf.memory().numTensors); },
    }));
    expect(perEpoch).toHaveLength(6);
    expect(new Set(perEpoch.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('the same seed gives the same weights; another seed gives others', async () => {
    const weightsAfter = async (seed: number) => {
      const model = network([8], seed);
      await fitModel(model, samples(120, 1), undefined, options({ seed, epochs: 3 }));
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    const first = await weightsAfter(3);
    expect(await weightsAfter(3)).toEqual(first);
    expect(await weightsAfter(4)).not.toEqual(first);
  });

  it('early stopping ends after `patience` epochs without improvement and restores the best epoch', async () => {
    // Few noisy samples and a wide network: validation loss soon rises.
    const model = network([64, 64]);
    const validation = samples(40, 9, 4);
    const result = await fitModel(model, samples(20, 8, 4), validation, options({
      epochs: 300, learningRate: 0.05,
      earlyStopping: { enabled: true, monitor: 'val_loss', patience: 3, min_delta: 0, restore_best: true },
    }));
    expect(result.stoppedEarly).toBe(true);
    const losses = result.history.map((h) => h.valLoss!);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(result.keptEpoch).toBe(best);
    expect(result.epochsRun).toBe(best + 3);
    expect(mse(model, validation)).toBeCloseTo(losses[best - 1], 4);
    model.dispose();
  });

  describe('early stopping options', () => {
    const noisy = () => ({ model: network([64, 64]), train: samples(20, 8, 4), validation: samples(40, 9, 4) });
    const run = async (earlyStopping: FitOptions['earlyStopping'], epochs = 40) => {
      const { model, train, validation } = noisy();
      const result = await fitModel(model, train, validation, options({ epochs, learningRate: 0.05, earlyStopping }));
      const finalLoss = mse(model, validation);
      model.dispose();
      const valLosses = result.history.map((h) => h.valLoss!);
      return { result, finalLoss, valLosses, best: valLosses.indexOf(Math.min(...valLosses)) + 1 };
    };

    it('restore_best: false ends with the last epoch\'s weights', async () => {
      const { result, finalLoss, valLosses, best } = await run({ enabled: true, monitor: 'val_loss', patience: 3, min_delta: 0, restore_best: false });
      expect(result.stoppedEarly).toBe(true);
      expect(best).toBeLessThan(result.epochsRun);
      expect(result.keptEpoch).toBe(result.epochsRun);
      expect(finalLoss).toBeCloseTo(valLosses.at(-1)!, 4);
    });

    it('enabled: false runs every epoch and keeps the last; enabled with restore_best keeps the best even when no stop came', async () => {
      const off = await run({ enabled: false, monitor: 'val_loss', patience: 3, min_delta: 0, restore_best: true }, 25);
      expect(off.result).toMatchObject({ epochsRun: 25, keptEpoch: 25, stoppedEarly: false });
      expect(off.best).toBeLessThan(25);
      const patient = await run({ enabled: true, monitor: 'val_loss', patience: 1000, min_delta: 0, restore_best: true }, 25);
      expect(patient.result).toMatchObject({ epochsRun: 25, keptEpoch: patient.best, stoppedEarly: false });
      expect(patient.finalLoss).toBeCloseTo(patient.valLosses[patient.best - 1], 4);
    });

    it('min_delta: an improvement smaller than it does not count', async () => {
      const { result } = await run({ enabled: true, monitor: 'val_loss', patience: 2, min_delta: 1e6, restore_best: true });
      // Only epoch 1 improves on "nothing yet"; no later gain is a million, so it stops after patience epochs.
      expect(result).toMatchObject({ epochsRun: 3, keptEpoch: 1, stoppedEarly: true });
    });

    it('monitor: loss follows the training loss, not the validation loss', async () => {
      const { result } = await run({ enabled: true, monitor: 'loss', patience: 3, min_delta: 0, restore_best: true });
      const losses = result.history.map((h) => h.loss);
      expect(result.keptEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    });
  });

  it('a stop request ends training after the current batch and keeps the best weights', async () => {
    const model = network();
    let epochs = 0;
    const result = await fitModel(model, samples(200, 1), samples(50, 2), options({
      epochs: 50,
      onProgress: (e) => { if (e.type === 'epoch') epochs++; },
      stopRequested: () => epochs >= 3,
    }));
    expect(result.stoppedOnRequest).toBe(true);
    expect(result.epochsRun).toBe(4);
    const losses = result.history.map((h) => h.valLoss!);
    expect(result.keptEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    model.dispose();
  });

  it('progress events carry the epoch, losses, metric, timing and the backend', async () => {
    const model = network();
    const events: unknown[] = [];
    await fitModel(model, samples(64, 1), samples(16, 2), options({ epochs: 2, onProgress: (e) => events.push(e) }));
    expect(events.at(-1)).toMatchObject({
      type: 'epoch', epoch: 2, epochs: 2, batch: 4, batches: 4, metricName: 'rmse', backend: 'test', etaMs: 0,
      loss: expect.any(Number), valLoss: expect.any(Number), metric: expect.any(Number), valMetric: expect.any(Number),
    });
    model.dispose();
  });

  it('reports batches within an epoch, with an ETA, between the epoch reports (a clock 300 ms a reading)', async () => {
    const model = network();
    const events: ProgressEvent[] = [];
    let clock = 1_000_000;
    const now = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 300));
    try {
      // 200 rows in batches of 16: 13 batches an epoch, 39 in all.
      await fitModel(model, samples(200, 1), undefined, options({ epochs: 3, onProgress: (e) => events.push(e) }));
    } finally {
      now.mockRestore();
    }
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([1, 2, 3]);
    const batches = events.filter((e) => e.type === 'batch');
    expect(new Set(batches.map((e) => e.epoch))).toEqual(new Set([1, 2, 3]));
    for (const e of batches) {
      // Inside its epoch (before that epoch's own report), and no loss yet: losses are read once an epoch.
      expect(events.indexOf(e)).toBeLessThan(events.findIndex((x) => x.type === 'epoch' && x.epoch === e.epoch));
      expect(e).toMatchObject({ epochs: 3, batches: 13, backend: 'test' });
      expect(e.batch).toBeGreaterThan(0);
      expect(e.batch).toBeLessThan(13);
      expect(e.loss).toBeUndefined();
      const done = (e.epoch - 1) * 13 + e.batch;
      expect(e.etaMs).toBeGreaterThan(0);
      expect(e.etaMs).toBe(Math.round((e.elapsedMs / done) * (39 - done)));
    }
    model.dispose();
  });
});
