import { describeFieldErrors, validateWithSchema } from '../../src/nodes/schema';

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  definitions: { units: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, default: [64, 32] } },
  properties: {
    target: { type: 'string', minLength: 1, title: 'Target', 'x-flowbook-column': 'one' },
    network: {
      type: 'object',
      default: {},
      properties: {
        hidden_units: { $ref: '#/definitions/units' },
        activation: { type: 'string', enum: ['relu', 'tanh'], default: 'relu' },
      },
    },
    rate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    stop: { oneOf: [{ type: 'boolean' }, { type: 'object', properties: { patience: { type: 'integer' } } }] },
  },
};

describe('the node schema validator', () => {
  it('fills defaults at every level, through $ref', () => {
    expect(validateWithSchema(schema, { target: 'mpg' })).toEqual({ ok: true, params: { target: 'mpg', network: { hidden_units: [64, 32], activation: 'relu' } } });
  });

  it('names every wrong field by its path, with the value and the allowed values', () => {
    const result = validateWithSchema(schema, { network: { hidden_units: [64, 0], activation: 'gelu' }, rate: 0, tags: { a: 1 }, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.value])).toEqual([
      ['network.hidden_units[1]', 0],
      ['network.activation', 'gelu'],
      ['rate', 0],
      ['tags.a', 1],
      ['extra', true],
      ['target', undefined],
    ]);
    expect(result.errors[1]!.allowed).toEqual(['relu', 'tanh']);
    expect(describeFieldErrors(result.errors)).toContain('network.activation: "gelu" is not one of "relu", "tanh"');
    expect(describeFieldErrors(result.errors)).toContain('target: is required');
  });

  it('takes exactly one form of a oneOf, and says when none fits', () => {
    expect(validateWithSchema(schema, { target: 'y', stop: { patience: 5 } })).toMatchObject({ ok: true, params: { stop: { patience: 5 } } });
    expect(validateWithSchema(schema, { target: 'y', stop: 5 })).toMatchObject({ ok: false, errors: [{ field: 'stop', message: expect.stringContaining('matches 0 of the allowed forms') }] });
  });

  it('refuses a schema keyword it does not implement, rather than ignoring the rule', () => {
    expect(() => validateWithSchema({ type: 'object', patternProperties: { '^x': { type: 'string' } } }, {})).toThrow('schema keyword "patternProperties"');
  });

  it('does not treat a whole number as integer-typed when it is fractional, nor NaN as a number', () => {
    expect(validateWithSchema({ type: 'integer' }, 1.5).ok).toBe(false);
    expect(validateWithSchema({ type: 'number' }, Number.NaN).ok).toBe(false);
    expect(validateWithSchema({ type: ['integer', 'null'] }, null).ok).toBe(true);
  });
});
