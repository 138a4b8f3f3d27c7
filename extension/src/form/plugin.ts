import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { flowbookTranslation } from '../i18n';
import { formIcon } from '../icons';
import { INotebookConnections } from '../tokens';
import { NodeFormModel } from './node-form-model';
import { NodeFormWidget } from './node-form';

export const SHOW_NODE_FORM = 'flowbook:show-node-form';

/** The node form in the right sidebar, following the active cell of the current notebook. */
export const nodeFormPlugin: JupyterFrontEndPlugin<void> = {
  id: '@flowbook/jupyterlab-extension:node-form',
  description: "A form for the active model-node cell, from the kernel's JSON Schema of its kind.",
  autoStart: true,
  requires: [INotebookTracker, INotebookConnections],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    connections: INotebookConnections,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ) => {
    const anyTranslator = translator ?? nullTranslator;
    const trans = flowbookTranslation(anyTranslator);
    const model = new NodeFormModel();
    const widget = new NodeFormWidget(model, trans, anyTranslator, text => {
      tracker.activeCell?.model.sharedModel.setSource(text);
    });
    widget.title.icon = formIcon;

    let followed: { disconnect: () => void } | null = null;
    const followActiveCell = () => {
      followed?.disconnect();
      followed = null;
      const cell = tracker.activeCell;
      if (!cell) {
        model.setCellText(null);
        return;
      }
      const shared = cell.model.sharedModel;
      const onChange = () => model.setCellText(shared.getSource());
      shared.changed.connect(onChange);
      followed = { disconnect: () => shared.changed.disconnect(onChange) };
      onChange();
    };
    const followConnection = () => {
      const current = tracker.currentWidget;
      model.setConnection(current ? connections.get(current) : null);
    };
    tracker.activeCellChanged.connect(followActiveCell);
    tracker.currentChanged.connect(() => {
      followConnection();
      followActiveCell();
    });
    connections.changed.connect(followConnection);
    followConnection();
    followActiveCell();

    app.shell.add(widget, 'right', { rank: 600 });
    app.commands.addCommand(SHOW_NODE_FORM, {
      label: trans.__('Show Node Properties'),
      execute: () => app.shell.activateById(widget.id)
    });
    palette?.addItem({ command: SHOW_NODE_FORM, category: trans.__('Flowbook') });
  }
};
