import * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import { loadArrowTable, queryArrow, withDuckDB } from './duckdb';

/**
 * Runs a `%%sql` query with DuckDB over upstream tables named by their node ids; the result follows
 * the int64 policy (A2). DuckDB's own message is kept, with the SQL line it points at.
 */
export async function runSql(query: string, inputs: Record<string, arrow.Table>): Promise<arrow.Table> {
  return withDuckDB(async (connection) => {
    for (const [name, table] of Object.entries(inputs)) await loadArrowTable(connection, name, table);
    try {
      return await queryArrow(connection, query);
    } catch (error) {
      if (error instanceof FlowbookError) throw error;
      throw sqlError(error, query, Object.keys(inputs));
    }
  });
}

function sqlError(error: unknown, query: string, tables: string[]): FlowbookError {
  const duckMessage = error instanceof Error ? error.message : String(error);
  const lineNumber = Number(/LINE (\d+):/.exec(duckMessage)?.[1] ?? 0) || undefined;
  const sqlLine = lineNumber ? query.split(/\r?\n/)[lineNumber - 1] : undefined;
  const firstLine = duckMessage.split('\n')[0];
  const where = lineNumber ? `\n  at SQL line ${lineNumber}: ${sqlLine?.trim()}` : '';
  const hint = /Table with name|Catalog Error/i.test(duckMessage)
    ? `the tables in scope are the upstream node ids: ${tables.length ? tables.join(', ') : '(none: add --from <node>)'}`
    : /Invalid unicode|not utf-?8|byte sequence/i.test(duckMessage)
      // DuckDB reads UTF-8 only: a file it reads itself gets none of the source node's decoding.
      ? 'the file is not UTF-8 (GB18030/GBK or UTF-16, as Excel writes them): read it with a %%source node, which detects the encoding (or takes `encoding:`), and query that node'
      : 'fix the query; the message above is DuckDB\'s';
  return new FlowbookError('SqlError', `${firstLine}${where}`, hint, { duckdb: duckMessage, line: lineNumber, sqlLine });
}
