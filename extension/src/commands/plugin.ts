import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { FormKind } from '../form/cell-body';
import { flowbookTranslation } from '../i18n';
import { freshNodeId, modelCellTemplate, nodeIdsOf, upstreamAbove } from './templates';

export const INSERT_COMMANDS: Record<FormKind, string> = {
  dnn_classifier: 'flowbook:insert-dnn-classifier',
  dnn_regressor: 'flowbook:insert-dnn-regressor',
  lstm_regressor: 'flowbook:insert-lstm-regressor'
};

/** Palette and notebook-toolbar commands that add a model node cell below the active cell. */
export const insertCommandsPlugin: JupyterFrontEndPlugin<void> = {
  id: '@flowbook/jupyterlab-extension:insert-commands',
  description: 'Commands that add DNN classification, DNN regression and LSTM regression node cells.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ITranslator],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, palette: ICommandPalette | null, translator: ITranslator | null) => {
    const trans = flowbookTranslation(translator ?? nullTranslator);
    const labels: Record<FormKind, string> = {
      dnn_classifier: trans.__('Add DNN Classification Node'),
      dnn_regressor: trans.__('Add DNN Regression Node'),
      lstm_regressor: trans.__('Add LSTM Regression Node')
    };
    const category = trans.__('Flowbook');
    for (const kind of Object.keys(INSERT_COMMANDS) as FormKind[]) {
      const id = INSERT_COMMANDS[kind];
      app.commands.addCommand(id, {
        label: labels[kind],
        caption: labels[kind],
        isEnabled: () => tracker.currentWidget !== null,
        execute: () => {
          const panel = tracker.currentWidget;
          if (!panel) {
            return;
          }
          const notebook = panel.content;
          const sources = notebook.widgets.map(cell => cell.model.sharedModel.getSource());
          const above = sources.slice(0, notebook.activeCellIndex + 1);
          const text = modelCellTemplate(kind, freshNodeId(kind, nodeIdsOf(sources)), upstreamAbove(above));
          NotebookActions.insertBelow(notebook);
          notebook.activeCell?.model.sharedModel.setSource(text);
        }
      });
      palette?.addItem({ command: id, category });
    }
  }
};
