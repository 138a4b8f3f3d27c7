import * as tf from '@tensorflow/tfjs';

interface SeededDropoutConfig {
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Dropout with a reproducible, changing mask. tfjs's own dropout either draws from an unseeded
 * generator (a different model per run) or, given a seed, reuses the same mask for every batch;
 * this layer seeds each training call with `seed + call number`. At inference it is the identity.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'FlowbookSeededDropout';
  private readonly rate: number;
  private readonly seed: number;
  private calls = 0;

  constructor(config: SeededDropoutConfig) {
    super({ name: config.name });
    this.rate = config.rate;
    this.seed = config.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.seed + this.calls++);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
