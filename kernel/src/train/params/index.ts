import { dnnClassifierSchema, parseDnnClassifierParams, type DnnClassifierParams } from './dnn-classifier';
import { dnnRegressorSchema, parseDnnRegressorParams, type DnnRegressorParams } from './dnn-regressor';
import { lstmRegressorSchema, parseLstmRegressorParams, type LstmRegressorParams } from './lstm-regressor';
import type { JsonSchema } from './json-schema';
import type { Activation } from './groups';
import { FlowbookError } from '../../errors';

export type ModelKind = 'dnn_classifier' | 'dnn_regressor' | 'lstm_regressor';

/** A model kind with its parameters, as one tagged value that crosses the job boundary. */
export type ModelSpec =
  | { kind: 'dnn_classifier'; params: DnnClassifierParams }
  | { kind: 'dnn_regressor'; params: DnnRegressorParams }
  | { kind: 'lstm_regressor'; params: LstmRegressorParams };

export const MODEL_SCHEMAS: Readonly<Record<ModelKind, JsonSchema>> = {
  dnn_classifier: dnnClassifierSchema,
  dnn_regressor: dnnRegressorSchema,
  lstm_regressor: lstmRegressorSchema,
};

/** Validates a cell's parameters for `kind` and fills in the defaults. */
export function parseModelSpec(kind: ModelKind, raw: unknown): ModelSpec {
  const spec = parseBySchema(kind, raw);
  checkActivationPerLayer(spec.params.network);
  return spec;
}

function parseBySchema(kind: ModelKind, raw: unknown): ModelSpec {
  switch (kind) {
    case 'dnn_classifier': return { kind, params: parseDnnClassifierParams(raw) };
    case 'dnn_regressor': return { kind, params: parseDnnRegressorParams(raw) };
    case 'lstm_regressor': return { kind, params: parseLstmRegressorParams(raw) };
  }
}

/** A list of activations pairs with the hidden layers one to one (a schema cannot relate two fields). */
function checkActivationPerLayer(network: { hidden_units: number[]; activation: Activation | Activation[] }): void {
  const { activation, hidden_units: layers } = network;
  if (!Array.isArray(activation) || activation.length === layers.length) return;
  const allowed = `a list needs one activation per hidden layer (hidden_units has ${layers.length}), or give one name for all layers`;
  throw new FlowbookError(
    'InvalidParameter',
    `network.activation is ${JSON.stringify(activation)}; ${allowed}`,
    'make network.activation as long as network.hidden_units, or a single name',
    { field: 'network.activation', value: activation, allowed, detail: `${JSON.stringify(activation)}; ${allowed}` },
  );
}

export type { DnnClassifierParams, DnnRegressorParams, LstmRegressorParams, JsonSchema };
export * from './groups';
