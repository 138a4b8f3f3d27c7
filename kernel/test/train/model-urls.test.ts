import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WebHdfsStore } from '../../src/store/webhdfs';
import { selectBackend } from '../../src/train/backend';
import { modelLocation } from '../../src/train/model-urls';
import { Session } from '../runtime/session-harness';
import { startWebHdfsServer, type WebHdfsTestServer } from '../support/webhdfs-server/server';

/**
 * T7 from a code cell: the kernel's tfjs (the notebook folder has no node_modules) saves to and loads
 * from file:// and hdfs:// URLs through the product's IOHandler, without tfjs-node.
 */
const roundTrip = (url: string, loadUrl = `${url}/model.json`) => `
import * as tf from "@tensorflow/tfjs";
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: "tanh" }), tf.layers.dense({ units: 2 })] });
const x = tf.tensor2d([[0.1, -2, 3], [1, 1, 1]]);
const saved = await model.save(${JSON.stringify(url)});
const loaded = await tf.loadLayersModel(${JSON.stringify(loadUrl)});
const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
const after = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
x.dispose(); model.dispose(); loaded.dispose();
console.log(JSON.stringify({ bytes: saved.modelArtifactsInfo.weightDataBytes, before, after }));`;

/** Runs the cell and reads what it printed: the saved weight bytes and the predictions before and after. */
async function run(cell: string, on = session): Promise<{ bytes: number; before: number[]; after: number[] }> {
  const { outcome, output } = await on.run(cell);
  if (outcome.status !== 'ok') throw new Error(`cell failed: ${outcome.ename}: ${outcome.evalue}\n${output.stderr}`);
  return JSON.parse(output.stdout.trim().split('\n').at(-1)!) as never;
}

let notebookDir: string;
let session: Session;
beforeAll(async () => {
  await selectBackend();
  notebookDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook-model-urls-'));
  session = new Session({ notebookDir });
});
afterAll(async () => {
  await session.shutdown();
  fs.rmSync(notebookDir, { recursive: true, force: true });
});

describe('model URLs in code cells (T7)', () => {
  it('file:// relative to the notebook folder: model.json and weights.bin with matching paths, identical predictions', async () => {
    const result = await run(roundTrip('file://./out/model 模型'));
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.after).toEqual(result.before);
    const folder = path.join(notebookDir, 'out', 'model 模型');
    expect(fs.readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(fs.statSync(path.join(folder, 'weights.bin')).size).toBe(result.bytes);
  });

  it('hdfs:// through WebHDFS, with a space and CJK in the path', async () => {
    const server: WebHdfsTestServer = await startWebHdfsServer();
    try {
      const base = `hdfs://${server.nameNodeAddresses[0]}/models`;
      const result = await run(roundTrip(`${base}/销售预测 v1`));
      expect(result.after).toEqual(result.before);
      const listed = await new WebHdfsStore(base).list('销售预测 v1');
      expect(listed.map((e) => e.name).sort()).toEqual(['model.json', 'weights.bin']);
    } finally {
      await server.stop();
    }
  });
});

describe('two notebooks in one process', () => {
  it('register the routers once, and each saves relative file:// paths in its own folder', async () => {
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowbook-model-urls-'));
    const other = new Session({ notebookDir: otherDir });
    try {
      await run(roundTrip('file://again'), other);
      await run(roundTrip('file://again'));
      expect(fs.readdirSync(path.join(otherDir, 'again')).sort()).toEqual(['model.json', 'weights.bin']);
      expect(fs.readdirSync(path.join(notebookDir, 'again')).sort()).toEqual(['model.json', 'weights.bin']);
      expect(tf.io.getSaveHandlers('hdfs://nn:9870/models/m')).toHaveLength(1);
    } finally {
      await other.shutdown();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('another router for the same URL (tfjs-node routes file:// once a cell loads it)', () => {
  it('is left to answer alone, so tfjs does not refuse the URL as ambiguous', () => {
    const other: tf.io.IOHandler = { save: async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) };
    tf.io.registerSaveRouter(((url: string) => (url.startsWith('file://') ? other : null)) as never);
    expect(tf.io.getSaveHandlers('file://./out/m')).toEqual([other]);
    expect(tf.io.getSaveHandlers(`hdfs://nn:9870/models/m`)).toHaveLength(1);
  });
});

describe('modelLocation', () => {
  it('reads file:// paths from the notebook folder (or absolute) and a last .json segment as the model file', () => {
    expect(modelLocation('file://./out/m', '/nb')).toEqual({ storeUri: '/nb/out/m', modelFile: 'model.json' });
    expect(modelLocation('file://out/m/', '/nb')).toEqual({ storeUri: '/nb/out/m', modelFile: 'model.json' });
    expect(modelLocation('file:///data/a b/my.json', '/nb')).toEqual({ storeUri: '/data/a b', modelFile: 'my.json' });
    expect(modelLocation('hdfs://nn:9870/m/销售 v1/model.json', '/nb')).toEqual({ storeUri: 'hdfs://nn:9870/m/销售 v1', modelFile: 'model.json' });
    expect(modelLocation('http://x/model.json', '/nb')).toBeUndefined();
  });
});
