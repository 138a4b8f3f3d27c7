/** A kernel sent SIGTERM (as Jupyter does when a kernel outlives its shutdown_request) ends its jobs first. */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelClient } from '../../src/client/kernel-client';
import { temporaryFolder } from '../flow/helpers';
import { buildKernel, CARS_TRAINING, childrenOf, REPO, tfscriptCell, until } from '../tfscript/cells';

beforeAll(buildKernel, 120_000);

describe('SIGTERM', () => {
  it('shuts the kernel down as shutdown_request does: its training job ends and is recorded, no process is left', async () => {
    const dir = temporaryFolder();
    copyFileSync(join(REPO, 'examples/data/cars.json'), join(dir, 'cars.json'));
    const client = await KernelClient.start({ cwd: dir });
    try {
      expect((await client.execute('%%source cars\ncars.json', { timeoutMs: 60_000 })).reply.content.status).toBe('ok');
      expect((await client.execute('%%split parts --from cars\ntest_ratio: 0.2\nseed: 1', { timeoutMs: 60_000 })).reply.content.status).toBe('ok');
      void client.execute(tfscriptCell('long', [...CARS_TRAINING, '  epochs: 100000']), { timeoutMs: 120_000 }).catch(() => undefined);
      const jobs = join(dir, '.flowbook', 'jobs');
      await until(() => existsSync(jobs) && childrenOf(client.kernel.process.pid!).length > 0, 60_000);
      const [worker] = childrenOf(client.kernel.process.pid!);

      client.kernel.process.kill('SIGTERM');
      expect(await client.kernel.exited).toBe(0);
      await until(() => !existsSync(`/proc/${worker}`) || readFileSync(`/proc/${worker}/stat`, 'utf8').includes(') Z'), 5_000);
      const [jobId] = readdirSync(jobs);
      const status = JSON.parse(readFileSync(join(jobs, jobId!, 'status.json'), 'utf8')) as Record<string, unknown>;
      expect(status).toMatchObject({ state: 'failed', error: 'the kernel shut down while the job was running' });
    } finally {
      await client.close();
    }
  }, 120_000);
});
