import type { Table } from 'apache-arrow';
import type { FormGroup, KeyMetric } from '@flowbook/magics';
import { FlowbookError, isFlowbookError } from '../../errors';
import type { ProgressEvent } from '../../train/fit';
import { TrainingJob, type JobEvent } from '../../train/job';
import { jobRegistry } from '../../train/jobs/registry';
import type { TrainingResult } from '../../train/job-messages';
import type { ModelMetrics } from '../../train/metrics';
import { metricsBundle, metricsReport } from '../../train/metrics-report';
import { saveModelBundle } from '../../train/model-io';
import type { ScalarStep } from '../../train/tensorboard/event-writer';
import { MODEL_SCHEMAS, parseModelSpec, type ModelKind, type ModelSpec } from '../../train/params';
import { yamlParams } from '../body';
import type { FieldError, NodeKind, NodeRunContext, NodeRunResult, Validation } from '../kind';
import { withPredictions } from './output-table';
import { TrainingProgress } from './training-display';

type Params = ModelSpec['params'];

const TITLES: Record<ModelKind, { title: string; description: string }> = {
  dnn_classifier: { title: 'DNN classification', description: 'Trains a dense network that predicts a class; outputs the input rows with the predicted class and class probabilities.' },
  dnn_regressor: { title: 'DNN regression', description: 'Trains a dense network that predicts a number; outputs the input rows with the prediction.' },
  lstm_regressor: { title: 'LSTM regression', description: 'Trains an LSTM over windows of consecutive rows to forecast a number `horizon` rows ahead; outputs the input rows with the forecast.' },
};

function groups(kind: ModelKind): FormGroup[] {
  const data = kind === 'lstm_regressor' ? ['target', 'features', 'order', 'group', 'window', 'horizon', 'stride'] : ['target', 'features'];
  return [
    { id: 'data', title: 'Data', properties: data },
    { id: 'preprocessing', title: 'Preprocessing', properties: ['preprocessing'] },
    { id: 'network', title: 'Network', properties: ['network'] },
    { id: 'training', title: 'Training', properties: ['training'] },
    { id: 'cluster', title: 'Cluster (advanced)', properties: ['cluster'] },
  ];
}

/** Where a model node keeps its model: one folder per node and fingerprint. */
export function modelKey(nodeId: string, fingerprint: string): string {
  return `models/${nodeId}/${fingerprint}`;
}

/**
 * `%%dnn_classifier`, `%%dnn_regressor`, `%%lstm_regressor`: the YAML body is checked against the
 * kind's schema; the training runs as a job in its own process with a live display; the model is
 * stored under `models/<id>/<fingerprint>/`; the output is the input rows with predictions.
 */
export function modelKind(kind: ModelKind): NodeKind<Params> {
  return {
    kind,
    ...TITLES[kind],
    parameterSchema: MODEL_SCHEMAS[kind],
    groups: groups(kind),
    inputs: { min: 1, max: 1 },
    outputPorts: ['out'],
    paramsFromBody(body) {
      return yamlParams(body, kind);
    },
    validate(raw): Validation<Params> {
      try {
        return { ok: true, params: parseModelSpec(kind, raw ?? {}).params };
      } catch (e) {
        if (isFlowbookError(e) && e.kind === 'InvalidParameter') return { ok: false, errors: [fieldError(e)] };
        throw e;
      }
    },
    run(ctx) {
      return train({ kind, params: ctx.params } as ModelSpec, ctx);
    },
  };
}

function fieldError(e: FlowbookError): FieldError {
  const c = e.context as { field: string; value: unknown; detail: string; options?: readonly unknown[] };
  return { field: c.field, value: c.value, message: c.detail, ...(c.options ? { allowed: c.options } : {}) };
}

