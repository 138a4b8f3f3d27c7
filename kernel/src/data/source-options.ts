import { DEFAULT_MISSING_TOKENS } from './csv/read-csv';
import { ColumnType } from './csv/value-kinds';

export type SourceFormat = 'csv' | 'tsv' | 'parquet' | 'arrow' | 'json' | 'ndjson';

/** The options of a `%%source` cell (its YAML after the path). Every field is optional. */
export interface SourceOptions {
  /** File format; by default from the file extension. */
  format?: SourceFormat;
  /** Text encoding of CSV/JSON files; `auto` detects UTF-8 (with or without BOM), UTF-16 with a BOM, and GB18030/GBK. */
  encoding?: string;
  /** CSV field delimiter; detected among `,` `;` tab `|` when not given. */
  delimiter?: string;
  /** CSV quote character. */
  quote?: string;
  /** Whether the first CSV line holds column names; detected when not given. */
  header?: boolean;
  /** Cell texts read as missing values (null). */
  missing?: string[];
  /** Column types that override inference, by column name. */
  types?: Record<string, ColumnType>;
}

const COLUMN_TYPES: ColumnType[] = ['string', 'int', 'int32', 'float', 'bool', 'date', 'timestamp', 'timestamptz'];

/** JSON Schema (draft-07) of SourceOptions: validates the cell's YAML and drives the extension's form. */
export const sourceOptionsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Source options',
  description: 'How to read the file or folder named on the first line of a %%source cell.',
  type: 'object',
  additionalProperties: false,
  properties: {
    format: {
      title: 'Format',
      description: 'File format. By default it follows the extension: .csv/.txt, .tsv, .parquet, .arrow/.feather/.arrows, .json, .ndjson/.jsonl.',
      type: 'string',
      enum: ['csv', 'tsv', 'parquet', 'arrow', 'json', 'ndjson'],
    },
    encoding: {
      title: 'Encoding',
      description: 'Text encoding of CSV and JSON files. "auto" detects UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030/GBK; name another (e.g. big5, shift_jis, latin1) to force it.',
      type: 'string',
      default: 'auto',
      examples: ['auto', 'utf-8', 'gb18030', 'gbk', 'utf-16le', 'big5', 'shift_jis', 'latin1'],
    },
    delimiter: {
      title: 'Delimiter',
      description: 'CSV field delimiter. Detected among comma, semicolon, tab and pipe when not given.',
      type: 'string',
      minLength: 1,
      maxLength: 1,
    },
    quote: {
      title: 'Quote character',
      description: 'CSV quote character; doubled inside a quoted field to stand for itself.',
      type: 'string',
      minLength: 1,
      maxLength: 1,
      default: '"',
    },
    header: {
      title: 'Header line',
      description: 'Whether the first CSV line holds column names. Detected when not given: a first line whose values fit the column types is data.',
      type: 'boolean',
    },
    missing: {
      title: 'Missing-value tokens',
      description: 'Cell texts read as missing (null), compared exactly.',
      type: 'array',
      items: { type: 'string' },
      default: [...DEFAULT_MISSING_TOKENS],
    },
    types: {
      title: 'Column types',
      description: 'Types that override inference, by column name. Inference looks at every value of a column.',
      type: 'object',
      additionalProperties: { type: 'string', enum: COLUMN_TYPES },
    },
  },
} as const;
