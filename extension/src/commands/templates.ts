import { MagicSyntaxError, isMagicCell, parseCell } from '@flowbook/magics';
import { FormKind } from '../form/cell-body';

/** Cell text of a new model node with working defaults; the form then fills in the columns. */
export function modelCellTemplate(kind: FormKind, nodeId: string, upstream: string): string {
  const header = `%%${kind} ${nodeId} --from ${upstream}`;
  switch (kind) {
    case 'dnn_classifier':
      return [
        header,
        '# DNN classification: choose the target and features in the node form (right sidebar).',
        'target: label',
        'preprocessing: {standardize: zscore, missing: drop}',
        'network: {hidden_units: [64, 32], activation: relu, output_activation: softmax, dropout: 0.1}',
        'training: {optimizer: adam, learning_rate: 0.001, epochs: 100, batch_size: 32, validation_split: 0.2,',
        '           early_stopping: {patience: 10}, seed: 42}'
      ].join('\n');
    case 'dnn_regressor':
      return [
        header,
        '# DNN regression: choose the target and features in the node form (right sidebar).',
        'target: value',
        'preprocessing: {standardize: zscore, missing: drop, scale_target: true}',
        'network: {hidden_units: [64, 32], activation: relu, output_activation: linear, dropout: 0.1}',
        'training: {optimizer: adam, learning_rate: 0.001, epochs: 200, batch_size: 32, validation_split: 0.2,',
        '           early_stopping: {patience: 20}, seed: 42}'
      ].join('\n');
    case 'lstm_regressor':
      return [
        header,
        '# LSTM regression: forecast `target` `horizon` rows after a window of `window` rows.',
        'target: value',
        'order: date',
        'window: 14',
        'horizon: 1',
        'preprocessing: {standardize: zscore, missing: drop, scale_target: true}',
        'network: {lstm_units: 32, lstm_layers: 1, dropout: 0.1}',
        'training: {optimizer: adam, learning_rate: 0.001, epochs: 100, batch_size: 32, validation_split: 0.2,',
        '           early_stopping: {patience: 10}, seed: 42}'
      ].join('\n');
  }
}

const BASE_IDS: Record<FormKind, string> = {
  dnn_classifier: 'classifier',
  dnn_regressor: 'regressor',
  lstm_regressor: 'forecaster'
};

/** A node id not used by any cell yet: `classifier`, then `classifier_2`... */
export function freshNodeId(kind: FormKind, usedIds: Iterable<string>): string {
  const used = new Set(usedIds);
  const base = BASE_IDS[kind];
  if (!used.has(base)) {
    return base;
  }
  let n = 2;
  while (used.has(`${base}_${n}`)) {
    n++;
  }
  return `${base}_${n}`;
}

/** Kinds whose output is a model or scores, not training rows for a new model. */
const NOT_DATA = new Set(['dnn_classifier', 'dnn_regressor', 'lstm_regressor', 'tfscript', 'predict']);

/** The node a cell defines, read with the cell grammar; null for code and for broken headers. */
function nodeOf(source: string): { kind: string; id: string } | null {
  if (!isMagicCell(source)) {
    return null;
  }
  try {
    const command = parseCell(source);
    return command.type === 'node' ? { kind: command.kind, id: command.id } : null;
  } catch (error) {
    if (error instanceof MagicSyntaxError) {
      return null;
    }
    throw error;
  }
}

/** Node ids defined by cells, in order. */
export function nodeIdsOf(sources: string[]): string[] {
  return sources.map(nodeOf).filter((n): n is { kind: string; id: string } => n !== null).map(n => n.id);
}

/**
 * What a new model node reads from: the nearest data node cell above the insertion point, its
 * `train` port when it is a split; `data` when there is none (the user renames it).
 */
export function upstreamAbove(sourcesAbove: string[]): string {
  for (let i = sourcesAbove.length - 1; i >= 0; i--) {
    const node = nodeOf(sourcesAbove[i]);
    if (node && !NOT_DATA.has(node.kind)) {
      return node.kind === 'split' ? `${node.id}:train` : node.id;
    }
  }
  return 'data';
}
