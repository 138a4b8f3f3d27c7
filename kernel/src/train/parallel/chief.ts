import * as tf from '@tensorflow/tfjs';
import {
  BestEpochKeeper, epochMetric, evaluate, lossNotFinite, progress,
  type EpochRecord, type FitFunction, type FitOptions, type FitResult, type FitSamples,
} from '../fit';
import { isClustered, type ClusterParams } from '../params/cluster';
import { ClusterRun, type ClusterOptions } from './cluster-run';
import type { WorkerSetup } from './protocol';


/**
 * Data-parallel training with parameter servers, as a drop-in for `fitModel`: the chief (this
 * process) launches `cluster.ps` servers that hold the variables (sharded by size) and
 * `cluster.workers` workers that each train on every N-th sample. After each epoch it sums the
 * workers' losses, pulls the weights into its own model, validates, hands a checkpoint to
 * `onCheckpoint` (at most every few seconds, so a job whose worker dies keeps recent weights), and decides
 * whether to go on (early stopping, stop requests), so the result is the same FitResult the
 * single-process loop gives. Any process that exits, fails or falls silent ends the whole job at once.
 */
export function clusterFit(options: ClusterOptions): FitFunction {
  return (model, train, validation, fitOptions) => new ModelCluster(options).fit(model, train, validation, fitOptions);
}

/** The loop a model with these cluster settings trains with: the cluster's, or undefined for the single-process one. */
export function fitForCluster(cluster: ClusterParams, log: (line: string) => void): FitFunction | undefined {
  return isClustered(cluster) ? clusterFit({ cluster, log }) : undefined;
}

/** Worker k's samples: every N-th one starting at k, so shards differ in size by at most one. */
export function shardSamples(samples: FitSamples, options: Pick<FitOptions, 'sampleShape' | 'yWidth'>, worker: number, workers: number): FitSamples {
  const width = options.sampleShape.reduce((a, b) => a * b, 1);
  const count = Math.max(0, Math.ceil((samples.count - worker) / workers));
  const x = new Float32Array(count * width);
  const y = new Float32Array(count * options.yWidth);
  const weights = samples.weights ? new Float32Array(count) : undefined;
  for (let k = 0, i = worker; k < count; k++, i += workers) {
    x.set(samples.x.subarray(i * width, (i + 1) * width), k * width);
    y.set(samples.y.subarray(i * options.yWidth, (i + 1) * options.yWidth), k * options.yWidth);
    if (weights) weights[k] = samples.weights![i];
  }
  return { x, y, count, ...(weights ? { weights } : {}) };
}

/** The chief checkpoints after the first epoch, then at most this often. */
const CHECKPOINT_MS = 5000;

class ModelCluster {
  private readonly run: ClusterRun;
  private lastCheckpoint = 0;

  constructor(options: ClusterOptions) {
    this.run = new ClusterRun(options);
  }

  async fit(model: tf.LayersModel, train: FitSamples, validation: FitSamples | undefined, options: FitOptions): Promise<FitResult> {
    const run = this.run;
    try {
      await run.start();
      const trainable = model.trainableWeights;
      await run.setupServers(
        trainable.map((w) => ({ name: w.name, shape: w.shape as number[], values: w.read().dataSync() as Float32Array })),
        { kind: 'named', optimizer: options.optimizer, learningRate: options.learningRate },
      );
      const workers = run.workers;
      const parts = Array.from({ length: workers }, (_, w) => shardSamples(train, options, w, workers));
      const stepsPerEpoch = Math.ceil(Math.max(...parts.map((p) => p.count)) / options.batchSize);
      const topology = model.toJSON(null, false) as object;
      const servers = run.serverMap();
      parts.forEach((part, w) => {
        const setup: WorkerSetup = {
          type: 'setup', task: 'model', topology, sampleShape: options.sampleShape, yWidth: options.yWidth, head: options.head,
          batchSize: options.batchSize, stepsPerEpoch, seed: options.seed, count: part.count, weighted: part.weights !== undefined, servers,
        };
        run.sendToWorker(w, setup, [part.x, part.y, ...(part.weights ? [part.weights] : [])]);
      });
      return await this.epochs(model, validation, options, stepsPerEpoch);
    } catch (e) {
      throw run.failureOr(e);
    } finally {
      await run.shutDown();
    }
  }

  private async epochs(model: tf.LayersModel, validation: FitSamples | undefined, options: FitOptions, stepsPerEpoch: number): Promise<FitResult> {
    const run = this.run;
    const started = Date.now();
    run.onStep = (epoch, step) => options.onProgress?.(progress(options, 'batch', epoch, step, stepsPerEpoch, started, Date.now()));
    const keeper = new BestEpochKeeper(options.earlyStopping, validation);
    const history: EpochRecord[] = [];
    let stoppedEarly = false;
    let stoppedOnRequest = false;
    try {
      for (let epoch = 1; epoch <= options.epochs; epoch++) {
        run.epoch = epoch;
        const sums = { lossSum: 0, correct: 0, seen: 0 };
        for (const { header } of await run.epochReports()) {
          if (header.type !== 'epoch') continue;
          sums.lossSum += header.lossSum;
          sums.correct += header.correct;
          sums.seen += header.seen;
        }
        const loss = sums.lossSum / sums.seen;
        if (!Number.isFinite(loss)) throw lossNotFinite(loss, epoch, options.learningRate);
        const values = await run.pull();
        const trainable = model.trainableWeights;
        tf.tidy(() => values.forEach((value, v) => trainable[v].write(tf.tensor(value, trainable[v].shape as number[]))));
        const record: EpochRecord = { epoch, loss, metric: epochMetric(options, loss, sums.correct, sums.seen) };
        if (validation && validation.count > 0) Object.assign(record, await evaluate(model, validation, options));
        history.push(record);
        options.onProgress?.({
          ...progress(options, 'epoch', epoch, stepsPerEpoch, stepsPerEpoch, started, Date.now()),
          loss: record.loss, metric: record.metric, valLoss: record.valLoss, valMetric: record.valMetric,
        });
        await this.checkpoint(model, epoch, options);
        stoppedEarly = keeper.endsHere(record, model);
        stoppedOnRequest = !stoppedEarly && options.stopRequested?.() === true;
        const last = epoch === options.epochs || stoppedEarly || stoppedOnRequest;
        run.release(last);
        if (last) break;
      }
      const keptEpoch = keeper.restore(model, history.length, stoppedOnRequest);
      return { history, epochsRun: history.length, keptEpoch, stoppedEarly, stoppedOnRequest };
    } finally {
      keeper.dispose();
    }
  }

  private async checkpoint(model: tf.LayersModel, epoch: number, options: FitOptions): Promise<void> {
    if (!options.onCheckpoint || Date.now() - this.lastCheckpoint < CHECKPOINT_MS) return;
    await options.onCheckpoint(model, epoch);
    this.lastCheckpoint = Date.now();
    this.run.checkpoint = { dir: "the job's checkpoint/ folder", epoch };
  }

}
