import type { NodeKind } from '../kind';
import type { NodeKindRegistry } from '../registry';
import { modelKind } from './model-kind';
import { predictKind } from './predict-kind';

/** The model node kinds: the three trainers and `predict`. */
export function modelNodeKinds(): NodeKind[] {
  return [modelKind('dnn_classifier'), modelKind('dnn_regressor'), modelKind('lstm_regressor'), predictKind];
}

/** Adds the model kinds to a registry (the session's, beside the data kinds). */
export function withModelKinds(registry: NodeKindRegistry): NodeKindRegistry {
  for (const kind of modelNodeKinds()) registry.register(kind);
  return registry;
}
