import { isMap, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { bodyFormat, splitSourceBody } from './body';
import { parseCell } from './parse-cell';

/** A field path inside a YAML body: `["network", "hidden_units"]`, `["training", "early_stopping", "patience"]`. */
export type YamlPath = readonly (string | number)[];

export interface YamlBody {
  /** The parsed value; `{}` for an empty body. */
  value: unknown;
  /** Syntax errors with their 1-based line inside the YAML text. */
  errors: { message: string; line: number }[];
}

/** Parses a YAML body (e.g. a `%%split` cell's parameters). */
export function readYamlBody(text: string): YamlBody {
  const doc = parseDocument(text);
  const errors = doc.errors.map((e) => ({ message: e.message.split('\n')[0]!, line: e.linePos?.[0]?.line ?? 1 }));
  const value: unknown = errors.length > 0 ? undefined : doc.toJS();
  return { value: value === null || value === undefined ? {} : value, errors };
}

/** The value at `path`, or undefined when a part of the path is missing. */
export function getYamlField(text: string, path: YamlPath): unknown {
  const node: unknown = editableDocument(text).getIn(path);
  return node !== null && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
}

/** Returns `text` with the field at `path` set to `value`; comments, order and the other fields stay as written. */
export function setYamlField(text: string, path: YamlPath, value: unknown): string {
  const doc = editableDocument(text);
  doc.setIn(path, value);
  return doc.toString();
}

/** Returns `text` without the field at `path`; comments and the other fields stay as written. */
export function deleteYamlField(text: string, path: YamlPath): string {
  const doc = editableDocument(text);
  doc.deleteIn(path);
  return doc.toString();
}

/**
 * Sets a field in the YAML of a whole node cell, keeping its header line, a `%%source` cell's
 * location line, and every comment. Throws for cells whose body is code, not YAML.
 */
export function setCellYamlField(cellText: string, path: YamlPath, value: unknown): string {
  const command = parseCell(cellText);
  if (command.type !== 'node') throw new Error(`a ${command.type} magic has no YAML body`);
  const format = bodyFormat(command.kind);
  const lines = cellText.split('\n');
  const head = lines.slice(0, command.bodyLine - 1);
  if (format === 'yaml') return [...head, withTrailingNewline(setYamlField(command.body, path, value), command.body)].join('\n');
  if (format === 'location+yaml') {
    const source = splitSourceBody(command.body);
    const before = command.body.split('\n').slice(0, source.optionsLine);
    return [...head, ...before, withTrailingNewline(setYamlField(source.optionsYaml, path, value), source.optionsYaml)].join('\n');
  }
  throw new Error(`%%${command.kind} cells hold ${format}, not YAML`);
}

function editableDocument(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the YAML does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  // An empty body parses to a null document; edits need a mapping to write into.
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  else if (!isMap(doc.contents)) throw new Error('the YAML body is not a mapping of fields');
  return doc;
}

/** `Document.toString()` always ends with a newline; keep the original's ending so cells don't grow. */
function withTrailingNewline(rendered: string, original: string): string {
  return original.endsWith('\n') ? rendered : rendered.replace(/\n$/, '');
}
