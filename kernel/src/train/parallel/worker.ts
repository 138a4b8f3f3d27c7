import * as tf from '@tensorflow/tfjs';
import * as zmq from 'zeromq';
import { selectBackend } from '../backend';
import { correctCount, lossTotal } from '../fit';
import { SeededRandom, shuffledIndices } from '../random';
import { SeededDropout } from '../seeded-dropout';
import type { ChiefLink } from './chief-link';
import { decodePacket, encodePacket, type FromServer, type ServerMap, type ToServer, type WorkerSetup } from './protocol';
import { runScriptWorker } from './script-worker';

/** Worker 0 tells the chief where it is at most this often, for the live display. */
export const STEP_REPORT_MS = 500;

/**
 * Dropout masks come from each layer's seed; worker k > 0 shifts them so workers do not drop the same
 * units on their different samples, while worker 0 keeps the single-process masks.
 */
export function withWorkerSeeds(topology: object, worker: number): object {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, visit(v)] as const);
    const out = Object.fromEntries(entries) as Record<string, unknown>;
    if (out.class_name === SeededDropout.className && worker > 0) {
      const config = out.config as { seed: number };
      out.config = { ...config, seed: config.seed + worker * 1_000_003 };
    }
    return out;
  };
  return visit(topology) as object;
}

/**
 * A worker's lines to the parameter servers: `push` sends the gradients of one step (each server
 * its own variables) and `pull` asks for the values; both end with the servers' new values
 * written into the worker's variables.
 */
export class ServerExchange {
  private readonly servers: { socket: zmq.Dealer; variables: number[] }[];

  constructor(worker: number, servers: ServerMap, private readonly variables: tf.Variable[]) {
    this.servers = servers.map((s) => {
      const socket = new zmq.Dealer({ routingId: `worker-${worker}`, linger: 0 });
      socket.connect(s.endpoint);
      return { socket, variables: s.variables };
    });
  }

  pull(): Promise<void> {
    return this.exchange({ type: 'pull' }, () => []);
  }

  /** `gradient(v)`: the gradient of the step's summed loss for variable `v`; nothing is sent for an empty step. */
  push(step: number, count: number, gradient: (variable: number) => Float32Array): Promise<void> {
    return this.exchange({ type: 'push', step, count }, (variables) => (count > 0 ? variables.map(gradient) : []));
  }

  close(): void {
    for (const server of this.servers) server.socket.close();
  }

  private async exchange(message: ToServer, payload: (variables: number[]) => Float32Array[]): Promise<void> {
    await Promise.all(this.servers.map((s) => s.socket.send(encodePacket(message, payload(s.variables)))));
    for (const server of this.servers) {
      const reply = decodePacket<FromServer>(await server.socket.receive());
      tf.tidy(() => server.variables.forEach((v, k) => this.variables[v].assign(tf.tensor(reply.arrays[k], this.variables[v].shape))));
    }
  }
}

/**
 * A worker process: takes its setup from the chief and trains its shard, a model node's (below) or
 * a tfscript cell's (`runScriptWorker`).
 */
export async function runWorker(link: ChiefLink): Promise<void> {
  const backend = await selectBackend();
  await link.send({ type: 'hello', pid: process.pid });
  const { header, arrays } = await link.receive();
  if (header.type !== 'setup' || !('task' in header)) throw new Error(`worker ${link.index} expected its setup, got ${header.type}`);
  if (header.task === 'tfscript') return runScriptWorker(link, header, arrays, backend.name);
  return runModelWorker(link, header, arrays, backend.name);
}

/**
 * A model node's worker: trains on its shard of the samples, step by step pushing the gradients of
 * its summed loss to the servers and taking back the updated weights; reports each epoch's sums to
 * the chief and goes on when the chief says so.
 */
async function runModelWorker(link: ChiefLink, setup: WorkerSetup, arrays: Float32Array[], backend: string): Promise<void> {
  console.log(`${setup.count} samples, ${setup.stepsPerEpoch} steps of up to ${setup.batchSize} per epoch, backend ${backend}`);
  const model = await tf.models.modelFromJSON({ modelTopology: withWorkerSeeds(setup.topology, link.index) as tf.io.ModelJSON['modelTopology'] });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const servers = new ServerExchange(link.index, setup.servers, variables);
  await servers.pull();

  const [x, y, weights] = arrays;
  const xs = tf.tensor(x, [setup.count, ...setup.sampleShape]);
  const ys = tf.tensor2d(y, [setup.count, setup.yWidth]);
  const ws = setup.weighted ? tf.tensor1d(weights) : undefined;
  const classification = setup.head.kind !== 'regression';
  const random = new SeededRandom((setup.seed ^ 0x5bd1e995) + link.index);
  let lastReport = 0;
  try {
    for (let epoch = 1; ; epoch++) {
      const order = shuffledIndices(setup.count, random);
      let lossSum = 0, correct = 0, seen = 0;
      for (let step = 0; step < setup.stepsPerEpoch; step++) {
        const start = step * setup.batchSize;
        const size = Math.max(0, Math.min(setup.batchSize, setup.count - start));
        let gradients: tf.NamedTensorMap = {};
        if (size > 0) {
          let total: tf.Scalar | undefined, right: tf.Scalar | undefined;
          const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
          const result = tf.variableGrads(() => {
            const yTrue = tf.gather(ys, idx);
            const yPred = model.apply(tf.gather(xs, idx), { training: true }) as tf.Tensor;
            total = tf.keep(lossTotal(setup.head, yTrue, yPred, ws ? tf.gather(ws, idx) : undefined));
            if (classification) right = tf.keep(correctCount(yTrue, yPred));
            // Summed loss plus the regularization once per sample: the servers divide by the step's samples.
            return model.calculateLosses().reduce<tf.Scalar>((sum, r) => sum.add(r.mul(size)), total);
          }, variables);
          gradients = result.grads;
          lossSum += total!.dataSync()[0];
          correct += right ? right.dataSync()[0] : 0;
          tf.dispose([idx, result.value, total!, ...(right ? [right] : [])]);
          seen += size;
        }
        await servers.push((epoch - 1) * setup.stepsPerEpoch + step, size, (v) => gradients[variables[v].name].dataSync() as Float32Array);
        tf.dispose(Object.values(gradients));
        if (link.index === 0 && Date.now() - lastReport >= STEP_REPORT_MS && step + 1 < setup.stepsPerEpoch) {
          lastReport = Date.now();
          void link.send({ type: 'step', epoch, step: step + 1 });
        }
      }
      await link.send({ type: 'epoch', epoch, lossSum, correct, seen });
      const next = await link.receive();
      if (next.header.type !== 'continue') break;
    }
  } finally {
    tf.dispose([xs, ys, ...(ws ? [ws] : [])]);
    model.dispose();
    servers.close();
  }
}
