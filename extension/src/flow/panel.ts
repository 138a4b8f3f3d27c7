import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { layoutDag } from '../dag/layout';
import { isModelKind, kindBadge } from '../dag/kind-icons';
import { nodeSummary, renderDagSvg } from '../dag/svg';
import { clear, el } from '../dom';
import { ConnectionState, FlowPanelModel } from './panel-model';

/**
 * The Flow sidebar: the live DAG of the current notebook, actions on the selected node, and a
 * sentence saying what to do when there is no graph to show.
 */
export class FlowPanel extends Widget {
  private _shown = '';

  constructor(
    private readonly _model: FlowPanelModel,
    private readonly _trans: TranslationBundle,
    private readonly _revealCell: (cellId: string) => void
  ) {
    super();
    this.id = 'flowbook-flow-panel';
    this.addClass('fb-FlowPanel');
    this.title.caption = _trans.__('Flowbook flow');
    _model.changed.connect(() => this._render());
    this._render();
  }

  /**
   * Redraws only when what the panel shows has changed: a training job reports many times a second,
   * and a DAG rebuilt on each report would take the node from under a click.
   */
  private _render(): void {
    const model = this._model;
    const shown = JSON.stringify([
      model.state, model.isEmpty, model.lastError, model.selected, model.graph,
      model.graph.nodes.map(n => model.activeJob(n.id)?.jobId ?? null)
    ]);
    if (shown === this._shown) {
      return;
    }
    this._shown = shown;
    const trans = this._trans;
    clear(this.node);
    this.node.dataset.state = model.state;
    this.node.appendChild(el('h2', 'fb-FlowPanel-title', trans.__('Flow')));

    if (model.state !== 'ready') {
      this.node.appendChild(el('p', 'fb-FlowPanel-message', this._stateMessage(model.state)));
      return;
    }
    if (model.isEmpty) {
      this.node.appendChild(
        el('p', 'fb-FlowPanel-message', trans.__('No nodes yet. Run a %%source cell (or add a model node from the command palette) to start a flow.'))
      );
      return;
    }
    this.node.appendChild(this._actions());
    if (model.lastError) {
      this.node.appendChild(el('p', 'fb-FlowPanel-error', model.lastError));
    }
    const canvas = el('div', 'fb-FlowPanel-canvas');
    canvas.appendChild(
      renderDagSvg(layoutDag(model.graph), {
        selected: model.selected,
        onNodeClick: id => this._onNodeClick(id)
      })
    );
    this.node.appendChild(canvas);
    this.node.appendChild(this._legend());
  }

  private _onNodeClick(nodeId: string): void {
    this._model.select(nodeId);
    const cellId = this._model.node(nodeId)?.cellId;
    if (cellId) {
      this._revealCell(cellId);
    }
  }

  private _actions(): HTMLElement {
    const trans = this._trans;
    const model = this._model;
    const bar = el('div', 'fb-FlowPanel-actions');
    const selected = model.selected ? model.node(model.selected) : undefined;
    bar.appendChild(
      el(
        'span',
        'fb-FlowPanel-selection',
        selected ? `${kindBadge(selected.kind)} ${selected.id} · ${nodeSummary(selected)}` : trans.__('Click a node to select it.')
      )
    );
    const button = (label: string, cls: string, enabled: boolean, run: () => void) => {
      const b = el('button', `jp-Button jp-mod-styled ${cls}`, label);
      b.disabled = !enabled;
      b.addEventListener('click', run);
      bar.appendChild(b);
    };
    const id = selected?.id;
    const running = id ? model.activeJob(id) : undefined;
    button(trans.__('Run'), 'fb-FlowPanel-run', !!id && !running, () => id && void model.runNode(id, false));
    button(trans.__('Run downstream'), 'fb-FlowPanel-runDownstream', !!id && !running, () => id && void model.runNode(id, true));
    if (selected && isModelKind(selected.kind)) {
      button(trans.__('Stop'), 'jp-mod-warn fb-FlowPanel-stop', !!running, () => id && void model.stopNode(id));
    }
    return bar;
  }

  private _legend(): HTMLElement {
    const trans = this._trans;
    const legend = el('div', 'fb-FlowPanel-legend');
    const labels: [string, string][] = [
      ['stale', trans.__('stale')],
      ['running', trans.__('running')],
      ['done', trans.__('done')],
      ['cached', trans.__('cached')],
      ['failed', trans.__('failed')]
    ];
    for (const [status, label] of labels) {
      legend.appendChild(el('span', `fb-Legend fb-mod-${status}`, label));
    }
    return legend;
  }

  private _stateMessage(state: Exclude<ConnectionState, 'ready'>): string {
    const trans = this._trans;
    switch (state) {
      case 'no-notebook':
        return trans.__('Open a notebook that uses the Flowbook kernel to see its flow here.');
      case 'no-kernel':
        return trans.__('This notebook has no running kernel. Start the Flowbook kernel (Kernel › Change Kernel…) to see its flow.');
      case 'connecting':
        return trans.__('Connecting to the kernel…');
      case 'not-flowbook':
        return trans.__("This notebook's kernel is not Flowbook. Choose the Flowbook kernel (Kernel › Change Kernel…) to build a flow.");
    }
  }
}