async function train(spec: ModelSpec, ctx: NodeRunContext<Params>): Promise<NodeRunResult> {
  const table = singleInput(ctx.inputs, ctx.nodeId);
  let progress: TrainingProgress | undefined;
  let shown = false;
  const show = () => {
    ctx.report.display(progress!.bundle(), { displayId: `training-${ctx.nodeId}-${job.id}`, update: shown });
    shown = true;
  };
  const onEvent = (event: JobEvent) => {
    if (event.type === 'log') {
      record.log(event.line);
      ctx.report.log(event.line);
      return;
    }
    if (event.type === 'checkpoint') {
      void record.checkpoint(event.checkpoint).catch((e: unknown) => ctx.report.log(`checkpoint not written: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (event.type === 'progress' && event.event.type === 'epoch') {
      const scalars = epochScalars(event.event);
      record.scalars([scalars]);
      record.log(`epoch ${event.event.epoch}/${event.event.epochs}: ${Object.entries(scalars.values).map(([name, value]) => `${name} ${value.toPrecision(4)}`).join(', ')}`);
    }
    if (progress!.apply(event)) show();
  };
  const job = new TrainingJob(spec, table, { onEvent });
  // The kernel's job registry keeps status, log and TensorBoard events under jobs/<id>/ and lists it in %jobs.
  const record = jobRegistry.begin(job, { node: ctx.nodeId, kind: spec.kind, store: ctx.store });
  const logPath = `jobs/${job.id}/log.txt`;
  const monitor = spec.params.training.early_stopping.monitor === 'val_loss' && spec.params.training.validation_split > 0 ? 'val_loss' : 'loss';
  progress = new TrainingProgress(job.id, ctx.nodeId, spec.params.training.epochs, monitor, logPath);
  ctx.report.log(`training job ${job.id} started (log: ${logPath} in ${ctx.store.uri}; TensorBoard logs ${record.status.tensorboardDir})`);
  const stop = () => job.stop();
  ctx.signal.addEventListener('abort', stop);
  let result: TrainingResult;
  try {
    result = await job.done;
  } catch (e) {
    progress.finish('failed', undefined, e instanceof Error ? e.message : String(e));
    show();
    await record.finish('failed', { error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  const fit = result.fit;
  const state = fit.stoppedOnRequest ? 'stopped' : fit.stoppedEarly ? 'early_stopped' : 'completed';
  const kept = fit.history[fit.keptEpoch - 1];
  progress.finish(state, kept ? { epoch: fit.keptEpoch, metric: monitor, value: monitor === 'val_loss' && kept.valLoss !== undefined ? kept.valLoss : kept.loss } : undefined);
  show();

  const key = modelKey(ctx.nodeId, ctx.fingerprint);
  await saveModelBundle(ctx.store, key, { files: result.files, preprocessing: result.preprocessing, metrics: result.metrics });
  await record.finish(state, { model: key, epochs: fit.epochsRun, keptEpoch: fit.keptEpoch });

  const warnings = [...result.warnings];
  if (fit.stoppedOnRequest) {
    warnings.push(`training was interrupted after epoch ${fit.epochsRun}; the saved model has the weights of epoch ${fit.keptEpoch}, the best so far`);
  }
  return {
    tables: { out: withPredictions(table, result.predictions) },
    summary: {
      job: job.id,
      backend: result.backend.name,
      state,
      epochs: fit.epochsRun,
      keptEpoch: fit.keptEpoch,
      samples: { training: result.split.training, validation: result.split.validation },
      ...(result.split.classCounts ? { classCounts: result.split.classCounts } : {}),
      inputs: result.preprocessing.inputNames,
      model: key,
    },
    metric: keyMetric(result.metrics),
    warnings,
    artifacts: { modelKey: key, kind: spec.kind, target: spec.params.target, jobId: job.id },
    display: metricsBundle(metricsReport(result.metrics, ctx.nodeId)),
  };
}

export function singleInput(inputs: Record<string, Table>, nodeId: string): Table {
  const tables = Object.values(inputs);
  if (tables.length !== 1) {
    throw new FlowbookError('WrongInputCount', `node \`${nodeId}\` needs exactly one input table, got ${tables.length}`, 'give it one --from table', { node: nodeId });
  }
  return tables[0];
}

export function keyMetric(metrics: ModelMetrics): KeyMetric {
  return metrics.task === 'classification' ? { name: 'accuracy', value: metrics.accuracy } : { name: 'R²', value: metrics.r2 };
}

/** An epoch's numbers as TensorBoard scalars, stepped by epoch. */
function epochScalars(e: ProgressEvent): ScalarStep {
  const metric = e.metricName === 'accuracy' ? 'accuracy' : 'rmse';
  const values: Record<string, number> = { loss: e.loss!, [metric]: e.metric! };
  if (e.valLoss !== undefined) Object.assign(values, { val_loss: e.valLoss, [`val_${metric}`]: e.valMetric! });
  return { step: e.epoch, values };
}
