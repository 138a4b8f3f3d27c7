import type { JsonSchema } from './json-schema';

/**
 * The advanced cluster group, as the platform sets executors and parameter servers: one worker and no
 * server train in the job's own process; more workers train data-parallel with parameter servers.
 */
export interface ClusterParams {
  workers: number;
  /** Parameter servers; 0 with several workers means one. */
  ps: number;
  /** Heap limit of each cluster process (--max-old-space-size). */
  memory_mb: number;
  mode: 'sync' | 'async';
}

export const clusterSchema: JsonSchema = {
  type: 'object', title: 'Cluster (advanced)', additionalProperties: false,
  properties: {
    workers: {
      type: 'integer', minimum: 1, maximum: 64, default: 1, title: 'Workers',
      description: 'Processes that each train on their share of the rows. More than 1 trains in parallel, exchanging gradients with the parameter servers.',
    },
    ps: {
      type: 'integer', minimum: 0, maximum: 16, default: 0, title: 'Parameter servers',
      description: 'Processes that hold the weights, split between them by size. 0 with several workers means one.',
    },
    memory_mb: {
      type: 'integer', minimum: 128, maximum: 65536, default: 2048, title: 'Memory per process (MB)',
      description: 'JavaScript heap limit of each worker and parameter server.',
    },
    mode: {
      type: 'string', enum: ['sync', 'async'], default: 'sync', title: 'Updates',
      description: 'sync: every step averages all workers\' gradients (same seed and workers, same model); async: servers apply each worker\'s gradients as they arrive (faster on uneven machines, not reproducible).',
    },
  },
};

/** Whether these settings ask for the parallel engine rather than the single-process loop. */
export function isClustered(cluster: ClusterParams): boolean {
  return cluster.workers > 1 || cluster.ps > 0;
}
