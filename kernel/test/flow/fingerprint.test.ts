import { canonicalJson, fingerprint } from '../../src/flow/fingerprint';

describe('fingerprints', () => {
  const base = { kind: 'split', params: { method: 'random', seed: 1 }, upstream: [{ name: 'cars', node: 'cars', fingerprint: 'a1' }] };

  it('do not depend on the order fields are written in', () => {
    expect(fingerprint(base)).toBe(fingerprint({ ...base, params: { seed: 1, method: 'random' } }));
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: [3, { f: 1, e: 2 }] })).toBe('{"a":[3,{"e":2,"f":1}],"b":{"c":2,"d":1}}');
  });

  it('change with the kind, a parameter, an upstream fingerprint, the port read, and the source identity', () => {
    const variants = [
      { ...base, kind: 'sql' },
      { ...base, params: { method: 'random', seed: 2 } },
      { ...base, upstream: [{ name: 'cars', node: 'cars', fingerprint: 'a2' }] },
      { ...base, upstream: [{ name: 'cars_test', node: 'cars', port: 'test', fingerprint: 'a1' }] },
      { ...base, identity: 'file-v2' },
    ];
    const prints = new Set([fingerprint(base), ...variants.map(fingerprint)]);
    expect(prints.size).toBe(variants.length + 1);
  });
});
