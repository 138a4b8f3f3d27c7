import { Token } from '@lumino/coreutils';
import { NotebookConnections } from './comm/notebook-connections';

/** The `flowbook` comms of open notebooks, shared by the flow panel and the node form. */
export type INotebookConnections = NotebookConnections;
export const INotebookConnections = new Token<INotebookConnections>(
  '@flowbook/jupyterlab-extension:INotebookConnections',
  'The flowbook comm of each open notebook.'
);
