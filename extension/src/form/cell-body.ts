import { CellCommand, InputRef, MagicSyntaxError, isMagicCell, parseCell } from '@flowbook/magics';
import { Document, isCollection, isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** The model kinds whose cells have a YAML body the node form edits. */
export const FORM_KINDS = ['dnn_classifier', 'dnn_regressor', 'lstm_regressor'] as const;
export type FormKind = (typeof FORM_KINDS)[number];

export interface ModelCell {
  kind: FormKind;
  nodeId: string;
  /** Upstream references of `--from a,b:port`. */
  inputs: InputRef[];
  /** The lines before the YAML body (the magic line), kept byte for byte. */
  header: string;
  /** The YAML text after the magic line. */
  body: string;
}

export type FormData = Record<string, unknown>;

/** One change of the form: a value to set at a path of the YAML, or `undefined` to remove it. */
export interface FormEdit {
  path: string[];
  value: unknown;
}

/**
 * Reads a model-node cell with the cell grammar of `@flowbook/magics`; anything else (code, other
 * magics, a header still being typed) is null.
 */
export function parseModelCell(text: string): ModelCell | null {
  if (!isMagicCell(text)) {
    return null;
  }
  let command: CellCommand;
  try {
    command = parseCell(text);
  } catch (error) {
    if (error instanceof MagicSyntaxError) {
      return null;
    }
    throw error;
  }
  if (command.type !== 'node' || !(FORM_KINDS as readonly string[]).includes(command.kind)) {
    return null;
  }
  return {
    kind: command.kind as FormKind,
    nodeId: command.id,
    inputs: command.inputs,
    header: text.split('\n').slice(0, command.bodyLine - 1).join('\n'),
    body: command.body
  };
}

/** The upstream node the form takes columns from: the first `--from`. */
export function upstreamOf(cell: ModelCell): { nodeId: string; port?: string } | null {
  const first = cell.inputs[0];
  if (!first) {
    return null;
  }
  return first.port ? { nodeId: first.node, port: first.port } : { nodeId: first.node };
}

export class YamlBodyError extends Error {
  constructor(readonly details: string) {
    super(`The cell's YAML does not parse: ${details}`);
    this.name = 'YamlBodyError';
  }
}

/** The YAML body as plain data for the form. */
export function readFormData(body: string): FormData {
  const doc = parseBody(body);
  const data = doc.toJS() as unknown;
  return isPlainObject(data) ? data : {};
}

/**
 * The leaf changes that turn `before` into `after`. Objects are compared key by key so an edit
 * touches only what changed; arrays and scalars are replaced whole.
 */
export function editsBetween(before: FormData, after: FormData, prefix: string[] = []): FormEdit[] {
  const edits: FormEdit[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const path = [...prefix, key];
    const old = before[key];
    const now = after[key];
    if (isPlainObject(old) && isPlainObject(now)) {
      edits.push(...editsBetween(old, now, path));
    } else if (!sameValue(old, now)) {
      edits.push({ path, value: now });
    }
  }
  return edits;
}

/**
 * Applies form edits to the cell's YAML body, keeping its comments, key order and flow style;
 * returns the new cell text (magic line unchanged).
 */
export function applyEdits(cell: ModelCell, edits: FormEdit[]): string {
  const doc = parseBody(cell.body);
  if (doc.contents === null) {
    doc.contents = doc.createNode({});
  }
  for (const { path, value } of edits) {
    if (value === undefined || value === null || value === '') {
      if (doc.hasIn(path)) {
        doc.deleteIn(path);
      }
      continue;
    }
    const existing = doc.getIn(path, true);
    if (isScalar(existing) && (typeof value !== 'object' || value === null)) {
      // Changing the value in place keeps the comment written beside it.
      existing.value = value;
      continue;
    }
    const node = doc.createNode(value);
    if (isCollection(existing) && isCollection(node)) {
      node.flow = existing.flow;
      node.comment = existing.comment;
      node.commentBefore = existing.commentBefore;
    } else if (isSeq(node)) {
      // A new short list of names reads best inline, as the grammar's examples write them.
      node.flow = true;
    }
    ensureParents(doc, path);
    doc.setIn(path, node);
  }
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return `${cell.header}\n${body}`.replace(/\n$/, '');
}

function ensureParents(doc: Document, path: string[]): void {
  for (let i = 1; i < path.length; i++) {
    const parent = path.slice(0, i);
    if (!isMap(doc.getIn(parent, true))) {
      doc.setIn(parent, doc.createNode({}));
    }
  }
}

function parseBody(body: string): Document {
  const doc = parseDocument(body, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    throw new YamlBodyError(doc.errors[0].message);
  }
  return doc;
}

function isPlainObject(value: unknown): value is FormData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
