import { runSql } from '../data/sql';
import { validateParams } from './body';
import type { NodeKind } from './kind';

export interface SqlParams {
  query: string;
}

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'SQL',
  type: 'object',
  required: ['query'],
  additionalProperties: false,
  properties: {
    query: {
      type: 'string',
      title: 'Query',
      description: 'A DuckDB query; upstream outputs are tables named by their node ids (`parts:train` is `parts_train`).',
      minLength: 1,
    },
  },
};

/** `%%sql ID --from a,b`: DuckDB over the upstream tables. */
export const sqlKind: NodeKind<SqlParams> = {
  kind: 'sql',
  title: 'SQL',
  description: 'Filters, joins and aggregates upstream tables with DuckDB SQL.',
  parameterSchema: schema,
  inputs: { min: 0, max: null },
  outputPorts: ['out'],
  paramsFromBody(body) {
    return { query: body.trim() };
  },
  validate(raw) {
    return validateParams<SqlParams>(schema, raw);
  },
  async run({ params, inputs }) {
    const table = await runSql(params.query, inputs);
    return { tables: { out: table }, summary: { rows: table.numRows }, warnings: [] };
  },
};
