import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session, errorOf, notebookFolder } from './session-harness';

describe('imports', () => {
  let session: Session;
  let notebookDir: string;
  beforeAll(() => {
    notebookDir = notebookFolder();
    session = new Session({ notebookDir });
  });
  afterAll(() => session.shutdown());

  it('imports an ESM-only package from the notebook folder, and later cells see it', async () => {
    expect(await session.value('import greeter, { greet } from "esm-only-greeter";\ngreet("flow")')).toBe("'hello, flow'");
    expect(await session.value('greeter')).toBe("'esm default'");
  });

  it('imports CommonJS packages, by default and by name', async () => {
    expect(await session.value('import counter from "cjs-counter";\ncounter.count([1, 2, 3])')).toBe('3');
    expect(await session.value('import { count } from "cjs-counter";\ncount([1])')).toBe('1');
    expect(await session.value('import * as iconv from "iconv-lite";\niconv.decode(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), "gbk")')).toBe("'你好'");
    expect(await session.value('import { decode } from "iconv-lite";\ndecode(Buffer.from([0xca, 0xfd]), "gbk")')).toBe("'数'");
  });

  it('imports yaml (typed) and node builtins', async () => {
    expect(await session.value('import YAML from "yaml";\nconst parsed: { a: number[] } = YAML.parse("a: [1, 2]");\nparsed.a.length')).toBe('2');
    expect(await session.value('import * as path from "node:path";\nimport { existsSync } from "fs";\n[path.basename("/x/y.csv"), existsSync("/")]')).toBe("[ 'y.csv', true ]");
  });

  it('has require resolved from the notebook folder', async () => {
    expect(await session.value('%%js\nrequire("cjs-counter").count([1, 2])')).toBe('2');
  });

  it('never prints the vm loader\'s experimental warning', async () => {
    const { output } = await session.run('const again = await import("esm-only-greeter");\nagain.greet("x")');
    expect(output.stderr).toBe('');
  });

  it('finds a package installed during the session', async () => {
    const cell = 'import { late } from "installed-later";\nlate';
    expect(errorOf((await session.run(cell)).outcome).evalue).toMatch(/^line 1: Cannot find module 'installed-later'/);
    installPackage(notebookDir, 'installed-later', 'exports.late = "here";\n', 'export declare const late: string;\n');
    expect(await session.value(cell)).toBe("'here'");
  });

  it('checks an unchanged cell again when an import of the session did not resolve: its types may have arrived', async () => {
    expect((await session.run('%%js\nimport { arriving } from "typed-later";', { cellId: 'load' })).outcome.status).toBe('error');
    const cell = 'const size: number = arriving;';
    expect((await session.run(cell, { cellId: 'use' })).outcome.status).toBe('ok');
    installPackage(notebookDir, 'typed-later', 'exports.arriving = "text";\n', 'export declare const arriving: string;\n');
    expect(errorOf((await session.run(cell, { cellId: 'use' })).outcome).evalue).toMatch(/^line 1: Type 'string' is not assignable to type 'number'/);
  });
});

/** Writes a typed CommonJS package into the notebook's node_modules, as `npm install` would. */
function installPackage(notebookDir: string, name: string, code: string, types: string): void {
  const pkg = path.join(notebookDir, 'node_modules', name);
  fs.mkdirSync(pkg);
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name, main: 'index.js', types: 'index.d.ts' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), code);
  fs.writeFileSync(path.join(pkg, 'index.d.ts'), types);
}
