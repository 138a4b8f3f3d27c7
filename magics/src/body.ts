import type { NodeKindName } from './cell-command';

/**
 * How a node cell's body is written:
 * - `location+yaml`: a path or URI on the first line, then optional YAML options (`%%source`);
 * - `yaml`: a YAML mapping of the kind's parameters (`%%split`, model kinds, `%%predict`);
 * - `sql`: a DuckDB query (`%%sql`);
 * - `typescript`: code (`%%node`, `%%tfscript`).
 */
export type BodyFormat = 'location+yaml' | 'yaml' | 'sql' | 'typescript';

export function bodyFormat(kind: NodeKindName): BodyFormat {
  switch (kind) {
    case 'source':
      return 'location+yaml';
    case 'sql':
      return 'sql';
    case 'node':
    case 'tfscript':
      return 'typescript';
    default:
      return 'yaml';
  }
}

export interface SourceBody {
  /** The path or URI, trimmed; empty when the body has none. */
  location: string;
  /** The YAML text after the location line. */
  optionsYaml: string;
  /** 0-based line in the body where `optionsYaml` starts. */
  optionsLine: number;
}

/** Splits a `%%source` body into its location line (the first line that is neither blank nor a `#` comment) and its YAML options. */
export function splitSourceBody(body: string): SourceBody {
  const lines = body.split('\n');
  const index = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (index < 0) return { location: '', optionsYaml: body, optionsLine: 0 };
  return { location: lines[index]!.trim(), optionsYaml: lines.slice(index + 1).join('\n'), optionsLine: index + 1 };
}
