import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { insertCommandsPlugin } from './commands/plugin';
import { flowPanelPlugin } from './flow/plugin';
import { nodeFormPlugin } from './form/plugin';

/** Flowbook's JupyterLab plugins; the mime renderers are in `mime/index.ts`. */
const plugins: JupyterFrontEndPlugin<unknown>[] = [flowPanelPlugin, nodeFormPlugin, insertCommandsPlugin];

export default plugins;
