import * as arrow from 'apache-arrow';
import { loadArrowTable, queryArrow, quoteLiteral, withDuckDB } from './duckdb';

/**
 * Writes `table` as a Parquet file through DuckDB (its Parquet writer is built in, no extension to
 * download). Dictionary columns are decoded first (A4); types keep their meaning: ints, floats,
 * booleans, strings, dates, timestamps and nulls.
 */
export async function writeParquet(table: arrow.Table, filePath: string): Promise<void> {
  await withDuckDB(async (connection) => {
    await loadArrowTable(connection, 'output', table);
    await connection.run(`COPY output TO ${quoteLiteral(filePath)} (FORMAT parquet)`);
  });
}

/** Reads a Parquet file (or a glob of part files) into an Arrow table under the product's int64 policy. */
export async function readParquet(filePath: string | string[]): Promise<arrow.Table> {
  const files = Array.isArray(filePath) ? `[${filePath.map(quoteLiteral).join(', ')}]` : quoteLiteral(filePath);
  return withDuckDB((connection) => queryArrow(connection, `SELECT * FROM read_parquet(${files})`));
}

/** Copies Parquet files (part files become one) inside DuckDB, without a trip through JavaScript values. */
export async function copyParquet(files: readonly string[], outputFile: string): Promise<number> {
  return withDuckDB(async (connection) => {
    const result = await connection.runAndReadAll(`COPY (SELECT * FROM read_parquet([${files.map(quoteLiteral).join(', ')}])) TO ${quoteLiteral(outputFile)} (FORMAT parquet)`);
    return Number(result.getRows()[0]?.[0] ?? 0);
  });
}
