import { LabIcon } from '@jupyterlab/ui-components';

/** Three nodes joined by edges: the Flow panel's tab. */
export const flowIcon = new LabIcon({
  name: 'flowbook:flow',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<rect x="2" y="3" width="8" height="5" rx="1"/><rect x="14" y="9.5" width="8" height="5" rx="1"/>' +
    '<rect x="2" y="16" width="8" height="5" rx="1"/>' +
    '<path d="M10 5.5h2.5v6.5H14v1h-2.5v-6.5H10zM10 18.5h2.5V12h1v7.5H10z"/></g></svg>'
});

/** A form: the node form's tab. */
export const formIcon = new LabIcon({
  name: 'flowbook:node-form',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M4 3h16v18H4zm2 2v14h12V5z"/><rect x="8" y="7" width="8" height="2"/><rect x="8" y="11" width="8" height="2"/>' +
    '<rect x="8" y="15" width="5" height="2"/></g></svg>'
});
