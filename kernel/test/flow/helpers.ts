import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { Flow } from '../../src/flow/flow';
import type { NodeKind } from '../../src/nodes/kind';
import { NodeKindRegistry } from '../../src/nodes/registry';
import { splitKind } from '../../src/nodes/split';
import { sqlKind } from '../../src/nodes/sql';
import { transformKind } from '../../src/nodes/transform';
import { LocalStore } from '../../src/store/local';

/** Plain JavaScript bodies evaluated like a notebook cell: the last expression is the value. */
export async function evaluateInVm(code: string, scope: Record<string, unknown>): Promise<unknown> {
  return vm.runInNewContext(code, { setTimeout, ...scope });
}

/** Wraps a kind so a test can count how often it really computed. */
export function counted<P>(kind: NodeKind<P>): NodeKind<P> & { runs: number } {
  const wrapper = {
    ...kind,
    runs: 0,
    run(ctx: Parameters<NodeKind<P>['run']>[0]) {
      wrapper.runs++;
      return kind.run(ctx);
    },
  };
  return wrapper;
}

export interface TestFlow {
  flow: Flow;
  storeDir: string;
  kinds: { node: ReturnType<typeof counted>; sql: ReturnType<typeof counted>; split: ReturnType<typeof counted> };
  /** A new Flow over the same store, as after a kernel restart. */
  restart(): Flow;
}

export function temporaryFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowbook-flow-test-'));
  folders.push(dir);
  return dir;
}

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

export function testFlow(extraKinds: NodeKind[] = []): TestFlow {
  const storeDir = temporaryFolder();
  const kinds = { node: counted(transformKind), sql: counted(sqlKind), split: counted(splitKind) };
  const make = (): Flow =>
    new Flow({
      store: new LocalStore(storeDir),
      baseDir: storeDir,
      kinds: new NodeKindRegistry([kinds.node, kinds.sql, kinds.split, ...extraKinds] as NodeKind[]),
      evaluate: evaluateInVm,
    });
  return { flow: make(), storeDir, kinds, restart: make };
}
