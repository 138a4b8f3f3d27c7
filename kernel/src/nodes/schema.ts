import type { JsonSchema } from '@flowbook/magics';
import type { FieldError, Validation } from './kind';

/**
 * A validator for the part of JSON Schema draft-07 Flowbook's node schemas use. It also fills in
 * `default`s, so a kind's parameters arrive complete. A schema using a keyword outside this subset
 * is a programming error and throws, so a rule is never silently ignored.
 */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$schema', '$id', '$comment', 'format', 'readOnly', 'writeOnly', 'definitions']);
const RULES = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'uniqueItems', 'anyOf', 'oneOf', '$ref',
]);

export function validateWithSchema(schema: JsonSchema, value: unknown): Validation<unknown> {
  const errors: FieldError[] = [];
  const checked = check(schema, value, '', errors, schema);
  return errors.length === 0 ? { ok: true, params: checked } : { ok: false, errors };
}

/** One line per error: `test_ratio: 1.5 is above the maximum 1`. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field || '(body)'}: ${e.message}`).join('\n');
}

function check(schema: JsonSchema, value: unknown, path: string, errors: FieldError[], root: JsonSchema): unknown {
  for (const key of Object.keys(schema)) {
    if (!RULES.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) {
      throw new Error(`schema keyword "${key}" at "${path || '(root)'}" is not supported by the node schema validator`);
    }
  }
  if (typeof schema.$ref === 'string') return check(resolveRef(schema.$ref, root), value, path, errors, root);
  const fail = (message: string, allowed?: readonly unknown[]): undefined => {
    errors.push(allowed ? { field: path, value, message, allowed } : { field: path, value, message });
    return undefined;
  };
  const shown = show(value);

  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameJson(option, value))) {
    return fail(`${shown} is not one of ${schema.enum.map(show).join(', ')}`, schema.enum);
  }
  if ('const' in schema && !sameJson(schema.const, value)) return fail(`${shown} must be ${show(schema.const)}`);
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!types.some((t) => hasType(value, t))) return fail(`${shown} is not ${types.map(article).join(' or ')}`);
  }
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) {
    const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[];
    const passing = options.map((option) => validateWithSchema({ ...option, definitions: root.definitions }, value)).filter((r) => r.ok);
    const exact = schema.oneOf !== undefined ? passing.length === 1 : passing.length >= 1;
    if (!exact) return fail(`${shown} matches ${passing.length} of the allowed forms; expected ${schema.oneOf !== undefined ? 'exactly one' : 'one'}`);
    value = (passing[0] as { params: unknown }).params;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail(`${shown} is below the minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail(`${shown} is above the maximum ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return fail(`${shown} must be above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return fail(`${shown} must be below ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return fail(schema.minLength === 1 ? 'must not be empty' : `${shown} is shorter than ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return fail(`${shown} is longer than ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return fail(`${shown} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) return checkArray(schema, value, path, errors, root, fail);
  if (isPlainObject(value)) return checkObject(schema, value, path, errors, root);
  return value;
}

function checkArray(schema: JsonSchema, value: unknown[], path: string, errors: FieldError[], root: JsonSchema, fail: (m: string) => undefined): unknown {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) return fail(`needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return fail(`holds more than ${schema.maxItems} items`);
  if (schema.uniqueItems === true) {
    const seen = new Set(value.map((v) => JSON.stringify(v)));
    if (seen.size !== value.length) return fail('lists an item twice');
  }
  const items = schema.items as JsonSchema | undefined;
  return items ? value.map((item, i) => check(items, item, `${path}[${i}]`, errors, root)) : value;
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string, errors: FieldError[], root: JsonSchema): unknown {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const result: Record<string, unknown> = {};
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  for (const key of Object.keys(value)) {
    const propertySchema = properties[key];
    if (propertySchema) result[key] = check(propertySchema, value[key], at(key), errors, root);
    else if (schema.additionalProperties === false) {
      const known = Object.keys(properties);
      errors.push({ field: at(key), value: value[key], message: `unknown field; known fields: ${known.join(', ')}`, allowed: known });
    } else if (isPlainObject(schema.additionalProperties)) {
      result[key] = check(schema.additionalProperties as JsonSchema, value[key], at(key), errors, root);
    } else result[key] = value[key];
  }
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (key in value) continue;
    const target = typeof propertySchema.$ref === 'string' ? resolveRef(propertySchema.$ref, root) : propertySchema;
    // A default goes through its schema too, so an object default gets its own fields' defaults.
    if ('default' in target) result[key] = check(target, structuredClone(target.default), at(key), errors, root);
  }
  for (const key of (schema.required ?? []) as string[]) {
    if (!(key in result)) errors.push({ field: at(key), value: undefined, message: 'is required' });
  }
  return result;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const match = /^#\/definitions\/([^/]+)$/.exec(ref);
  const target = match ? (root.definitions as Record<string, JsonSchema> | undefined)?.[match[1]!] : undefined;
  if (!target) throw new Error(`schema $ref "${ref}" does not point into #/definitions`);
  return target;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'string': return typeof value === 'string';
    case 'array': return Array.isArray(value);
    case 'object': return isPlainObject(value);
    default: throw new Error(`schema type "${type}" is not a JSON Schema type`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

function article(type: string): string {
  const names: Record<string, string> = { integer: 'an integer', object: 'a mapping of fields', array: 'a list', null: 'null' };
  return names[type] ?? `a ${type}`;
}
