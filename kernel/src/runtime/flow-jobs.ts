import type { JobsCommand } from '@flowbook/magics';
import type { MimeBundle } from '../core/messages';
import { FlowbookError } from '../errors';
import type { Store } from '../store/store';
import type { JobRegistry, JobStatus } from '../train/jobs/registry';
import { listingBundle } from './flow-display';

/**
 * `%jobs`: the training jobs of the store (`jobs/<job-id>/status.json`, log.txt, TensorBoard events),
 * the running ones as this kernel's registry sees them live. A job recorded as running that this
 * kernel does not run was cut off with an earlier kernel: it shows as `lost`.
 */
export async function jobsOutput(command: JobsCommand, store: Store, registry: JobRegistry): Promise<{ display?: MimeBundle; text?: string }> {
  if (command.action === 'list') {
    const statuses = await listStatuses(store, registry);
    const rows = statuses.map((s) => [s.jobId, s.node, s.state, s.startedAt, duration(s)]);
    const title = `${store.uri}/jobs: ${rows.length} job${rows.length === 1 ? '' : 's'}`;
    return { display: listingBundle(title, ['job', 'node', 'state', 'started', 'duration'], rows) };
  }
  const { jobId } = command;
  const live = registry.get(jobId);
  if (command.action === 'stop') {
    registry.stop(jobId);
    return { text: `asked job ${jobId} to stop after its current step; its cell ends with the model as it is then\n` };
  }
  const status = live?.status ?? (await readStatus(store, jobId, registry));
  if (!status) {
    throw new FlowbookError('UnknownJob', `the store has no job \`${jobId}\``, 'list the jobs with %jobs', { job: jobId, store: store.uri });
  }
  if (command.action === 'show') return { text: `${JSON.stringify(status, null, 2)}\n` };
  if (live) return { text: live.logText() || '(no log lines yet)\n' };
  const key = `jobs/${jobId}/log.txt`;
  return { text: (await store.exists(key)) ? new TextDecoder().decode(await store.read(key)) : '(no log)\n' };
}

async function listStatuses(store: Store, registry: JobRegistry): Promise<JobStatus[]> {
  const folders = (await store.exists('jobs')) ? (await store.list('jobs')).filter((e) => e.kind === 'folder') : [];
  const statuses = new Map<string, JobStatus>();
  for (const folder of folders) {
    const status = await readStatus(store, folder.name, registry);
    if (status) statuses.set(status.jobId, status);
  }
  for (const record of registry.running()) if (record.info.store.uri === store.uri) statuses.set(record.job.id, record.status);
  return [...statuses.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function readStatus(store: Store, jobId: string, registry: JobRegistry): Promise<JobStatus | undefined> {
  const key = `jobs/${jobId}/status.json`;
  if (!(await store.exists(key))) return undefined;
  const status = JSON.parse(new TextDecoder().decode(await store.read(key))) as JobStatus;
  // Older records (written at the end only) carry no start; running ones here belong to a kernel gone.
  status.jobId ??= jobId;
  status.startedAt ??= '';
  if (status.state === 'running' && !registry.get(jobId)) return { ...status, state: 'lost' };
  return status;
}

function duration(status: JobStatus): string {
  const ms = status.durationMs ?? (status.state === 'running' && status.startedAt ? Date.now() - Date.parse(status.startedAt) : undefined);
  if (ms === undefined) return '';
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
