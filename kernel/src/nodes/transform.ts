import { normalizeInt64Columns, toArrowTable } from '../data/convert';
import { FlowbookError } from '../errors';
import { validateParams } from './body';
import type { NodeKind } from './kind';

export interface TransformParams {
  code: string;
  /** The cell line the code starts on, so errors name the cell's own lines. */
  line?: number;
}

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'TypeScript transform',
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: {
    code: {
      type: 'string',
      title: 'Code',
      description: 'TypeScript with the upstream tables in scope by node id; its last expression (a table, an array of rows or an object of columns) is the output.',
      minLength: 1,
    },
    line: { type: 'integer', minimum: 1, title: 'First line', description: 'The cell line the code starts on.' },
  },
};

/**
 * `%%node ID --from a`: TypeScript evaluated in the notebook session with the upstream Arrow tables
 * in scope. The value of the last expression (awaited when it is a Promise) becomes the output table.
 */
export const transformKind: NodeKind<TransformParams> = {
  kind: 'node',
  title: 'TypeScript transform',
  description: 'Computes a table in TypeScript from the upstream tables.',
  parameterSchema: schema,
  inputs: { min: 0, max: null },
  outputPorts: ['out'],
  paramsFromBody(body, bodyLine) {
    return bodyLine !== undefined ? { code: body, line: bodyLine } : { code: body };
  },
  validate(raw) {
    return validateParams<TransformParams>(schema, raw);
  },
  async run({ nodeId, params, inputs, evaluate }) {
    if (!evaluate) {
      throw new FlowbookError('NoTypeScriptSession', `node \`${nodeId}\` is TypeScript, and this flow has no session to run it in`, 'run the flow from a notebook (or pass `evaluate` to the Flow)');
    }
    // Inputs follow the int64 policy too, so a count(*) is a number in user code (A2).
    const scope = Object.fromEntries(Object.entries(inputs).map(([name, table]) => [name, normalizeInt64Columns(table)]));
    // Blank lines in front of the code make a stack trace's line numbers the cell's own.
    const value: unknown = await evaluate('\n'.repeat((params.line ?? 1) - 1) + params.code, scope, `node ${nodeId}`);
    if (value === undefined || value === null) {
      throw new FlowbookError(
        'NodeReturnedNothing',
        `node \`${nodeId}\` produced no table: its last expression is ${value === null ? 'null' : 'undefined'}`,
        `end the cell with the output, e.g. \`${Object.keys(inputs)[0] ?? 'rows'}\` or an array of row objects`,
      );
    }
    const table = toArrowTable(value);
    return { tables: { out: table }, summary: { rows: table.numRows }, warnings: [] };
  },
};
