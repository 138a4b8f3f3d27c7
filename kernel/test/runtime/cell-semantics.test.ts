import { Session } from './session-harness';

describe('what a cell may declare and end with', () => {
  let session: Session;
  beforeAll(() => {
    session = new Session();
  });
  afterAll(() => session.shutdown());

  it('re-runs enums, exports, destructuring and declarations without a value', async () => {
    const cell = 'enum Color { Red, Green }\nexport const shade = Color.Green;\nconst { a, b: [c] } = { a: 1, b: [2] };\nlet unset: number | undefined, set = 3;\n[shade, a + c, unset, set]';
    expect(await session.value(cell)).toBe('[ 1, 3, undefined, 3 ]');
    expect(await session.value(cell)).toBe('[ 1, 3, undefined, 3 ]');
  });

  it('runs a cell with an anonymous default export (a cell is no module, so the export is dropped)', async () => {
    expect(await session.value('export default function () { return 1; }\n"after function"')).toBe("'after function'");
    expect(await session.value('export default class { x = 1 }\n"after class"')).toBe("'after class'");
  });

  it('hoists functions within the cell and keeps generators and async functions', async () => {
    expect(await session.value('const early = later();\nfunction later() { return 5; }\nfunction* gen() { yield 1; yield 2; }\nasync function twice(x: number) { return 2 * x; }\nearly')).toBe('5');
    expect(await session.value('[[...gen()], await twice(4)]')).toBe('[ [ 1, 2 ], 8 ]');
  });

  it('lets a class extend a class of an earlier cell, and a re-run class replace it', async () => {
    await session.run('class Base { kind() { return "base"; } }', { cellId: 'base' });
    await session.run('class Derived extends Base { override kind() { return "derived of " + super.kind(); } }', { cellId: 'derived' });
    expect(await session.value('new Derived().kind()')).toBe("'derived of base'");
    await session.run('class Base { kind() { return "base v2"; } }', { cellId: 'base' });
    expect(await session.value('new Base().kind()')).toBe("'base v2'");
  });

  it('ends with an object literal, an awaited value or a trailing comment', async () => {
    expect(await session.value('({ a: 1 })')).toBe('{ a: 1 }');
    expect(await session.value('await Promise.resolve(3)')).toBe('3');
    expect(await session.value('1 + 1 // two')).toBe('2');
    expect(await session.value('// only a comment')).toBeUndefined();
    expect(await session.value('const 名称 = "值";\n名称')).toBe("'值'");
  });

  it('keeps labeled loops and for-await working with the interrupt checks in place', async () => {
    const code =
      'let pairs = 0;\nouter: for (let i = 0; i < 3; i++) {\n  for (let j = 0; j < 3; j++) { if (j > i) continue outer; pairs++; }\n}\n' +
      'async function* numbers() { yield 1; yield 2; }\nlet sum = 0;\nfor await (const n of numbers()) sum += n;\n[pairs, sum]';
    expect(await session.value(code)).toBe('[ 6, 3 ]');
  });

  it('stores user types that later cells use', async () => {
    await session.run('interface Point { x: number; y: number }\ntype Pair<T> = [T, T];');
    expect(await session.value('const p: Point = { x: 1, y: 2 };\nconst pair: Pair<number> = [p.x, p.y];\npair')).toBe('[ 1, 2 ]');
  });
});
