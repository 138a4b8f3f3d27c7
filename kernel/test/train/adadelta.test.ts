import * as tf from '@tensorflow/tfjs';
import { Adadelta } from '../../src/train/adadelta';
import { selectBackend } from '../../src/train/backend';

beforeAll(() => selectBackend());

/** Minimizes x² from x = 1 for `steps` steps and returns x after each. */
function descend(optimizer: tf.Optimizer, steps: number): number[] {
  const x = tf.tidy(() => tf.variable(tf.scalar(1)));
  const path: number[] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => x.square() as tf.Scalar);
    path.push(x.dataSync()[0]);
  }
  x.dispose();
  optimizer.dispose();
  return path;
}

describe('Adadelta', () => {
  it('follows Zeiler\'s rule with Keras\'s learning rate: the current gradient enters the average before the step', () => {
    const rho = 0.95, epsilon = 1e-7, learningRate = 1;
    let x = 1, squaredGradient = 0, squaredUpdate = 0;
    const expected: number[] = [];
    for (let i = 0; i < 4; i++) {
      const g = 2 * x;
      squaredGradient = rho * squaredGradient + (1 - rho) * g * g;
      const update = (Math.sqrt(squaredUpdate + epsilon) / Math.sqrt(squaredGradient + epsilon)) * g;
      squaredUpdate = rho * squaredUpdate + (1 - rho) * update * update;
      x -= learningRate * update;
      expected.push(x);
    }
    const actual = descend(new Adadelta(learningRate), 4);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('is not plain SGD (tfjs 4.22\'s own adadelta takes exactly SGD\'s steps)', () => {
    const sgd = descend(tf.train.sgd(0.1), 3);
    expect(descend(tf.train.adadelta(0.1), 3)).toEqual(sgd);
    expect(descend(new Adadelta(0.1), 3)[2]).not.toBeCloseTo(sgd[2], 3);
  });

  it('frees its averages when disposed', () => {
    const before = tf.memory().numTensors;
    descend(new Adadelta(0.5), 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
