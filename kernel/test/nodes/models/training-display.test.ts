import type { TrainingDisplay } from '@flowbook/magics';
import type { ProgressEvent } from '../../../src/train/fit';
import { TRAINING_MIME, TrainingProgress } from '../../../src/nodes/models/training-display';
import { TfscriptDisplay } from '../../../src/nodes/tfscript/display';

/** A progress event of epoch `epoch` (of 80), 8 batches an epoch, as the training loop reports it. */
function event(type: 'batch' | 'epoch', epoch: number, batch: number, elapsedMs: number, etaMs: number): ProgressEvent {
  return {
    type, epoch, epochs: 80, batch, batches: 8, metricName: 'rmse', elapsedMs, etaMs, backend: 'wasm',
    ...(type === 'epoch' ? { loss: 0.5 / epoch, metric: 3 / epoch } : {}),
  };
}

const shown = (bundle: Record<string, unknown>) => ({ display: bundle[TRAINING_MIME] as TrainingDisplay, text: bundle['text/plain'] as string });

describe('the live training display', () => {
  it('shows batch progress and an ETA while an epoch runs, in the display and in its text line', () => {
    const progress = new TrainingProgress('j1', 'mpg', 80, 'loss', 'jobs/j1/log.txt');
    const apply = (e: ProgressEvent) => expect(progress.apply({ type: 'progress', jobId: 'j1', event: e })).toBe(true);
    apply(event('epoch', 1, 8, 400, 31_600));
    apply(event('epoch', 2, 8, 800, 31_200));
    apply(event('batch', 3, 5, 1_000, 30_900));

    const during = shown(progress.bundle());
    expect(during.display).toMatchObject({ status: 'running', epochs: { done: 2, total: 80 }, batches: { done: 5, total: 8 }, elapsedMs: 1_000, etaMs: 30_900 });
    expect(during.display.history).toHaveLength(2);
    // A saved notebook or `flowbook run` shows where training is, not the last finished epoch alone.
    expect(during.text).toBe('mpg: running · job j1 · wasm · epoch 3/80 · batch 5/8 · loss 0.2500 · rmse 1.500 · 1.0 s · ETA 31 s');

    apply(event('epoch', 3, 8, 1_200, 30_800));
    expect(shown(progress.bundle()).text).toBe('mpg: running · job j1 · wasm · epoch 3/80 · loss 0.1667 · rmse 1.000 · 1.2 s · ETA 31 s');

    progress.finish('stopped', { epoch: 3, metric: 'loss', value: 0.1667 });
    const after = shown(progress.bundle());
    expect(after.display.etaMs).toBeNull();
    expect(after.text).toBe('mpg: stopped · job j1 · wasm · epoch 3/80 · loss 0.1667 · rmse 1.000 · 1.2 s · kept epoch 3 (loss 0.1667)');
  });

  it('a %%tfscript job\'s display names the batch and the ETA the same way', () => {
    const display = new TfscriptDisplay('j2', 'custom', 4, 'jobs/j2/log.txt', 'jobs/j2');
    display.started('wasm');
    const update = { epoch: 2, epochs: 4, step: 13, totalSteps: 40, batches: 10, elapsedMs: 2_600, etaMs: 5_400, backend: 'wasm', steps: [] };
    display.apply({ ...update, step: 10, batch: 10, elapsedMs: 2_000, etaMs: 6_000, epoch: 1, epochEnd: { train: { loss: 0.75 } } });
    display.apply({ ...update, batch: 3 });
    const during = shown(display.bundle());
    expect(during.display).toMatchObject({ epochs: { done: 1, total: 4 }, batches: { done: 3, total: 10 }, etaMs: 5_400 });
    expect(during.text).toBe('custom: running · job j2 · wasm · epoch 2/4 · batch 3/10 · loss 0.7500 · 2.6 s · ETA 5 s');
  });
});
