import type { DagDisplay } from '@flowbook/protocol';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { clear, el } from '../dom';
import { DAG_MIME } from '../mime-types';
import { layoutDag } from './layout';
import { renderDagSvg } from './svg';

/** Draws a saved or live `%flow` output: the graph laid out left to right. */
export class DagRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass('fb-DagOutput');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const graph = model.data[DAG_MIME] as unknown as DagDisplay;
    clear(this.node);
    if (graph.nodes.length === 0) {
      this.node.appendChild(el('div', 'fb-Empty', this._trans.__('The flow has no nodes yet.')));
      return;
    }
    this.node.appendChild(renderDagSvg(layoutDag(graph, { direction: 'LR' })));
  }
}
