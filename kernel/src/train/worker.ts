import * as arrow from 'apache-arrow';
import { isFlowbookError } from '../errors';
import { selectBackend } from './backend';
import type { FromWorker, ToWorker } from './job-messages';
import { modelToFiles } from './model-io';
import { fitForCluster } from './parallel/chief';
import { predictTable } from './predict';
import { runTfscript } from './tfscript/run';
import { trainModel } from './train-model';

/**
 * The entry point of a training child process (`child_process.fork` of the compiled file): trains one
 * model (a model node's, or a `%%tfscript` cell's), streams progress and logs to the kernel, sends the
 * result and exits. It exits too when the kernel goes away, so no worker outlives its kernel.
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
    checkpoint: (checkpoint) => void send({ type: 'checkpoint', checkpoint }),
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
      warnings: trained.warnings,
      backend: trained.backend,
    },
  });
}

async function tfscript(message: Extract<ToWorker, { type: 'tfscript' }>): Promise<void> {
  const backend = await selectBackend();
  await send({ type: 'started', pid: process.pid, backend });
  const result = await runTfscript(message.spec, arrow.tableFromIPC(message.table), {
    progress: (update) => void send({ type: 'tfscript_progress', update }),
    checkpoint: (checkpoint) => void send({ type: 'checkpoint', checkpoint }),
    log: (line) => void send({ type: 'log', line }),
    stopRequested: () => stopRequested,
  });
  await send({ type: 'finished', result });
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
  (message.type === 'train' ? train(message) : tfscript(message))
    .catch(fail)
    .finally(() => process.exit(0));
});

process.on('disconnect', () => process.exit(0));
