/** `flowbook install` / `uninstall` as a user runs them (needs `npm run build`). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'flowbook.js');
const KERNEL_MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

function flowbook(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = () => mkdtempSync(join(tmpdir(), 'flowbook-cli-'));

describe('flowbook install', () => {
  it('--prefix DIR writes kernel.json (node, dist/main.js, {connection_file}) and both PNG logos', () => {
    const prefix = temp();
    const result = flowbook(['install', '--prefix', prefix, '--kernel-only']);
    expect(result.status).toBe(0);
    const dir = join(prefix, 'share', 'jupyter', 'kernels', 'flowbook');
    expect(result.stdout).toContain(dir);
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    expect(spec).toMatchObject({
      argv: [process.execPath, KERNEL_MAIN, '{connection_file}'],
      display_name: 'Flowbook (TypeScript)',
      language: 'typescript',
      interrupt_mode: 'message',
      metadata: { flowbook: { version: expect.any(String) } },
    });
    for (const [logo, size] of [['logo-32x32.png', 32], ['logo-64x64.png', 64]] as const) {
      const png = readFileSync(join(dir, logo));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('with no flag installs for the user, in the Jupyter data dir, and uninstall removes it', () => {
    const data = temp();
    expect(flowbook(['install', '--kernel-only'], { JUPYTER_DATA_DIR: data }).status).toBe(0);
    expect(existsSync(join(data, 'kernels', 'flowbook', 'kernel.json'))).toBe(true);
    const removed = flowbook(['uninstall', '--user'], { JUPYTER_DATA_DIR: data });
    expect(removed.status).toBe(0);
    expect(existsSync(join(data, 'kernels', 'flowbook'))).toBe(false);
    expect(flowbook(['uninstall'], { JUPYTER_DATA_DIR: data }).stdout).toMatch(/No Flowbook kernelspec/);
  });

  it('--sys-prefix uses the active environment, and says how to fix it when none is active', () => {
    const venv = temp();
    expect(flowbook(['install', '--sys-prefix', '--kernel-only'], { VIRTUAL_ENV: venv }).status).toBe(0);
    expect(existsSync(join(venv, 'share', 'jupyter', 'kernels', 'flowbook', 'kernel.json'))).toBe(true);
    const none = flowbook(['install', '--sys-prefix']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/needs an active Python environment[\s\S]*fix: /);
  });

  it('an unknown option or command is refused with the usage, not ignored', () => {
    expect(flowbook(['install', '--global']).stderr).toMatch(/Unknown option "--global"/);
    const unknown = flowbook(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/flowbook install \[--user \| --sys-prefix \| --prefix DIR\]/);
  });

  it('--help after a command prints that command\'s usage and installs or runs nothing', () => {
    const help = flowbook(['run', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: flowbook run NOTEBOOK\.ipynb/);
    expect(help.stderr).toBe('');
    expect(flowbook(['install', '-h']).stdout).toMatch(/^usage: flowbook install \[--user/);
  });
});
