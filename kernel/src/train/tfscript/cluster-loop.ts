import * as tf from '@tensorflow/tfjs';
import { modelToFiles } from '../model-io';
import type { ClusterParams } from '../params/cluster';
import { ClusterRun } from '../parallel/cluster-run';
import type { Launcher } from '../parallel/launcher';
import type { ScriptWorkerSetup } from '../parallel/protocol';
import type { EncodedInput } from './data';
import type { CompiledTfscript } from './module';
import type { TfscriptHooks } from './run';
import { evaluateHeldOut, graphOptimizer, modelOf, taskOf, trainableVariables, type LoopResult } from './script-steps';
import type { TfscriptTrainingSettings } from './settings';
import type { TfscriptContext, TfscriptModule } from './types';

export interface ScriptClusterSpec {
  compiled: CompiledTfscript;
  training: TfscriptTrainingSettings;
  cluster: ClusterParams;
  /** Where the processes run; default local processes. */
  launcher?: Launcher;
}

/**
 * A tfscript cell trained data-parallel: this process (the job's) is the chief. Its buildGraph made
 * the variables and the optimizer; the parameter servers get the variables and the optimizer's
 * config, and each worker runs the cell's own buildGraph and processStep on every N-th training row,
 * its optimizer's steps turned into gradients pushed to the servers. After each epoch the chief pulls
 * the variables into its own graph, runs `evaluate` on the held-out rows, reports the workers' mean
 * metrics, checkpoints, and tells the workers to go on or stop.
 */
export async function clusterTrainLoop(
  module: TfscriptModule, ctx: TfscriptContext, data: EncodedInput, spec: ScriptClusterSpec, hooks: TfscriptHooks, backend: string,
): Promise<LoopResult> {
  const { training, compiled } = spec;
  const optimizer = graphOptimizer(ctx.graph, compiled);
  const variables = trainableVariables(optimizer);
  const run = new ClusterRun({ cluster: spec.cluster, log: hooks.log, ...(spec.launcher ? { launcher: spec.launcher } : {}) });
  try {
    await run.start();
    await run.setupServers(
      variables.map((v) => ({ name: v.name, shape: v.shape, values: v.dataSync() as Float32Array })),
      { kind: 'serialized', className: optimizer.getClassName(), config: optimizer.getConfig() as Record<string, unknown> },
    );
    const shards = Array.from({ length: run.workers }, (_, w) => data.train.filter((_, i) => i % run.workers === w));
    const stepsPerEpoch = Math.ceil(Math.max(...shards.map((rows) => rows.length)) / training.batch_size);
    const totalSteps = Math.min(training.steps ?? Infinity, stepsPerEpoch * training.epochs);
    const epochs = Math.ceil(totalSteps / stepsPerEpoch);
    const servers = run.serverMap();
    shards.forEach((rows, w) => {
      const setup: ScriptWorkerSetup = {
        type: 'setup', task: 'tfscript', script: { compiled, training },
        width: data.width, yWidth: data.yWidth, inputNames: data.preprocessing.inputNames, scriptTask: taskOf(data.preprocessing),
        count: rows.length, stepsPerEpoch, totalSteps,
        variables: variables.map((v) => ({ name: v.name, shape: v.shape })), servers,
      };
      run.sendToWorker(w, setup, [rowsOf(data.x, data.width, rows), rowsOf(data.y, data.yWidth, rows)]);
    });
    hooks.log(`${run.workers} workers train ${shards.map((rows) => rows.length).join(' + ')} rows, ${stepsPerEpoch} synchronous steps per epoch`);

    const started = Date.now();
    const report = (epoch: number, batch: number, extra: Partial<Parameters<TfscriptHooks['progress']>[0]> = {}) => {
      const step = Math.min(totalSteps, (epoch - 1) * stepsPerEpoch + batch);
      const elapsedMs = Date.now() - started;
      hooks.progress({
        epoch, epochs, step, totalSteps, batch, batches: stepsPerEpoch, elapsedMs, backend,
        etaMs: step > 0 ? (elapsedMs / step) * (totalSteps - step) : 0, steps: [], ...extra,
      });
    };
    run.onStep = (epoch, step) => report(epoch, step);
    let lastCheckpoint = started;
    let lastMetrics: Record<string, number> = {};
    let stoppedOnRequest = false;
    let epochsRun = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      run.epoch = epoch;
      ctx.epoch = epoch;
      const sums: Record<string, number> = {};
      let seen = 0;
      for (const { header } of await run.epochReports()) {
        if (header.type !== 'epoch') continue;
        seen += header.seen;
        for (const [name, sum] of Object.entries(header.metricSums ?? {})) sums[name] = (sums[name] ?? 0) + sum;
      }
      const values = await run.pull();
      tf.tidy(() => variables.forEach((variable, v) => variable.assign(tf.tensor(values[v], variable.shape))));
      epochsRun = epoch;
      ctx.step = Math.min(totalSteps, epoch * stepsPerEpoch);
      const train = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / Math.max(seen, 1)]));
      const val = module.evaluate && data.validation.length > 0 ? await evaluateHeldOut(module, ctx, data, compiled, epoch) : undefined;
      lastMetrics = { ...train, ...Object.fromEntries(Object.entries(val ?? {}).map(([k, v]) => [`val_${k}`, v])) };
      stoppedOnRequest = epoch < epochs && hooks.stopRequested();
      report(epoch, stepsPerEpoch, {
        steps: [{ step: ctx.step, values: train, wallTime: Date.now() / 1000 }],
        epochEnd: { train, ...(val ? { val } : {}) },
      });
      const model = modelOf(ctx.graph);
      if (model && Date.now() - lastCheckpoint >= training.checkpoint_secs * 1000) {
        hooks.checkpoint({ files: await modelToFiles(model), preprocessing: data.preprocessing, epoch, step: ctx.step });
        run.checkpoint = { dir: "the job's checkpoint/ folder", epoch };
        lastCheckpoint = Date.now();
      }
      const last = epoch === epochs || stoppedOnRequest;
      if (stoppedOnRequest) hooks.log(`stop requested: ending after epoch ${epoch} (step ${ctx.step}), keeping the weights as they are`);
      run.release(last);
      if (last) break;
    }
    return { epochsRun, steps: ctx.step, stoppedOnRequest, lastMetrics };
  } catch (e) {
    throw run.failureOr(e);
  } finally {
    await run.shutDown();
  }
}

/** The rows of a row-major matrix, in the order given. */
function rowsOf(matrix: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(matrix.subarray(r * width, (r + 1) * width), i * width));
  return out;
}
