import * as tf from '@tensorflow/tfjs';
import * as zmq from 'zeromq';
import { SerialSender } from '../../zmq/serial-sender';
import { selectBackend } from '../backend';
import { makeOptimizer } from '../fit';
import type { ChiefLink } from './chief-link';
import { decodePacket, encodePacket, type FromServer, type ServerOptimizer, type ServerSetup, type ToServer } from './protocol';

interface Push {
  count: number;
  gradients: Float32Array[];
}

/**
 * Holds a shard of the model's variables and their optimizer state. Workers push gradients of their
 * summed losses and get the updated variables back. Synchronously, a step is applied once every
 * worker has pushed it: the gradients are added in worker order (so the same seed gives the same
 * weights) and divided by the step's sample count, which makes N workers with batch b one step of
 * batch N·b. Asynchronously, each push is applied on arrival.
 */
export class ParameterServer {
  private readonly variables: tf.Variable[];
  private readonly optimizer: tf.Optimizer;
  private readonly pending = new Map<number, (Push | undefined)[]>();

  constructor(private readonly setup: ServerSetup, initial: Float32Array[]) {
    this.variables = setup.variables.map((v, i) => tf.variable(tf.tensor(initial[i], v.shape), true, `ps_${i}`));
    this.optimizer = serverOptimizer(setup.optimizer);
  }

  values(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array);
  }

  /** Takes one worker's push; returns the workers to answer with the new values (none until a synchronous step is complete). */
  push(worker: number, step: number, push: Push): number[] {
    if (this.setup.mode === 'async') {
      this.apply([push]);
      return [worker];
    }
    const arrived = this.pending.get(step) ?? new Array<Push | undefined>(this.setup.workers).fill(undefined);
    arrived[worker] = push;
    this.pending.set(step, arrived);
    if (arrived.some((p) => p === undefined)) return [];
    this.pending.delete(step);
    this.apply(arrived as Push[]);
    return arrived.map((_, w) => w);
  }

  private apply(pushes: Push[]): void {
    const total = pushes.reduce((sum, p) => sum + p.count, 0);
    if (total === 0) return;
    const gradients: tf.NamedTensorMap = {};
    this.variables.forEach((variable, v) => {
      const sum = new Float32Array(variable.size);
      for (const push of pushes) {
        if (push.count === 0) continue;
        const g = push.gradients[v];
        for (let k = 0; k < sum.length; k++) sum[k] += g[k];
      }
      for (let k = 0; k < sum.length; k++) sum[k] /= total;
      gradients[variable.name] = tf.tensor(sum, variable.shape);
    });
    this.optimizer.applyGradients(gradients);
    tf.dispose(Object.values(gradients));
  }
}

function serverOptimizer(spec: ServerOptimizer): tf.Optimizer {
  if (spec.kind === 'named') return makeOptimizer(spec.optimizer, spec.learningRate);
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
  if (!registered) throw new Error(`the optimizer ${spec.className} is not one tfjs can rebuild here; use a tf.train optimizer in buildGraph`);
  const [cls, fromConfig] = registered;
  return fromConfig(cls, spec.config as tf.serialization.ConfigDict) as tf.Optimizer;
}

/** A parameter-server process: binds its socket, tells the chief where, serves workers until the chief says finish. */
export async function runParameterServer(link: ChiefLink): Promise<void> {
  await selectBackend();
  const socket = new zmq.Router({ linger: 0 });
  await socket.bind('tcp://127.0.0.1:*');
  await link.send({ type: 'hello', pid: process.pid, endpoint: socket.lastEndpoint! });
  const setup = await link.receive();
  if (setup.header.type !== 'setup' || !('optimizer' in setup.header)) throw new Error(`parameter server ${link.index} expected its setup, got ${setup.header.type}`);
  const server = new ParameterServer(setup.header, setup.arrays);
  console.log(`holds ${setup.header.variables.length} variable(s): ${setup.header.variables.map((v) => `${v.name} [${v.shape.join('×')}]`).join(', ')}`);
  await link.send({ type: 'ready' });

  const replies = new SerialSender(socket, (e) => console.error(`cannot answer a worker: ${e.message}`));
  const answer = (worker: number) => void replies.send([Buffer.from(`worker-${worker}`), ...encodePacket({ type: 'weights' } satisfies FromServer, server.values())]);
  void (async () => {
    for await (const [id, ...frames] of socket) {
      const worker = Number(id.toString().slice('worker-'.length));
      const packet = decodePacket<ToServer>(frames);
      if (packet.header.type === 'pull') answer(worker);
      else server.push(worker, packet.header.step, { count: packet.header.count, gradients: packet.arrays }).forEach(answer);
    }
  })().catch((e: Error) => {
    // Closing the socket at the end also ends this loop; anything else is a real failure.
    if (!socket.closed) console.error(`worker socket failed: ${e.message}`);
  });

  for (;;) {
    const message = await link.receive();
    if (message.header.type === 'pull') await link.send({ type: 'weights' }, server.values());
    else if (message.header.type === 'finish') break;
  }
  await replies.flushed();
  socket.close();
}
