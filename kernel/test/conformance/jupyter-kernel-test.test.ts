/**
 * Debian's Jupyter tools against the installed kernel (needs `npm run build`): jupyter_kernel_test's
 * suite, nbclient executing a notebook, and nbconvert exporting it as a .ts script. Each runs under
 * /usr/bin/python3 with JUPYTER_PATH pointing at a kernelspec installed by `flowbook install --prefix`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(240_000);

const PYTHON = '/usr/bin/python3';
const FLOWBOOK_BIN = join(__dirname, '..', '..', 'bin', 'flowbook.js');

function installIntoPrefix(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'flowbook-conformance-'));
  const install = spawnSync(process.execPath, [FLOWBOOK_BIN, 'install', '--prefix', dir, '--kernel-only'], { encoding: 'utf8' });
  expect(install.status).toBe(0);
  const env = {
    ...process.env,
    JUPYTER_PATH: join(dir, 'share', 'jupyter'),
    FLOWBOOK_HISTORY_FILE: join(dir, 'history.jsonl'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  return { dir, env };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(PYTHON, args, { cwd, env, encoding: 'utf8', timeout: 200_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('Debian Jupyter tools against the installed kernel', () => {
  it('jupyter kernelspec list finds the kernelspec that flowbook install --prefix wrote', () => {
    const { dir, env } = installIntoPrefix();
    const listed = run(['-m', 'jupyter_client.kernelspecapp', 'list'], dir, env);
    expect(listed.status).toBe(0);
    expect(listed.output).toContain(join(dir, 'share', 'jupyter', 'kernels', 'flowbook'));
  });

  it('jupyter_kernel_test: every sample attribute passes, none skipped', () => {
    const { dir, env } = installIntoPrefix();
    copyFileSync(join(__dirname, 'test_flowbook_kernel.py'), join(dir, 'test_flowbook_kernel.py'));
    const suite = run(['-m', 'unittest', '-v', 'test_flowbook_kernel'], dir, env);
    if (suite.status !== 0) throw new Error(suite.output);
    expect(suite.output).toMatch(/Ran 12 tests/);
    expect(suite.output).not.toMatch(/skipped/);
  });

  it('nbclient executes a notebook (nbconvert --execute) and nbconvert --to script writes a .ts file', () => {
    const { dir, env } = installIntoPrefix();
    copyFileSync(join(__dirname, 'fixtures', 'typed-cells.ipynb'), join(dir, 'typed-cells.ipynb'));
    const executed = run(['-m', 'nbconvert', '--to', 'notebook', '--execute', 'typed-cells.ipynb', '--output', 'executed.ipynb'], dir, env);
    if (executed.status !== 0) throw new Error(executed.output);
    const cells = (JSON.parse(readFileSync(join(dir, 'executed.ipynb'), 'utf8')) as { cells: { outputs: { text?: string[]; data?: Record<string, string[]> }[] }[] }).cells;
    expect(cells[0].outputs[0].text?.join('')).toBe('hello from Flowbook\n');
    expect(cells[1].outputs[0].data?.['text/plain'].join('')).toBe('38');

    const script = run(['-m', 'nbconvert', '--to', 'script', 'executed.ipynb'], dir, env);
    if (script.status !== 0) throw new Error(script.output);
    expect(readFileSync(join(dir, 'executed.ts'), 'utf8')).toContain('console.log(greeting);');
  });
});
