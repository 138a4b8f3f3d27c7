import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { KernelClient } from '../../src/client/kernel-client';

describe('a kernel that flowbook run launches', () => {
  it('watches the process that launched it, not one further up (JPY_PARENT_PID is this process)', async () => {
    const inherited = process.env.JPY_PARENT_PID;
    process.env.JPY_PARENT_PID = '4194000'; // as when flowbook run itself runs under a Jupyter server
    const client = await KernelClient.start({ cwd: tmpdir() });
    try {
      const environ = readFileSync(`/proc/${client.kernel.process.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`JPY_PARENT_PID=${process.pid}`);
    } finally {
      if (inherited === undefined) delete process.env.JPY_PARENT_PID;
      else process.env.JPY_PARENT_PID = inherited;
      await client.close();
    }
  }, 60_000);
});
