import { splitSourceBody } from '@flowbook/magics';
import { readSource, sourceIdentity, sourceOptionsSchema, sourceToParquet } from '../data/read-source';
import type { SourceOptions } from '../data/read-source';
import { FlowbookError } from '../errors';
import { validateParams, yamlParams } from './body';
import type { NodeKind } from './kind';

export interface SourceParams {
  location: string;
  options: SourceOptions;
}

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Source',
  type: 'object',
  required: ['location'],
  additionalProperties: false,
  properties: {
    location: {
      type: 'string',
      title: 'Location',
      description: 'A file, a folder of part files, or a store URI; relative paths start at the notebook.',
      minLength: 1,
    },
    options: { ...sourceOptionsSchema, default: {} },
  },
};

/** `%%source ID`: reads a CSV/TSV, Parquet, Arrow or JSON file (or a folder of parts) into a table. */
export const sourceKind: NodeKind<SourceParams> = {
  kind: 'source',
  title: 'Source',
  description: 'Reads a data file into a table: CSV/TSV in any common encoding, Parquet, Arrow IPC, JSON or NDJSON.',
  parameterSchema: schema,
  inputs: { min: 0, max: 0 },
  outputPorts: ['out'],
  paramsFromBody(body) {
    const { location, optionsYaml } = splitSourceBody(body);
    if (!location) {
      throw new FlowbookError('SourceWithoutLocation', '%%source needs the file to read on the line after the header', 'write a path, e.g. `examples/data/cars.json`, then optional YAML options');
    }
    return { location, options: yamlParams(optionsYaml, 'source') };
  },
  validate(raw) {
    return validateParams<SourceParams>(schema, raw);
  },
  identity(params, { baseDir, store }) {
    return sourceIdentity(params.location, params.options, { baseDir, store });
  },
  async run({ params, baseDir, store }) {
    const { table, warnings } = await readSource(params.location, params.options, { baseDir, store });
    return { tables: { out: table }, summary: { rows: table.numRows }, warnings };
  },
  // In a flow, a CSV goes from file to stored Parquet inside DuckDB, never whole in JavaScript memory.
  async writeOutputs({ params, baseDir, store }, files) {
    const { rows, warnings } = await sourceToParquet(params.location, params.options, { baseDir, store }, files.out!);
    return { rows: { out: rows }, summary: { rows }, warnings };
  },
};
