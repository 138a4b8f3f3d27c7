import * as arrow from 'apache-arrow';
import type { PredictionColumn } from '../../train/predict';

/**
 * The input rows with the prediction columns appended, for downstream nodes. A prediction column
 * replaces an input column of the same name (scoring a table that was scored before).
 */
export function withPredictions(table: arrow.Table, predictions: PredictionColumn[]): arrow.Table {
  const added = new Set(predictions.map((p) => p.name));
  const columns: Record<string, arrow.Vector> = {};
  for (const field of table.schema.fields) {
    if (!added.has(field.name)) columns[field.name] = table.getChild(field.name)!;
  }
  for (const p of predictions) columns[p.name] = arrow.vectorFromArray(p.values, vectorType(p));
  return new arrow.Table(columns);
}

function vectorType(column: PredictionColumn): arrow.DataType {
  if (column.type === 'number') return new arrow.Float64();
  const first = column.values.find((v) => v !== null);
  if (typeof first === 'number') return new arrow.Float64();
  if (typeof first === 'boolean') return new arrow.Bool();
  return new arrow.Utf8();
}
