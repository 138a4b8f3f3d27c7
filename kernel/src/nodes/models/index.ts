import type { NodeKind } from '../kind';
import { modelKind } from './model-kind';
import { predictKind } from './predict-kind';

/** The model node kinds: the three trainers and `predict`. */
export function modelNodeKinds(): NodeKind[] {
  return [modelKind('dnn_classifier'), modelKind('dnn_regressor'), modelKind('lstm_regressor'), predictKind];
}
