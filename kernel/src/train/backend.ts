import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The tfjs backend training runs on, and why: shown to users beside every training run. */
export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Why this one: what loaded, or what failed before falling back. */
  reason: string;
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Chooses the fastest backend that loads here, once per process: `@tensorflow/tfjs-node` (native
 * TensorFlow; optional, its install downloads libtensorflow), else `@tensorflow/tfjs-backend-wasm`
 * (its .wasm files are read from the package itself, never fetched), else the pure-JS cpu backend.
 */
export function selectBackend(): Promise<BackendInfo> {
  chosen ??= choose();
  return chosen;
}

async function choose(): Promise<BackendInfo> {
  const failures: string[] = [];
  try {
    // A computed specifier keeps TypeScript from requiring the optional package at build time.
    const nativePackage = '@tensorflow/tfjs-node';
    await import(nativePackage);
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      return { name: 'tensorflow', reason: '@tensorflow/tfjs-node loaded' };
    }
    failures.push('tfjs-node loaded but its backend did not start');
  } catch (e) {
    failures.push(isNotInstalled(e)
      ? '@tensorflow/tfjs-node is not installed (installing it adds native TensorFlow, several times faster)'
      : `@tensorflow/tfjs-node did not load (${firstLine(e)})`);
  }
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    wasm.setWasmPaths(path.dirname(wasmFile) + path.sep);
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { name: 'wasm', reason: `WebAssembly, one thread; ${failures.join('; ')}` };
    }
    failures.push('tfjs-backend-wasm did not start');
  } catch (e) {
    failures.push(`tfjs-backend-wasm failed (${firstLine(e)})`);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', reason: `${failures.join('; ')}; using the cpu backend` };
}

function isNotInstalled(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
