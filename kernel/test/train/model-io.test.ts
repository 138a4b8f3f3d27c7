import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/train/backend';
import type { ClassificationMetrics } from '../../src/train/metrics';
import { loadModelBundle, modelFromFiles, modelToFiles, saveModelBundle, storeIOHandler } from '../../src/train/model-io';
import { buildNetwork } from '../../src/train/network';
import type { ModelPreprocessing } from '../../src/train/predict';
import { temporaryStorePerTest } from './harness';

beforeAll(() => selectBackend());
const temporary = temporaryStorePerTest('model io');

function model(): tf.Sequential {
  return buildNetwork({
    inputShape: [3], hiddenUnits: [5, 4], activation: ['tanh', 'relu'], dropout: 0.1, head: { kind: 'softmax', classes: 3 },
  }, { initializer: 'heNormal', l1: 0, l2: 0.01, seed: 11 });
}

const input = () => tf.tensor2d([[0.1, -2, 3], [1, 1, 1], [-0.5, 0.25, 8]]);

describe('model files in a Store', () => {
  it('T7: saves model.json + weights.bin (manifest paths matching) under a key with spaces and CJK, and loads back to identical predictions', async () => {
    const m = model();
    const key = 'models/销售预测 v1/abc';
    const result = await m.save(storeIOHandler(temporary.store, key));
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    const folder = path.join(temporary.root, 'models', '销售预测 v1', 'abc');
    expect(fs.readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const declared = json.weightsManifest[0].weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(fs.statSync(path.join(folder, 'weights.bin')).size).toBe(declared);

    const loaded = await tf.loadLayersModel(storeIOHandler(temporary.store, key));
    const x = input();
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    tf.dispose([x, m, loaded]);
  });

  it('T7: the bundle is published at once with preprocessing.json and metrics.json beside the model', async () => {
    const m = model();
    const preprocessing = { version: 1, kind: 'dnn_classifier', target: { column: 'y', kind: 'classes', labels: ['猫', '狗', 3] } } as unknown as ModelPreprocessing;
    const metrics = { task: 'classification', accuracy: 0.9 } as ClassificationMetrics;
    await saveModelBundle(temporary.store, 'models/m/fp1', { files: await modelToFiles(m), preprocessing, metrics });
    expect(fs.readdirSync(path.join(temporary.root, 'models', 'm'))).toEqual(['fp1']);
    expect(fs.readdirSync(path.join(temporary.root, 'models', 'm', 'fp1')).sort()).toEqual(['metrics.json', 'model.json', 'preprocessing.json', 'weights.bin']);
    const back = await loadModelBundle(temporary.store, 'models/m/fp1');
    expect(back.preprocessing).toEqual(preprocessing);
    expect(back.metrics).toEqual(metrics);
    const x = input();
    expect(Array.from((back.model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    tf.dispose([x, m, back.model]);
  });

  it('the in-memory form (what the worker sends) round-trips too', async () => {
    const m = model();
    const again = await modelFromFiles(await modelToFiles(m));
    const x = input();
    expect(Array.from((again.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    tf.dispose([x, m, again]);
  });

  it('T1: a model with a NaN weight is never saved', async () => {
    const m = model();
    m.layers[0].setWeights([tf.fill([3, 5], NaN), tf.zeros([5])]);
    await expect(m.save(storeIOHandler(temporary.store, 'models/bad/fp'))).rejects.toThrow('the model has NaN or infinite weights, so it was not saved');
    expect(fs.existsSync(path.join(temporary.root, 'models', 'bad'))).toBe(false);
    m.dispose();
  });

  it('loading a model that was never stored says which node to run', async () => {
    await expect(loadModelBundle(temporary.store, 'models/none/fp')).rejects.toThrow(`no model is stored at models/none/fp in ${temporary.root}`);
  });
});
