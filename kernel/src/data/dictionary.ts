import * as arrow from 'apache-arrow';

/**
 * Decodes dictionary columns to plain value columns (A4). Batches may carry different dictionaries
 * (IPC streams allow replacement); the Arrow file format and Parquet need one, and reading each value
 * through its own batch's dictionary is the only reading that cannot mix them up.
 */
export function decodeDictionaries(table: arrow.Table): arrow.Table {
  if (!table.schema.fields.some((f) => arrow.DataType.isDictionary(f.type))) return table;
  const columns: Record<string, arrow.Vector> = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name)!;
    if (!arrow.DataType.isDictionary(field.type)) {
      columns[field.name] = vector;
      continue;
    }
    const values: unknown[] = new Array(vector.length);
    for (let i = 0; i < vector.length; i++) values[i] = vector.get(i);
    columns[field.name] = arrow.vectorFromArray(values, field.type.dictionary);
  }
  return new arrow.Table(columns);
}
