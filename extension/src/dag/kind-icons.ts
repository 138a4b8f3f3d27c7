import type { NodeKind } from '@flowbook/protocol';

/** A short badge per node kind; unknown kinds show their first letters. */
const BADGES: Record<string, string> = {
  source: 'SRC',
  sql: 'SQL',
  node: 'TS',
  split: 'SPL',
  dnn_classifier: 'DNN·C',
  dnn_regressor: 'DNN·R',
  lstm_regressor: 'LSTM',
  predict: 'PRED',
  tfscript: 'TF'
};

export function kindBadge(kind: NodeKind): string {
  return BADGES[kind] ?? kind.slice(0, 4).toUpperCase();
}

/** Model kinds: their key metric is a score, and they can have a running job to stop. */
export function isModelKind(kind: NodeKind): boolean {
  return kind === 'dnn_classifier' || kind === 'dnn_regressor' || kind === 'lstm_regressor' || kind === 'tfscript';
}
