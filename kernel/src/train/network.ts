import * as tf from '@tensorflow/tfjs';
import type { Activation, Initializer, TrainingParams } from './params/groups';
import { SeededDropout } from './seeded-dropout';
import { SeededRandom } from './random';

/** What a model predicts, which fixes its output layer and its loss (T3: one consistent choice). */
export type Head =
  | { kind: 'softmax'; classes: number }            // K units, categorical cross-entropy on one-hot labels
  | { kind: 'sigmoid'; classes: number }            // 1 unit for 2 classes, else K units; binary cross-entropy
  | { kind: 'regression'; activation: 'linear' | 'relu' | 'softplus' }; // 1 unit, mean squared error

export function headUnits(head: Head): number {
  if (head.kind === 'regression') return 1;
  if (head.kind === 'sigmoid' && head.classes === 2) return 1;
  return head.classes;
}

export interface NetworkShape {
  /** Per-sample input shape: [features] for a DNN, [window, features] for an LSTM. */
  inputShape: number[];
  hiddenUnits: number[];
  activation: Activation | Activation[];
  dropout: number;
  lstm?: { units: number; layers: number };
  head: Head;
}

/** Builds the network; every random start (initializers, dropout) derives from `training.seed`. */
export function buildNetwork(shape: NetworkShape, training: Pick<TrainingParams, 'initializer' | 'l1' | 'l2' | 'seed'>): tf.Sequential {
  const random = new SeededRandom(training.seed);
  const regularizer = training.l1 > 0 || training.l2 > 0 ? () => tf.regularizers.l1l2({ l1: training.l1, l2: training.l2 }) : undefined;
  const model = tf.sequential();
  let first = true;
  const inputShape = () => (first ? { inputShape: shape.inputShape } : {});
  const dropout = () => {
    if (shape.dropout > 0) model.add(new SeededDropout({ rate: shape.dropout, seed: random.nextSeed() }));
  };
  if (shape.lstm) {
    for (let i = 0; i < shape.lstm.layers; i++) {
      model.add(tf.layers.lstm({
        ...inputShape(),
        units: shape.lstm.units,
        returnSequences: i < shape.lstm.layers - 1,
        kernelInitializer: initializer(training.initializer, random.nextSeed()),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: random.nextSeed() }),
        kernelRegularizer: regularizer?.(),
      }));
      first = false;
      dropout();
    }
  }
  shape.hiddenUnits.forEach((units, i) => {
    model.add(tf.layers.dense({
      ...inputShape(),
      units,
      activation: activationOf(shape.activation, i),
      kernelInitializer: initializer(training.initializer, random.nextSeed()),
      kernelRegularizer: regularizer?.(),
    }));
    first = false;
    dropout();
  });
  const head = shape.head;
  model.add(tf.layers.dense({
    ...inputShape(),
    units: headUnits(head),
    activation: head.kind === 'regression' ? head.activation : head.kind,
    kernelInitializer: initializer(training.initializer, random.nextSeed()),
    kernelRegularizer: regularizer?.(),
  }));
  return model;
}

/** One name for every layer, or one per hidden layer (parseModelSpec checks the lengths match). */
function activationOf(activation: Activation | Activation[], layer: number): Activation {
  return Array.isArray(activation) ? activation[layer] : activation;
}

function initializer(name: Initializer, seed: number): ReturnType<typeof tf.initializers.zeros> {
  switch (name) {
    case 'glorotUniform': return tf.initializers.glorotUniform({ seed });
    case 'glorotNormal': return tf.initializers.glorotNormal({ seed });
    case 'heNormal': return tf.initializers.heNormal({ seed });
    case 'heUniform': return tf.initializers.heUniform({ seed });
    case 'leCunNormal': return tf.initializers.leCunNormal({ seed });
    case 'leCunUniform': return tf.initializers.leCunUniform({ seed });
    case 'randomNormal': return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed });
    case 'randomUniform': return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
    case 'truncatedNormal': return tf.initializers.truncatedNormal({ mean: 0, stddev: 0.05, seed });
    case 'zeros': return tf.initializers.zeros();
  }
}
