import * as tf from '@tensorflow/tfjs';

/** A gradient by variable name, in either form tfjs hands to `applyGradients`. */
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

/**
 * Adadelta as Zeiler (2012) and Keras define it, with Keras's learning-rate factor. tfjs 4.22's own
 * AdadeltaOptimizer divides by the squared-gradient average *before* adding the current gradient;
 * its two averages then stay equal, so every step it takes is exactly plain SGD's. This one adds the
 * current gradient first. Optimizer state is never saved with a model, so it needs no weights API.
 */
export class Adadelta extends tf.Optimizer {
  static get className(): string {
    return 'FlowbookAdadelta';
  }

  private readonly averages = new Map<string, { squaredGradient: tf.Variable; squaredUpdate: tf.Variable }>();

  constructor(private readonly learningRate: number, private readonly rho = 0.95, private readonly epsilon = 1e-7) {
    super();
  }

  override applyGradients(gradients: Gradients): void {
    const named = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    for (const { name, tensor: gradient } of named) {
      const value = tf.engine().registeredVariables[name];
      let slot = this.averages.get(name);
      if (!slot) {
        slot = tf.tidy(() => ({ squaredGradient: tf.variable(tf.zerosLike(value), false), squaredUpdate: tf.variable(tf.zerosLike(value), false) }));
        this.averages.set(name, slot);
      }
      const { squaredGradient, squaredUpdate } = slot;
      tf.tidy(() => {
        const nextSquaredGradient = squaredGradient.mul(this.rho).add(gradient.square().mul(1 - this.rho));
        const update = squaredUpdate.add(this.epsilon).sqrt().div(nextSquaredGradient.add(this.epsilon).sqrt()).mul(gradient);
        squaredGradient.assign(nextSquaredGradient);
        squaredUpdate.assign(squaredUpdate.mul(this.rho).add(update.square().mul(1 - this.rho)));
        value.assign(value.sub(update.mul(this.learningRate)));
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const slot of this.averages.values()) tf.dispose([slot.squaredGradient, slot.squaredUpdate]);
    this.averages.clear();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
