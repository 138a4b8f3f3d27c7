import type { TrainingDisplay } from '@flowbook/protocol';
import { Widget } from '@lumino/widgets';
import { FlowbookConnection } from '../../src/comm/connection';
import { jobRegistry } from '../../src/comm/job-registry';
import { TRAINING_MIME } from '../../src/mime-types';
import { TrainingRenderer } from '../../src/training/renderer';
import { FakeComm, settle } from '../fake-comm';
import { english } from '../translation';

const RUNNING: TrainingDisplay = {
  jobId: 'job-9', nodeId: 'species', backend: 'wasm', status: 'running',
  epochs: { done: 2, total: 20 }, batches: { done: 1, total: 4 },
  history: [
    { epoch: 1, train: { loss: 0.9 }, val: { loss: 1.0 } },
    { epoch: 2, train: { loss: 0.7 }, val: { loss: 0.8 } }
  ],
  elapsedMs: 2000, etaMs: 18000
};

async function rendered(display: TrainingDisplay): Promise<TrainingRenderer> {
  const renderer = new TrainingRenderer(english);
  Widget.attach(renderer, document.body);
  await renderer.renderModel({ data: { [TRAINING_MIME]: display } } as never);
  return renderer;
}

describe('TrainingRenderer', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the job, its progress and a chart per metric', async () => {
    const { node } = await rendered(RUNNING);
    expect(node.querySelector('.fb-Training-header')!.textContent).toContain('job job-9');
    expect(node.querySelector('.fb-Training-eta')!.textContent).toBe('about 18s left');
    expect(node.querySelector('.fb-Progress')!.getAttribute('aria-valuenow')).toBe('11');
    expect(node.querySelectorAll('svg.fb-Chart path.fb-Chart-line')).toHaveLength(2);
  });

  it('redraws in place when the kernel updates the display', async () => {
    const renderer = await rendered(RUNNING);
    const next = { ...RUNNING, epochs: { done: 3, total: 20 }, history: [...RUNNING.history, { epoch: 3, train: { loss: 0.5 }, val: { loss: 0.6 } }] };
    await renderer.renderModel({ data: { [TRAINING_MIME]: next } } as never);
    expect(renderer.node.querySelector('path.fb-mod-train')!.getAttribute('data-points')).toBe('3');
    expect(renderer.node.querySelector('.fb-Training-epochs')!.textContent).toBe('epoch 3 of 20');
  });

  it('keeps the same Stop button across updates, so a click between two updates lands', async () => {
    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    jobRegistry.track(connection);
    comm.push({ type: 'job_started', jobId: 'job-9', nodeId: 'species', backend: 'wasm', logPath: 'l', tensorboardDir: 't', epochs: 20, batchesPerEpoch: 4 });
    const renderer = await rendered(RUNNING);
    const stop = renderer.node.querySelector<HTMLButtonElement>('.fb-Training-stop')!;
    stop.click();
    await renderer.renderModel({ data: { [TRAINING_MIME]: { ...RUNNING, batches: { done: 2, total: 4 } } } } as never);
    expect(renderer.node.querySelector('.fb-Training-stop')).toBe(stop);
    expect(stop.disabled).toBe(true);
    expect(stop.textContent).toBe('Stopping…');
    expect(comm.sent.filter(r => r.type === 'stop_job')).toHaveLength(1);
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: { stopped: true } });
    await settle();
    await renderer.renderModel({ data: { [TRAINING_MIME]: { ...RUNNING, status: 'stopped', etaMs: null } } } as never);
    expect(renderer.node.querySelector('.fb-Training-stop')).toBeNull();
    connection.dispose();
  });

  it('offers Stop only when a live kernel owns the job, and sends stop_job to it', async () => {
    const saved = await rendered(RUNNING);
    expect(saved.node.querySelector<HTMLButtonElement>('.fb-Training-stop')!.disabled).toBe(true);

    const comm = new FakeComm();
    const connection = new FlowbookConnection(comm);
    jobRegistry.track(connection);
    comm.push({ type: 'job_started', jobId: 'job-9', nodeId: 'species', backend: 'wasm', logPath: 'l', tensorboardDir: 't', epochs: 20, batchesPerEpoch: 4 });
    const live = await rendered(RUNNING);
    const stop = live.node.querySelector<HTMLButtonElement>('.fb-Training-stop')!;
    expect(stop.disabled).toBe(false);
    stop.click();
    expect(comm.last()).toMatchObject({ type: 'stop_job', jobId: 'job-9' });
    comm.push({ type: 'reply', requestId: comm.last().requestId, ok: true, result: { stopped: true } });
    await settle();
    connection.dispose();
    expect(jobRegistry.isLive('job-9')).toBe(false);
  });

  it('drops the Stop button once the job has finished', async () => {
    const { node } = await rendered({ ...RUNNING, status: 'stopped', etaMs: null, best: { epoch: 2, metric: 'val_loss', value: 0.8 } });
    expect(node.querySelector('.fb-Training-stop')).toBeNull();
    expect(node.querySelector('.fb-Training-best')!.textContent).toBe('best epoch 2: val_loss = 0.8000');
  });
});
