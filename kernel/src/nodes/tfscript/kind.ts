import { readYamlBody, splitTfscriptBody } from '@flowbook/magics';
import { FlowbookError } from '../../errors';
import { openStore } from '../../store/open';
import { TfscriptJob, type JobEvent } from '../../train/job';
import { jobRegistry, type JobRecord } from '../../train/jobs/registry';
import { metricsBundle, metricsReport } from '../../train/metrics-report';
import { saveModelBundle } from '../../train/model-io';
import type { TfscriptSettings } from '../../train/tfscript/settings';
import type { TfscriptResult } from '../../train/tfscript/run';
import { validateParams } from '../body';
import type { NodeKind, NodeRunContext, NodeRunResult } from '../kind';
import { keyMetric, modelKey, singleInput } from '../models/model-kind';
import { withPredictions } from '../models/output-table';
import { compileTfscript } from './compile';
import { TfscriptDisplay } from './display';
import { tfscriptGroups, tfscriptSettingsSchema } from './schema';

/** A tfscript node's parameters: the validated settings, and the code with the cell line it starts on. */
export interface TfscriptParams extends TfscriptSettings {
  code: string;
  bodyLine: number;
}

/**
 * `%%tfscript ID --from T`: a TypeScript module exporting `buildGraph(ctx)` and `processStep(ctx,
 * batch)` (optionally `evaluate`, `predict`), with cluster/training/paths settings in a leading `//`
 * YAML block. It trains as a job in its own process with a live display, TensorBoard event files and
 * a record under `jobs/<job-id>/`; the model is stored like a model node's, so `%%predict` applies it.
 */
export const tfscriptKind: NodeKind<TfscriptParams> = {
  kind: 'tfscript',
  title: 'TensorFlow script',
  description: 'Trains a model defined in TypeScript: buildGraph builds it, processStep runs one training step.',
  parameterSchema: tfscriptSettingsSchema,
  groups: tfscriptGroups,
  inputs: { min: 1, max: 1 },
  outputPorts: ['out'],
  paramsFromBody(body, bodyLine = 2) {
    const { settingsYaml, settingsLines } = splitTfscriptBody(body);
    const { value, errors } = readYamlBody(settingsYaml);
    if (errors.length > 0) {
      const line = bodyLine + settingsLines[0] + errors[0]!.line - 1;
      throw new FlowbookError('NodeYamlError', `the settings of the %%tfscript cell are not valid YAML (cell line ${line}): ${errors[0]!.message}`, 'write the settings as `// name: value` lines at the top of the cell', { line });
    }
    return { settings: value ?? {}, code: body, bodyLine };
  },
  validate(raw) {
    const { settings, code, bodyLine } = (raw ?? {}) as { settings?: unknown; code?: unknown; bodyLine?: unknown };
    const checked = validateParams<TfscriptSettings>(tfscriptSettingsSchema, settings ?? {});
    if (!checked.ok) return checked;
    return { ok: true, params: { ...checked.params, code: typeof code === 'string' ? code : '', bodyLine: typeof bodyLine === 'number' ? bodyLine : 2 } };
  },
  run: trainTfscript,
};

async function trainTfscript(ctx: NodeRunContext<TfscriptParams>): Promise<NodeRunResult> {
  const { cluster, training, paths } = ctx.params;
  const compiled = compileTfscript(ctx.nodeId, ctx.params.code, ctx.params.bodyLine);
  const table = singleInput(ctx.inputs, ctx.nodeId);
  let shown = false;
  const show = () => {
    ctx.report.display(display.bundle(), { displayId: `training-${ctx.nodeId}-${job.id}`, update: shown });
    shown = true;
  };
  const onEvent = (event: JobEvent) => {
    if (event.type === 'log') {
      record.log(event.line);
      ctx.report.log(event.line);
    } else if (event.type === 'started') {
      display.started(event.backend.name);
      show();
    } else if (event.type === 'checkpoint') {
      void record.checkpoint(event.checkpoint).catch((e: unknown) => ctx.report.log(`checkpoint not written: ${e instanceof Error ? e.message : String(e)}`));
    } else if (event.type === 'tfscript_progress') {
      record.scalars(event.update.steps);
      display.apply(event.update);
      show();
    }
  };
  const job = new TfscriptJob({ compiled, training, cluster }, table, { onEvent, memoryMb: cluster.memory_mb });
  // Events arrive over IPC, never before this synchronous code ends: record and display exist by then.
  const record = jobRegistry.begin(job, { node: ctx.nodeId, kind: 'tfscript', store: ctx.store, baseDir: ctx.baseDir, ...(paths.log_dir ? { logDir: paths.log_dir } : {}) });
  const display = new TfscriptDisplay(job.id, ctx.nodeId, training.epochs, record.status.logPath, record.status.tensorboardDir);
  const stop = () => job.stop();
  ctx.signal.addEventListener('abort', stop);
  let result: TfscriptResult;
  try {
    await record.ready;
    const status = record.status;
    ctx.report.log(`training job ${job.id} started · log ${ctx.store.uri}/${status.logPath} · TensorBoard logs ${status.tensorboardDir}`);
    if (status.tensorboardUrl) ctx.report.log(`TensorBoard for this job: ${status.tensorboardUrl} (stops when the job ends)`);
    show();
    result = await job.done;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    job.kill();
    display.finish('failed', message);
    show();
    await record.finish('failed', { error: message });
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  return finishRun(ctx, result, record, display, show, table);
}

async function finishRun(
  ctx: NodeRunContext<TfscriptParams>, result: TfscriptResult, record: JobRecord, display: TfscriptDisplay, show: () => void, table: Parameters<typeof withPredictions>[0],
): Promise<NodeRunResult> {
  const { training, paths } = ctx.params;
  const state = result.stoppedOnRequest ? 'stopped' : 'completed';
  const warnings: string[] = [];
  let key: string | undefined;
  if (result.files && result.metrics) {
    key = modelKey(ctx.nodeId, ctx.fingerprint);
    const bundle = { files: result.files, preprocessing: result.preprocessing, metrics: result.metrics };
    await saveModelBundle(ctx.store, key, bundle);
    if (paths.model_dir) await saveModelBundle(openStore(paths.model_dir, ctx.baseDir), training.model_name, bundle);
  } else {
    warnings.push('buildGraph returned no `model` (a tf.LayersModel), so no model was saved; return `{ model }` to keep it');
  }
  if (result.stoppedOnRequest) warnings.push(`training was stopped after step ${result.steps}; the saved model has the weights of that step`);
  display.finish(state);
  show();
  await record.finish(state, { epochs: result.epochsRun, steps: result.steps, ...(key ? { model: key } : {}), metrics: result.lastMetrics });
  return {
    tables: { out: withPredictions(table, result.predictions) },
    summary: {
      job: record.job.id, backend: result.backend.name, state, epochs: result.epochsRun, steps: result.steps,
      metrics: result.lastMetrics, inputs: result.preprocessing.inputNames, ...(key ? { model: key } : {}),
    },
    ...(result.metrics ? { metric: keyMetric(result.metrics), display: metricsBundle(metricsReport(result.metrics, ctx.nodeId)) } : {}),
    warnings,
    artifacts: { ...(key ? { modelKey: key } : {}), kind: 'tfscript', target: training.label, jobId: record.job.id },
  };
}
