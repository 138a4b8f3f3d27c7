import { dnnClassifierSchema, parseDnnClassifierParams, type DnnClassifierParams } from './dnn-classifier';
import { dnnRegressorSchema, parseDnnRegressorParams, type DnnRegressorParams } from './dnn-regressor';
import { lstmRegressorSchema, parseLstmRegressorParams, type LstmRegressorParams } from './lstm-regressor';
import type { JsonSchema } from './json-schema';

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
  switch (kind) {
    case 'dnn_classifier': return { kind, params: parseDnnClassifierParams(raw) };
    case 'dnn_regressor': return { kind, params: parseDnnRegressorParams(raw) };
    case 'lstm_regressor': return { kind, params: parseLstmRegressorParams(raw) };
  }
}

export type { DnnClassifierParams, DnnRegressorParams, LstmRegressorParams, JsonSchema };
export * from './groups';
