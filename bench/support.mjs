// What the plain-JS benches share: loading the TypeScript sources directly, and writing their own
// section of bench/RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Lets a bench load the TypeScript sources directly (swc, as the tests do); with `magics`, the kernel's
 * imports of the grammar package by name resolve to its sources too.
 */
export function registerTypeScript({ magics = false } = {}) {
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
      filename,
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
  if (!magics) return;
  const Module = require('node:module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === '@flowbook/magics' ? join(here, '..', 'magics/src/index.ts') : request, ...rest);
  };
}

/** Replaces (or appends) the section that `section` heads (its first line, `## Name`), leaving the others as they are. */
export function writeResultsSection(section) {
  const file = join(here, 'RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const heading = section.slice(0, section.indexOf('\n') + 1);
  const start = current.indexOf(heading);
  const end = start < 0 ? -1 : current.indexOf('\n## ', start + 1);
  const body = `${section.trimEnd()}\n`;
  const next = start < 0 ? `${current.trimEnd()}\n\n${body}` : `${current.slice(0, start)}${body}${end < 0 ? '' : current.slice(end)}`;
  writeFileSync(file, next);
}
