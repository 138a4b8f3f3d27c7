import * as arrow from 'apache-arrow';
import { isFlowbookError } from '../errors';
import { selectBackend } from './backend';
import type { FromWorker, ToWorker } from './job-messages';
import { modelToFiles } from './model-io';
import { fitForCluster } from './parallel/chief';
import { predictTable } from './predict';
import { trainModel } from './train-model';

/**
 * The entry point of a training child process (`child_process.fork` of the compiled file): trains one
 * model, streams progress and logs to the kernel, sends the result and exits. It exits too when the
 * kernel goes away, so no worker outlives its kernel.
 */
let stopRequested = false;

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function train(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const backend = await selectBackend();
  await send({ type: 'started', pid: process.pid, backend });
  const table = arrow.tableFromIPC(message.table);
  const log = (line: string) => void send({ type: 'log', line });
  const trained = await trainModel(message.spec, table, {
    onProgress: (event) => void send({ type: 'progress', event }),
    log,
    stopRequested: () => stopRequested,
    fit: fitForCluster(message.spec.params.cluster, log),
  });
  const files = await modelToFiles(trained.model);
  const predictions = predictTable(trained.model, trained.preprocessing, table, 'the training input').columns;
  trained.model.dispose();
  await send({
    type: 'finished',
    result: {
      files, predictions,
      preprocessing: trained.preprocessing,
      metrics: trained.metrics,
      fit: trained.fit,
      split: trained.split,
      backend: trained.backend,
    },
  });
}

async function fail(e: unknown): Promise<void> {
  const error = isFlowbookError(e)
    ? { kind: e.kind, message: e.message, hint: e.hint, context: { ...e.context } }
    : { kind: 'TrainingFailed', message: e instanceof Error ? e.message : String(e) };
  await send({ type: 'failed', error });
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  train(message)
    .catch(fail)
    .finally(() => process.exit(0));
});

process.on('disconnect', () => process.exit(0));
