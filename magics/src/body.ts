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

export interface TfscriptBody {
  /** The YAML of the leading `//` comment block, with the `//` (and one space) removed from each line. */
  settingsYaml: string;
  /** 0-based body lines the block spans: [start, end). */
  settingsLines: [number, number];
}

/**
 * Finds a `%%tfscript` body's settings: the `//` comment lines at its top (blank lines before them
 * allowed). The code is the whole body; the comment block is valid TypeScript, so lines stay put.
 */
export function splitTfscriptBody(body: string): TfscriptBody {
  const lines = body.split('\n');
  let start = 0;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  let end = start;
  while (end < lines.length && lines[end]!.trim().startsWith('//')) end++;
  const settingsYaml = lines.slice(start, end).map((l) => l.trim().replace(/^\/\/ ?/, '')).join('\n');
  return { settingsYaml, settingsLines: [start, end] };
}
