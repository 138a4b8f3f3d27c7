import { compileCell } from '../../src/runtime/cell-transform';

describe('compiling a cell', () => {
  it('compiles an unchanged cell once: running it again reuses its script', () => {
    const first = compileCell('const total = 1 + 1;\ntotal', { kind: 'cell' });
    expect(compileCell('const total = 1 + 1;\ntotal', { kind: 'cell' })).toBe(first);
  });

  it('compiles the same code again when it runs in another mode or with other names in scope', () => {
    const asCell = compileCell('value * 2', { kind: 'cell' });
    const inScope = compileCell('value * 2', { kind: 'scope', scopeNames: ['value'] });
    expect(inScope).not.toBe(asCell);
    expect(inScope.script).toContain('value');
    expect(compileCell('value * 2', { kind: 'scope', scopeNames: ['value', 'other'] })).not.toBe(inScope);
  });
});
