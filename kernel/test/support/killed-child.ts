import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The kernel's sources, for the `require` calls of a child's script. */
export const KERNEL_SRC = resolve(__dirname, '../../src');

/**
 * Runs `script` in a child Node process that requires the kernel's TypeScript sources directly
 * (compiled by swc on load, as jest does), and SIGKILLs it as soon as it prints `marker` on stdout:
 * a writer that dies at a moment the test chose. Resolves once the child is dead.
 */
export async function killWhenPrinted(script: string, marker: string, timeoutMs = 60_000): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'flowbook-child-'));
  const hook = join(folder, 'swc-hook.js');
  writeFileSync(
    hook,
    `const swc = require(${JSON.stringify(require.resolve('@swc/core'))}); const fs = require('fs'); const Module = require('module');
     require.extensions['.ts'] = (m, f) => m._compile(swc.transformSync(fs.readFileSync(f, 'utf8'), { filename: f, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }).code, f);
     const resolveFilename = Module._resolveFilename;
     Module._resolveFilename = function (request, ...rest) {
       return resolveFilename.call(this, request === '@flowbook/magics' ? ${JSON.stringify(resolve(KERNEL_SRC, '../../magics/src/index.ts'))} : request, ...rest);
     };`,
  );
  const child = spawn(process.execPath, ['-r', hook, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((done, fail) => {
      let printed = '';
      let seen = false;
      const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        printed += chunk;
        if (!seen && printed.includes(marker)) {
          seen = true;
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(guard);
        if (seen && signal === 'SIGKILL') done();
        else fail(new Error(`the child ended (code ${code}, signal ${signal}) without printing ${JSON.stringify(marker)}; it printed: ${printed}`));
      });
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
