import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator } from '@jupyterlab/translation';
import { DagRenderer } from '../dag/renderer';
import { DAG_MIME, METRICS_MIME, TRAINING_MIME } from '../mime-types';
import { MetricsRenderer } from '../metrics/renderer';
import { TrainingRenderer } from '../training/renderer';
import { flowbookTranslation } from '../i18n';

function bundle(options: IRenderMime.IRendererOptions) {
  return flowbookTranslation(options.translator ?? nullTranslator);
}

const training: IRenderMime.IExtension = {
  id: '@flowbook/jupyterlab-extension:training-renderer',
  description: 'Renders Flowbook training jobs: live charts, progress, ETA and Stop.',
  rendererFactory: {
    safe: true,
    mimeTypes: [TRAINING_MIME],
    createRenderer: options => new TrainingRenderer(bundle(options))
  },
  rank: 0,
  dataType: 'json'
};

const dag: IRenderMime.IExtension = {
  id: '@flowbook/jupyterlab-extension:dag-renderer',
  description: 'Renders a Flowbook flow graph.',
  rendererFactory: {
    safe: true,
    mimeTypes: [DAG_MIME],
    createRenderer: options => new DagRenderer(bundle(options))
  },
  rank: 0,
  dataType: 'json'
};

const metrics: IRenderMime.IExtension = {
  id: '@flowbook/jupyterlab-extension:metrics-renderer',
  description: 'Renders Flowbook model metrics as tables.',
  rendererFactory: {
    safe: true,
    mimeTypes: [METRICS_MIME],
    createRenderer: options => new MetricsRenderer(bundle(options))
  },
  rank: 0,
  dataType: 'json'
};

export default [training, dag, metrics];
