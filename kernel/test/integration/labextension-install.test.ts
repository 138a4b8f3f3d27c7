/** `flowbook install` puts the prebuilt JupyterLab extension beside the kernelspec (needs `npm run build`). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'flowbook.js');
const temp = () => mkdtempSync(join(tmpdir(), 'flowbook-labext-'));

function flowbook(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An extension folder as `extension/` is: its package.json, and when built, labextension/ with static/. */
function extensionFolder(built: boolean): string {
  const dir = temp();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@flowbook/jupyterlab-extension', version: '0.1.0' }));
  if (built) {
    mkdirSync(join(dir, 'labextension', 'static'), { recursive: true });
    writeFileSync(join(dir, 'labextension', 'package.json'), JSON.stringify({ name: '@flowbook/jupyterlab-extension', jupyterlab: { _build: { load: 'static/remoteEntry.abc.js' } } }));
    writeFileSync(join(dir, 'labextension', 'static', 'remoteEntry.abc.js'), 'var _JUPYTERLAB;');
  }
  return dir;
}

describe('flowbook install and the JupyterLab extension', () => {
  it('copies the built extension into <data dir>/labextensions/<package name>, and uninstall removes it', () => {
    const data = temp();
    const env = { JUPYTER_DATA_DIR: data, FLOWBOOK_EXTENSION_DIR: extensionFolder(true) };
    const installed = flowbook(['install'], env);
    expect(installed.status).toBe(0);
    const target = join(data, 'labextensions', '@flowbook', 'jupyterlab-extension');
    expect(installed.stdout).toContain(`Installed the Flowbook JupyterLab extension in ${target}`);
    expect(readFileSync(join(target, 'static', 'remoteEntry.abc.js'), 'utf8')).toBe('var _JUPYTERLAB;');
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).jupyterlab._build.load).toBe('static/remoteEntry.abc.js');

    const removed = flowbook(['uninstall'], env);
    expect(removed.stdout).toContain(`Removed the Flowbook JupyterLab extension from ${target}`);
    expect(existsSync(target)).toBe(false);
  });

  it('--prefix DIR puts it in DIR/share/jupyter/labextensions, beside the kernels folder', () => {
    const prefix = temp();
    expect(flowbook(['install', '--prefix', prefix], { FLOWBOOK_EXTENSION_DIR: extensionFolder(true) }).status).toBe(0);
    expect(existsSync(join(prefix, 'share', 'jupyter', 'kernels', 'flowbook', 'kernel.json'))).toBe(true);
    expect(existsSync(join(prefix, 'share', 'jupyter', 'labextensions', '@flowbook', 'jupyterlab-extension', 'package.json'))).toBe(true);
  });

  it('builds the extension of a fresh checkout first (npm run build), then installs it', () => {
    const data = temp();
    const extension = extensionFolder(false);
    const made = join(extension, 'labextension');
    writeFileSync(join(extension, 'build.js'), `const fs = require('fs');
fs.mkdirSync(${JSON.stringify(join(made, 'static'))}, { recursive: true });
fs.writeFileSync(${JSON.stringify(join(made, 'package.json'))}, '{"name":"@flowbook/jupyterlab-extension"}');
fs.writeFileSync(${JSON.stringify(join(made, 'static', 'remoteEntry.built.js'))}, 'built');`);
    writeFileSync(join(extension, 'package.json'), JSON.stringify({ name: '@flowbook/jupyterlab-extension', version: '0.1.0', scripts: { build: 'node build.js' } }));
    const result = flowbook(['install'], { JUPYTER_DATA_DIR: data, FLOWBOOK_EXTENSION_DIR: extension });
    expect(result.stderr).toContain('Building the JupyterLab extension');
    expect(result.status).toBe(0);
    expect(readFileSync(join(data, 'labextensions', '@flowbook', 'jupyterlab-extension', 'static', 'remoteEntry.built.js'), 'utf8')).toBe('built');
  });

  it('a failing build installs the kernel, shows the build error and exits non-zero', () => {
    const data = temp();
    const extension = extensionFolder(false);
    writeFileSync(join(extension, 'package.json'), JSON.stringify({ name: '@flowbook/jupyterlab-extension', version: '0.1.0', scripts: { build: 'node -e "console.error(\'rspack: out of memory\'); process.exit(3)"' } }));
    const result = flowbook(['install'], { JUPYTER_DATA_DIR: data, FLOWBOOK_EXTENSION_DIR: extension });
    expect(result.status).toBe(1);
    expect(existsSync(join(data, 'kernels', 'flowbook', 'kernel.json'))).toBe(true);
    expect(result.stderr).toContain('Building the JupyterLab extension failed at `npm run build --silent`');
    expect(result.stderr).toContain('rspack: out of memory');
  });

  it('an extension that is neither built nor buildable still installs the kernel, says how to build it, and fails', () => {
    const data = temp();
    const extension = extensionFolder(false);
    const result = flowbook(['install'], { JUPYTER_DATA_DIR: data, FLOWBOOK_EXTENSION_DIR: extension });
    expect(result.status).toBe(1);
    expect(existsSync(join(data, 'kernels', 'flowbook', 'kernel.json'))).toBe(true);
    expect(existsSync(join(data, 'labextensions'))).toBe(false);
    expect(result.stderr).toContain('The JupyterLab extension is not built');
    expect(result.stderr).toContain(`fix: Build it with \`npm ci --prefix ${extension} && npm run build --prefix ${extension}\``);
  });
});
