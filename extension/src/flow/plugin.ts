import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { NotebookConnections } from '../comm/notebook-connections';
import { flowbookTranslation } from '../i18n';
import { flowIcon } from '../icons';
import { INotebookConnections } from '../tokens';
import { FlowPanel } from './panel';
import { FlowPanelModel } from './panel-model';

/** Opens the `flowbook` comm of each notebook and shows the current notebook's flow in the left sidebar. */
export const flowPanelPlugin: JupyterFrontEndPlugin<INotebookConnections> = {
  id: '@flowbook/jupyterlab-extension:flow-panel',
  description: 'The Flow panel: the live DAG of the current notebook, with run and stop actions.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ITranslator, ILayoutRestorer],
  provides: INotebookConnections,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null
  ): INotebookConnections => {
    const trans = flowbookTranslation(translator ?? nullTranslator);
    const connections = new NotebookConnections();
    const model = new FlowPanelModel();

    const revealCell = (cellId: string) => {
      const panel = tracker.currentWidget;
      if (!panel) {
        return;
      }
      const notebook = panel.content;
      const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
      if (index >= 0) {
        notebook.activeCellIndex = index;
        notebook.deselectAll();
        void notebook.scrollToItem(index, 'center');
        app.shell.activateById(panel.id);
      }
    };
    const panel = new FlowPanel(model, trans, revealCell);
    panel.title.icon = flowIcon;

    const sync = () => {
      const current = tracker.currentWidget;
      if (!current) {
        model.setState('no-notebook');
        return;
      }
      const connection = connections.get(current);
      if (connection) {
        model.connect(connection);
      } else {
        model.setState(current.sessionContext.session?.kernel ? 'connecting' : 'no-kernel');
      }
    };
    tracker.widgetAdded.connect((_, notebook: NotebookPanel) => connections.watch(notebook));
    tracker.forEach(notebook => connections.watch(notebook));
    tracker.currentChanged.connect(sync);
    connections.changed.connect((_, notebook) => {
      if (notebook === tracker.currentWidget) {
        sync();
      }
    });
    sync();

    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
    return connections;
  }
};
