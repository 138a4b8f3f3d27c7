import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStore } from '../../src/store/local';

const REPO = path.resolve(__dirname, '../../..');

/**
 * Training jobs fork the compiled worker (dist/train/worker.js): build the kernel as `npm test` does
 * before a file's tests (other packages' type errors do not stop emitting).
 */
export function buildWorkerBeforeAll(): void {
  beforeAll(() => {
    spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'kernel'], { cwd: REPO, stdio: 'ignore' });
  }, 120_000);
}

/** A fresh local store per test, in a temporary folder whose name has spaces; removed after the test. */
export function temporaryStorePerTest(label: string): { readonly root: string; readonly store: LocalStore } {
  const current = { root: '', store: undefined as unknown as LocalStore };
  beforeEach(() => {
    current.root = fs.mkdtempSync(path.join(os.tmpdir(), `flowbook ${label} `));
    current.store = new LocalStore(current.root);
  });
  afterEach(() => fs.rmSync(current.root, { recursive: true, force: true }));
  return current;
}
