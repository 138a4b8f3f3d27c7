import * as tf from '@tensorflow/tfjs';
import { stringifyJson } from '../data/convert';
import { FlowbookError } from '../errors';
import { temporaryKeyFor, type Store } from '../store/store';
import type { ModelMetrics } from './metrics';
import type { ModelPreprocessing } from './predict';
import './seeded-dropout';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREPROCESSING_FILE = 'preprocessing.json';
export const METRICS_FILE = 'metrics.json';

/** A layers model as its two files, in memory: what crosses from the training worker to the kernel. */
export interface ModelFiles {
  modelJson: tf.io.ModelJSON;
  weights: Uint8Array;
}

/** Everything stored under `models/<id>/<fingerprint>/`. */
/** The model as it is after an epoch, with what `%%predict` needs to apply it: a job's last checkpoint. */
export interface ModelCheckpoint {
  files: ModelFiles;
  preprocessing: ModelPreprocessing;
  epoch: number;
  step: number;
}

export interface ModelBundle {
  files: ModelFiles;
  preprocessing: ModelPreprocessing;
  metrics: ModelMetrics;
}

function filesFromArtifacts(artifacts: tf.io.ModelArtifacts): ModelFiles {
  if (!artifacts.weightSpecs || !artifacts.weightData || !artifacts.modelTopology) {
    throw new Error('tfjs handed over a model without topology or weights');
  }
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  rejectNonFinite(weights, artifacts.weightSpecs);
  return {
    modelJson: {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: 'Flowbook',
      // The path is relative to model.json, so the folder can move (and be renamed) as a whole.
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
    },
    weights,
  };
}

/** A model with a NaN or infinite weight is never saved (T1). */
function rejectNonFinite(weights: Uint8Array, specs: tf.io.WeightsManifestEntry[]): void {
  if (specs.some((s) => s.dtype !== 'float32' || s.quantization)) return;
  const values = new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
  if (values.some((v) => !Number.isFinite(v))) {
    throw new FlowbookError(
      'ModelNotFinite',
      'the model has NaN or infinite weights, so it was not saved',
      'standardize the inputs and lower the learning rate, then train again',
    );
  }
}

/** Serializes a model in memory through tfjs's own save path (so the topology is exactly what tfjs writes). */
export async function modelToFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    files = filesFromArtifacts(artifacts);
    return { modelArtifactsInfo: artifactsInfo(files) };
  }));
  return files!;
}

export async function modelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const artifacts = await tf.io.getModelArtifactsForJSON(files.modelJson, async (manifest) => [
    manifest.flatMap((group) => group.weights),
    files.weights.slice().buffer as ArrayBuffer,
  ]);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

function artifactsInfo(files: ModelFiles): tf.io.ModelArtifactsInfo {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: JSON.stringify(files.modelJson.modelTopology).length,
    weightSpecsBytes: JSON.stringify(files.modelJson.weightsManifest).length,
    weightDataBytes: files.weights.byteLength,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The key of `name` in `folder`; the folder '' is the store's root. */
function keyIn(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

async function writeFiles(store: Store, folder: string, files: ModelFiles, modelFile = MODEL_FILE): Promise<void> {
  // The weights first: a model.json, once there, never points at weights still being written.
  await store.write(keyIn(folder, WEIGHTS_FILE), files.weights);
  await store.write(keyIn(folder, modelFile), encoder.encode(JSON.stringify(files.modelJson)));
}

async function readFiles(store: Store, folder: string, modelFile = MODEL_FILE): Promise<ModelFiles> {
  const modelJson = JSON.parse(decoder.decode(await store.read(keyIn(folder, modelFile)))) as tf.io.ModelJSON;
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const parts = await Promise.all(paths.map((p) => store.read(keyIn(folder, p.replace(/^\.\//, '')))));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    weights.set(part, offset);
    offset += part.byteLength;
  }
  return { modelJson, weights };
}

/**
 * A tfjs IOHandler over a Flowbook Store (T7): `model.save(storeIOHandler(store, 'models/x'))` and
 * `tf.loadLayersModel(storeIOHandler(store, 'models/x'))` work on local disk or HDFS alike, without
 * tfjs-node (`file://` and `hdfs://` URLs of code cells come here too, see model-urls.ts). Keys are
 * store keys, so spaces and CJK need no escaping here; `folder` '' is the store's root.
 */
export function storeIOHandler(store: Store, folder: string, modelFile = MODEL_FILE): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const files = filesFromArtifacts(artifacts);
      await writeFiles(store, folder, files, modelFile);
      return { modelArtifactsInfo: artifactsInfo(files) };
    },
    load: async () => {
      const files = await readFiles(store, folder, modelFile);
      return tf.io.getModelArtifactsForJSON(files.modelJson, async (manifest) => [
        manifest.flatMap((group) => group.weights),
        files.weights.slice().buffer as ArrayBuffer,
      ]);
    },
  };
}

/** Writes the model, `preprocessing.json` and `metrics.json` under a temporary key, then publishes the folder at once. */
export async function saveModelBundle(store: Store, folder: string, bundle: ModelBundle): Promise<void> {
  const temporary = temporaryKeyFor(folder);
  try {
    await writeFiles(store, temporary, bundle.files);
    await store.write(`${temporary}/${PREPROCESSING_FILE}`, encoder.encode(stringifyJson(bundle.preprocessing, 2)));
    await store.write(`${temporary}/${METRICS_FILE}`, encoder.encode(stringifyJson(bundle.metrics, 2)));
    await store.publish(temporary, folder);
  } catch (e) {
    await store.remove(temporary).catch(() => undefined);
    throw e;
  }
}

export async function loadModelBundle(store: Store, folder: string): Promise<{ model: tf.LayersModel; preprocessing: ModelPreprocessing; metrics: ModelMetrics }> {
  if (!(await store.exists(`${folder}/${MODEL_FILE}`))) {
    throw new FlowbookError(
      'ModelNotFound',
      `no model is stored at ${folder} in ${store.uri}`,
      'run the model node first (or check its id in --model)',
      { key: folder },
    );
  }
  const model = await tf.loadLayersModel(storeIOHandler(store, folder));
  const preprocessing = JSON.parse(decoder.decode(await store.read(`${folder}/${PREPROCESSING_FILE}`))) as ModelPreprocessing;
  const metrics = JSON.parse(decoder.decode(await store.read(`${folder}/${METRICS_FILE}`))) as ModelMetrics;
  return { model, preprocessing, metrics };
}
