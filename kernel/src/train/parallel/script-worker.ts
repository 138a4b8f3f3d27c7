import * as tf from '@tensorflow/tfjs';
import { FlowbookError } from '../../errors';
import { SeededRandom, shuffledIndices } from '../random';
import { loadTfscriptModule } from '../tfscript/module';
import { call, graphOptimizer, processBatch, scriptContext, trainableVariables } from '../tfscript/script-steps';
import type { ChiefLink } from './chief-link';
import type { ScriptWorkerSetup } from './protocol';
import { STEP_REPORT_MS, ServerExchange } from './worker';

/**
 * Turns an optimizer's steps into gradients: `applyGradients` (which `minimize` and `trainOnBatch`
 * call) keeps copies of the gradients instead of changing the variables, summed over however many
 * steps processStep makes; `take` hands them over and starts afresh.
 */
export class GradientCapture {
  private captured: Map<string, Float32Array> | undefined;

  constructor(optimizer: tf.Optimizer) {
    optimizer.applyGradients = (gradients: Parameters<tf.Optimizer['applyGradients']>[0]) => {
      const entries = Array.isArray(gradients) ? gradients.map((g) => [g.name, g.tensor] as const) : Object.entries(gradients);
      this.captured ??= new Map();
      for (const [name, tensor] of entries) {
        const values = tensor.dataSync() as Float32Array;
        const sum = this.captured.get(name);
        if (sum) for (let k = 0; k < sum.length; k++) sum[k] += values[k];
        else this.captured.set(name, Float32Array.from(values));
      }
    };
  }

  take(): Map<string, Float32Array> | undefined {
    const captured = this.captured;
    this.captured = undefined;
    return captured;
  }
}

/**
 * A tfscript cell's worker: builds the cell's graph, takes the servers' variables, then per step runs
 * processStep on its next batch, pushes the gradients its optimizer would have applied (times the
 * batch size: the servers divide by the step's rows) and takes the new values back. Reports each
 * epoch's metric sums to the chief and goes on when the chief says so.
 */
export async function runScriptWorker(link: ChiefLink, setup: ScriptWorkerSetup, arrays: Float32Array[], backend: string): Promise<void> {
  const { compiled, training } = setup.script;
  console.log(`${setup.count} rows, ${setup.stepsPerEpoch} steps of up to ${training.batch_size} per epoch, backend ${backend}`);
  const module = loadTfscriptModule(compiled);
  const ctx = scriptContext(training, { width: setup.width, yWidth: setup.yWidth, inputNames: setup.inputNames, task: setup.scriptTask }, (line) => console.log(line));
  ctx.graph = await call(() => module.buildGraph(ctx), compiled, 'buildGraph');
  const optimizer = graphOptimizer(ctx.graph, compiled);
  const capture = new GradientCapture(optimizer);
  const own = new Map(trainableVariables(optimizer).map((v) => [v.name, v]));
  const variables = setup.variables.map((spec) => {
    const variable = own.get(spec.name);
    if (!variable || variable.shape.join() !== spec.shape.join()) {
      throw new FlowbookError('TfscriptClusterMismatch', `buildGraph of node \`${compiled.nodeId}\` made other variables in worker ${link.index} than in the chief (${spec.name} [${spec.shape.join('×')}] ${variable ? `is [${variable.shape.join('×')}]` : 'is missing'})`, 'make buildGraph build the same graph on every call: no randomness in its structure');
    }
    return variable;
  });
  const servers = new ServerExchange(link.index, setup.servers, variables);
  await servers.pull();

  const [x, y] = arrays;
  const data = { x, y, width: setup.width, yWidth: setup.yWidth };
  const random = new SeededRandom((training.seed ^ 0x5bd1e995) + link.index);
  let lastReport = 0;
  try {
    for (let epoch = 1; ; epoch++) {
      ctx.epoch = epoch;
      const order = training.shuffle ? shuffledIndices(setup.count, random) : Int32Array.from({ length: setup.count }, (_, i) => i);
      const sums: Record<string, number> = {};
      let seen = 0;
      for (let b = 0; b < setup.stepsPerEpoch && ctx.step < setup.totalSteps; b++) {
        const positions = order.subarray(b * training.batch_size, (b + 1) * training.batch_size);
        let gradients: Map<string, Float32Array> | undefined;
        if (positions.length > 0) {
          const values = await processBatch(module, ctx, data, positions, compiled);
          gradients = capture.take();
          if (!gradients) {
            throw new FlowbookError('TfscriptClusterNoStep', `processStep (cell line ${compiled.exportLines.processStep}) of node \`${compiled.nodeId}\` made no step with the optimizer buildGraph returned`, 'on a cluster, step with that optimizer (optimizer.minimize(() => loss)); its gradients go to the parameter servers');
          }
          for (const [name, value] of Object.entries(values)) sums[name] = (sums[name] ?? 0) + value * positions.length;
          seen += positions.length;
        }
        const size = positions.length;
        await servers.push(ctx.step, size, (v) => scaled(gradients?.get(variables[v].name), variables[v].size, size));
        ctx.step += 1;
        if (link.index === 0 && Date.now() - lastReport >= STEP_REPORT_MS && b + 1 < setup.stepsPerEpoch) {
          lastReport = Date.now();
          void link.send({ type: 'step', epoch, step: b + 1 });
        }
      }
      await link.send({ type: 'epoch', epoch, lossSum: 0, correct: 0, seen, metricSums: sums });
      const next = await link.receive();
      if (next.header.type !== 'continue') break;
    }
  } finally {
    servers.close();
  }
}

/** A gradient of the batch's mean loss as one of its summed loss; a variable the step left alone gets zeros. */
function scaled(gradient: Float32Array | undefined, size: number, rows: number): Float32Array {
  const out = new Float32Array(size);
  if (gradient) for (let k = 0; k < size; k++) out[k] = gradient[k] * rows;
  return out;
}
