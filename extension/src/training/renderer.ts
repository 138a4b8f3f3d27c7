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
  // The parts that outlive an update: the kernel updates the display many times a second while a
  // job runs, and a Stop button rebuilt on each update would slip away from under the pointer.
  private readonly _nodeId = el('span', 'fb-Training-node');
  private readonly _badge = el('span', 'fb-Badge');
  private readonly _jobFact = el('span', 'fb-Training-fact');
  private readonly _backendFact = el('span', 'fb-Training-fact');
  private readonly _header = el('div', 'fb-Training-header');
  private readonly _stop = el('button', 'jp-Button jp-mod-styled jp-mod-warn fb-Training-stop');
  private readonly _bar = el('div', 'fb-Progress');
  private readonly _fill = el('div', 'fb-Progress-fill');
  private readonly _facts = el('div', 'fb-Training-facts');
  private readonly _error = el('div', 'fb-Training-error');
  private readonly _charts = el('div', 'fb-Training-charts');
  private _stopping = false;
  private _stopError: string | null = null;

  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass('fb-Training');
    this._header.append(this._nodeId, this._badge, this._jobFact, this._backendFact);
    this._bar.setAttribute('role', 'progressbar');
    this._bar.setAttribute('aria-valuemin', '0');
    this._bar.setAttribute('aria-valuemax', '100');
    this._bar.appendChild(this._fill);
    this.node.append(this._header, this._bar, this._facts, this._error, this._charts);
    this._stop.addEventListener('click', () => this._requestStop());
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
    this.node.dataset.status = display.status;

    this._nodeId.textContent = display.nodeId;
    this._badge.className = `fb-Badge fb-mod-${display.status}`;
    this._badge.textContent = statusLabel(trans, display.status);
    this._jobFact.textContent = trans.__('job %1', display.jobId);
    this._backendFact.textContent = trans.__('backend %1', display.backend);
    this._renderStop(display.jobId);

    const percent = progress.fraction * 100;
    this._bar.setAttribute('aria-valuenow', String(Math.round(percent)));
    this._fill.style.width = `${percent.toFixed(1)}%`;

    clear(this._facts);
    this._facts.appendChild(el('span', 'fb-Training-epochs', trans.__('epoch %1 of %2', progress.epochsDone, progress.epochsTotal)));
    if (this._model.isRunning && progress.batchesTotal > 0) {
      this._facts.appendChild(el('span', 'fb-Training-batches', trans.__('batch %1 of %2', progress.batchesDone, progress.batchesTotal)));
    }
    this._facts.appendChild(el('span', undefined, trans.__('elapsed %1', formatDuration(display.elapsedMs))));
    if (this._model.isRunning && display.etaMs !== null) {
      this._facts.appendChild(el('span', 'fb-Training-eta', trans.__('about %1 left', formatDuration(display.etaMs))));
    }
    if (display.best) {
      this._facts.appendChild(
        el('span', 'fb-Training-best', trans.__('best epoch %1: %2 = %3', display.best.epoch, display.best.metric, display.best.value.toPrecision(4)))
      );
    }
    this._error.textContent = display.error ?? '';
    this._error.hidden = !display.error;

    clear(this._charts);
    const labels = { train: trans.__('train'), val: trans.__('validation'), epoch: trans.__('epoch') };
    for (const chart of this._model.charts) {
      const figure = el('figure', 'fb-Training-chart');
      const caption = el('figcaption');
      caption.appendChild(el('span', 'fb-Training-metric', chart.metric));
      caption.appendChild(el('span', 'fb-Legend fb-mod-train', labels.train));
      caption.appendChild(el('span', 'fb-Legend fb-mod-val', labels.val));
      figure.appendChild(caption);
      figure.appendChild(renderMetricChart(chart, labels));
      this._charts.appendChild(figure);
    }
  }

  /** Stop shows while the job runs; it works only when a live kernel of this page owns the job. */
  private _renderStop(jobId: string): void {
    const trans = this._trans;
    const button = this._stop;
    if (!this._model.isRunning) {
      button.remove();
      return;
    }
    if (button.parentNode !== this._header) {
      this._header.appendChild(button);
    }
    button.dataset.jobId = jobId;
    if (this._stopping) {
      button.disabled = true;
      button.textContent = trans.__('Stopping…');
      return;
    }
    const live = jobRegistry.isLive(jobId);
    button.disabled = !live;
    button.textContent = trans.__('Stop');
    button.title =
      this._stopError ??
      (live ? trans.__('Stop training and keep the best model so far') : trans.__('No running Flowbook kernel owns this job'));
  }

  private _requestStop(): void {
    const jobId = this._stop.dataset.jobId;
    if (!jobId || this._stopping) {
      return;
    }
    this._stopping = true;
    this._stopError = null;
    this._renderStop(jobId);
    jobRegistry.stop(jobId).then(
      stopped => {
        if (!stopped) {
          this._stopping = false;
          this._stopError = this._trans.__('No running Flowbook kernel owns this job');
          this._renderStop(jobId);
        }
      },
      (error: Error) => {
        this._stopping = false;
        this._stopError = error.message;
        this._renderStop(jobId);
      }
    );
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
