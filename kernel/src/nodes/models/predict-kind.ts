import { FlowbookError } from '../../errors';
import { selectBackend } from '../../train/backend';
import { metricsBundle, metricsReport } from '../../train/metrics-report';
import { loadModelBundle } from '../../train/model-io';
import { predictTable } from '../../train/predict';
import { validateParams, yamlParams } from '../body';
import type { NodeKind, NodeRunResult } from '../kind';
import { keyMetric, singleInput } from './model-kind';
import { withPredictions } from './output-table';

/** `%%predict` takes no parameters: the model (`--model M`) brings its preprocessing and windowing. */
export type PredictParams = Record<string, never>;

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Predict',
  description: 'Applies a trained model node (--model) to a table (--from), with the model\'s own preprocessing and windowing.',
  type: 'object',
  additionalProperties: false,
  properties: {},
};

/**
 * `%%predict ID --model M --from T`: the input rows with prediction columns. When T holds the
 * target too (a test split), the predictions are scored and the metrics report is shown.
 */
export const predictKind: NodeKind<PredictParams> = {
  kind: 'predict',
  title: 'Predict',
  description: 'Scores a table with a trained model node.',
  parameterSchema: schema,
  inputs: { min: 1, max: 1 },
  outputPorts: ['out'],
  paramsFromBody(body) {
    return yamlParams(body, 'predict') ?? {};
  },
  validate(raw) {
    return validateParams<PredictParams>(schema, raw ?? {});
  },
  async run(ctx): Promise<NodeRunResult> {
    const modelKey = ctx.model?.artifacts.modelKey;
    if (typeof modelKey !== 'string') {
      throw new FlowbookError(
        'NoModel',
        ctx.model ? `node \`${ctx.model.node}\` is not a trained model node` : `node \`${ctx.nodeId}\` has no model to apply`,
        'name a model node: %%predict ID --model MODEL_NODE --from TABLE',
        { node: ctx.nodeId },
      );
    }
    const table = singleInput(ctx.inputs, ctx.nodeId);
    await selectBackend();
    const stored = await loadModelBundle(ctx.store, modelKey);
    try {
      const scored = predictTable(stored.model, stored.preprocessing, table, `the input of ${ctx.nodeId}`);
      return {
        tables: { out: withPredictions(table, scored.columns) },
        summary: { model: modelKey, rows: table.numRows, scored: scored.metrics?.rows ?? null },
        ...(scored.metrics ? { metric: keyMetric(scored.metrics), display: metricsBundle(metricsReport(scored.metrics, ctx.nodeId)) } : {}),
        warnings: [],
        artifacts: { modelKey },
      };
    } finally {
      stored.model.dispose();
    }
  },
};
