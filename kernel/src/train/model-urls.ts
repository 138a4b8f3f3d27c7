import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { openStore } from '../store/open';
import { MODEL_FILE, storeIOHandler } from './model-io';

/** A notebook whose code cells use the kernel's tfjs; `active` is true while one of its cells runs. */
export interface ModelUrlFolder {
  folder: string;
  active: () => boolean;
}

type IORouter = Parameters<typeof tf.io.registerSaveRouter>[0];

const folders: ModelUrlFolder[] = [];
let registered = false;

/**
 * Makes `model.save(URL)` and `tf.loadLayersModel(URL)` of the kernel's tfjs take `file://` and
 * `hdfs://` (or `webhdfs://`) URLs (field case T7), through the product's own IOHandler: model.json
 * plus weights.bin, no tfjs-node needed, paths with spaces and CJK as they are. The routers are
 * registered once per process; each notebook adds its folder, which relative `file://` paths are
 * taken from.
 */
export function enableModelUrls(notebook: ModelUrlFolder): void {
  folders.push(notebook);
  if (registered) return;
  registered = true;
  // tfjs's own routers answer null for a URL that is not theirs, though its type says otherwise.
  tf.io.registerSaveRouter(router('save') as IORouter);
  tf.io.registerLoadRouter(router('load') as IORouter);
}

/** Where a model URL points: a store rooted at the model's folder, and the name of its JSON file there. */
export interface ModelLocation {
  storeUri: string;
  modelFile: string;
}

/**
 * `file://./out/m`, `file://out/m` (relative to `baseDir`), `file:///abs/m`, `hdfs://nn:9870/models/m`
 * name the model's folder; a last segment ending in `.json` names the model file in it (the form
 * `loadLayersModel` is usually given). Paths are taken literally, as tfjs-node does: no percent-decoding.
 * Undefined for any other scheme.
 */
export function modelLocation(url: string, baseDir: string): ModelLocation | undefined {
  const match = /^(file|hdfs|webhdfs):\/\/(.*)$/i.exec(url.trim());
  if (!match) return undefined;
  const [, scheme, rest] = match;
  const isFile = scheme.toLowerCase() === 'file';
  let target = (isFile ? rest.replace(/^localhost\//i, '/') : rest).replace(/\/+$/, '');
  let modelFile = MODEL_FILE;
  const slash = target.lastIndexOf('/');
  if (target.slice(slash + 1).toLowerCase().endsWith('.json') && (isFile || slash > 0)) {
    modelFile = target.slice(slash + 1);
    target = target.slice(0, Math.max(slash, 0));
  }
  if (!isFile) return { storeUri: `${scheme}://${target}`, modelFile };
  return { storeUri: path.resolve(baseDir, target === '' ? '.' : target), modelFile };
}

/** The folder relative `file://` paths start from: that of the notebook whose cell is running. */
function baseFolder(): string {
  return (folders.find((f) => f.active()) ?? folders.at(-1))?.folder ?? process.cwd();
}

/** Set while a router asks tfjs which other routers take a URL, so it does not answer itself. */
let asking = false;

function router(kind: 'save' | 'load'): (url: string | string[]) => tf.io.IOHandler | null {
  return (url) => {
    if (asking || typeof url !== 'string') return null;
    const base = baseFolder();
    const location = modelLocation(url, base);
    if (!location) return null;
    // tfjs-node, when a cell loads it, routes file:// itself: two handlers would make tfjs refuse the URL.
    asking = true;
    try {
      if ((kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url)).length > 0) return null;
    } finally {
      asking = false;
    }
    return storeIOHandler(openStore(location.storeUri, base), '', location.modelFile);
  };
}
