import type { TrainingDisplay } from '@flowbook/protocol';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { jobRegistry } from '../comm/job-registry';
import { clear, el } from '../dom';
import { TRAINING_MIME } from '../mime-types';
import { TrainingChartModel, formatDuration } from './chart-model';
import { renderMetricChart } from './chart-svg';

/**
 * Draws a training job: progress, ETA, job facts, a Stop button while a live kernel runs the job,
 * and one chart per metric. The same payload renders from a saved notebook without any kernel.
 */
export class TrainingRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly _model = new TrainingChartModel();

  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass('fb-Training');
    this._model.changed.connect(() => this._render());
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._model.update(model.data[TRAINING_MIME] as unknown as TrainingDisplay);
  }

  private _render(): void {
    const display = this._model.display;
    const progress = this._model.progress;
    if (!display || !progress) {
      return;
    }
    const trans = this._trans;
    clear(this.node);
    this.node.dataset.status = display.status;

    const header = el('div', 'fb-Training-header');
    header.appendChild(el('span', 'fb-Training-node', display.nodeId));
    header.appendChild(el('span', `fb-Badge fb-mod-${display.status}`, statusLabel(trans, display.status)));
    header.appendChild(el('span', 'fb-Training-fact', trans.__('job %1', display.jobId)));
    header.appendChild(el('span', 'fb-Training-fact', trans.__('backend %1', display.backend)));
    if (this._model.isRunning) {
      header.appendChild(this._stopButton(display.jobId));
    }
    this.node.appendChild(header);

    const bar = el('div', 'fb-Progress');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(Math.round(progress.fraction * 100)));
    const fill = el('div', 'fb-Progress-fill');
    fill.style.width = `${(progress.fraction * 100).toFixed(1)}%`;
    bar.appendChild(fill);
    this.node.appendChild(bar);

    const facts = el('div', 'fb-Training-facts');
    facts.appendChild(el('span', 'fb-Training-epochs', trans.__('epoch %1 of %2', progress.epochsDone, progress.epochsTotal)));
    if (this._model.isRunning && progress.batchesTotal > 0) {
      facts.appendChild(el('span', 'fb-Training-batches', trans.__('batch %1 of %2', progress.batchesDone, progress.batchesTotal)));
    }
    facts.appendChild(el('span', undefined, trans.__('elapsed %1', formatDuration(display.elapsedMs))));
    if (this._model.isRunning && display.etaMs !== null) {
      facts.appendChild(el('span', 'fb-Training-eta', trans.__('about %1 left', formatDuration(display.etaMs))));
    }
    if (display.best) {
      facts.appendChild(
        el('span', 'fb-Training-best', trans.__('best epoch %1: %2 = %3', display.best.epoch, display.best.metric, display.best.value.toPrecision(4)))
      );
    }
    this.node.appendChild(facts);
    if (display.error) {
      this.node.appendChild(el('div', 'fb-Training-error', display.error));
    }

    const charts = el('div', 'fb-Training-charts');
    const labels = { train: trans.__('train'), val: trans.__('validation'), epoch: trans.__('epoch') };
    for (const chart of this._model.charts) {
      const figure = el('figure', 'fb-Training-chart');
      const caption = el('figcaption');
      caption.appendChild(el('span', 'fb-Training-metric', chart.metric));
      caption.appendChild(el('span', 'fb-Legend fb-mod-train', labels.train));
      caption.appendChild(el('span', 'fb-Legend fb-mod-val', labels.val));
      figure.appendChild(caption);
      figure.appendChild(renderMetricChart(chart, labels));
      charts.appendChild(figure);
    }
    this.node.appendChild(charts);
  }

  private _stopButton(jobId: string): HTMLButtonElement {
    const button = el('button', 'jp-Button jp-mod-styled jp-mod-warn fb-Training-stop', this._trans.__('Stop'));
    const live = jobRegistry.isLive(jobId);
    button.disabled = !live;
    button.title = live
      ? this._trans.__('Stop training and keep the best model so far')
      : this._trans.__('No running Flowbook kernel owns this job');
    button.addEventListener('click', () => {
      button.disabled = true;
      button.textContent = this._trans.__('Stopping…');
      jobRegistry.stop(jobId).catch((error: Error) => {
        button.textContent = this._trans.__('Stop');
        button.disabled = false;
        button.title = error.message;
      });
    });
    return button;
  }
}

function statusLabel(trans: TranslationBundle, status: TrainingDisplay['status']): string {
  switch (status) {
    case 'running':
      return trans.__('running');
    case 'completed':
      return trans.__('completed');
    case 'early_stopped':
      return trans.__('stopped early');
    case 'stopped':
      return trans.__('stopped');
    case 'failed':
      return trans.__('failed');
  }
}
