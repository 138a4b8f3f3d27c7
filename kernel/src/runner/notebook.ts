import { readFileSync } from 'node:fs';
import { FlowbookError } from '../errors';
import type { JsonObject, MimeBundle } from '../core/messages';

/** nbformat 4 as far as running a notebook needs it; everything else is kept as read. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

export type Cell = CodeCell | (JsonObject & { cell_type: 'markdown' | 'raw'; source: string | string[] });

export interface CodeCell {
  cell_type: 'code';
  id?: string;
  metadata: JsonObject;
  source: string | string[];
  execution_count: number | null;
  outputs: Output[];
}

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: JsonObject }
  | { output_type: 'execute_result'; execution_count: number | null; data: MimeBundle; metadata: JsonObject }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FlowbookError('NotebookNotFound', `Cannot read the notebook ${path}: ${(error as Error).message}.`, 'Check the path; it is relative to the current folder.');
  }
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    throw new FlowbookError('NotebookInvalid', `${path} is not a notebook: ${(error as Error).message}.`, 'Pass an .ipynb file saved by Jupyter.');
  }
  if (notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new FlowbookError('NotebookInvalid', `${path} is not an nbformat 4 notebook.`, 'Open and save it once in JupyterLab to upgrade it.');
  }
  return notebook;
}

export function cellSource(cell: { source: string | string[] }): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Jupyter's on-disk form: one space indent, a trailing newline, non-ASCII kept as is. */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
