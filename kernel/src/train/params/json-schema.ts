import { FlowbookError } from '../../errors';

/**
 * The part of JSON Schema draft-07 that node parameters use. The same object is served to the
 * extension's form (rjsf renders draft-07) and checks the YAML in cell text, so both agree.
 */
export type JsonSchema = {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  enum?: readonly (string | number | boolean)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: readonly JsonSchema[];
  /** The extension offers a column picker: one column name, or a list of them. */
  'x-flowbook-column'?: 'one' | 'many';
};

/**
 * Checks `value` against `schema` and returns it with every default filled in. The first problem
 * found is thrown as a FlowbookError naming the field, the value given and what is allowed.
 */
export function validateAndDefault(schema: JsonSchema, value: unknown, field = ''): unknown {
  const problem = check(schema, value, field);
  if (problem) {
    throw new FlowbookError(
      'InvalidParameter',
      `${problem.field || 'the parameters'} is ${show(problem.value)}; ${problem.allowed}`,
      problem.hint ?? `change ${problem.field || 'the parameters'} in the cell`,
      { field: problem.field, value: problem.value, allowed: problem.allowed, detail: `${show(problem.value)}; ${problem.allowed}`, options: problem.options },
    );
  }
  return withDefaults(schema, value);
}

interface Problem {
  field: string;
  value: unknown;
  allowed: string;
  /** The allowed values, when the field is an enum. */
  options?: readonly unknown[];
  hint?: string;
}

function check(schema: JsonSchema, value: unknown, field: string): Problem | undefined {
  if (value === undefined) return undefined;
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((s) => !check(s, value, field));
    if (fits.length === 0) {
      return { field, value, allowed: `allowed: ${schema.oneOf.map(describe).join(', or ')}` };
    }
    return undefined;
  }
  if (schema.type && !hasType(schema.type, value)) {
    return { field, value, allowed: `expected ${describe(schema)}` };
  }
  if (schema.enum && !schema.enum.includes(value as string | number | boolean)) {
    return { field, value, allowed: `allowed: ${schema.enum.join(', ')}`, options: schema.enum };
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return { field, value, allowed: `must be ≥ ${schema.minimum}` };
    if (schema.maximum !== undefined && value > schema.maximum) return { field, value, allowed: `must be ≤ ${schema.maximum}` };
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return { field, value, allowed: `must be > ${schema.exclusiveMinimum}` };
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return { field, value, allowed: `must be < ${schema.exclusiveMaximum}` };
  }
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) {
    return { field, value, allowed: `must have at least ${schema.minLength} character(s)` };
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return { field, value, allowed: `needs at least ${schema.minItems} item(s)` };
    }
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const p = check(schema.items, value[i], `${field}[${i}]`);
        if (p) return p;
      }
    }
  }
  if (isPlainObject(value)) {
    for (const name of schema.required ?? []) {
      if (value[name] === undefined) {
        return { field: join(field, name), value: undefined, allowed: 'it is required', hint: `add \`${name}: …\` to the cell` };
      }
    }
    for (const [name, item] of Object.entries(value)) {
      const sub = schema.properties?.[name];
      if (sub) {
        const p = check(sub, item, join(field, name));
        if (p) return p;
      } else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {});
        const near = closest(name, known);
        return { field: join(field, name), value: item, allowed: `unknown field${near ? ` (did you mean \`${near}\`?)` : ''}; known fields here: ${known.join(', ')}` };
      } else if (typeof schema.additionalProperties === 'object') {
        const p = check(schema.additionalProperties, item, join(field, name));
        if (p) return p;
      }
    }
  }
  return undefined;
}

function withDefaults(schema: JsonSchema, value: unknown): unknown {
  if (value === undefined) {
    if (schema.default !== undefined) return structuredClone(schema.default);
    if (schema.type === 'object' && schema.properties) value = {};
    else return undefined;
  }
  if (isPlainObject(value) && schema.properties) {
    const out: Record<string, unknown> = { ...value };
    for (const [name, sub] of Object.entries(schema.properties)) {
      const filled = withDefaults(sub, out[name]);
      if (filled !== undefined) out[name] = filled;
    }
    return out;
  }
  return value;
}

function hasType(type: NonNullable<JsonSchema['type']>, value: unknown): boolean {
  switch (type) {
    case 'object': return isPlainObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
  }
}

function describe(schema: JsonSchema): string {
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'array' && schema.items) return `a list of ${describe(schema.items)}`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `a mapping to ${describe(schema.additionalProperties)}`;
  }
  return schema.type ? `a${/^[aeiou]/.test(schema.type) ? 'n' : ''} ${schema.type}` : 'a value';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(field: string, name: string): string {
  return field ? `${field}.${name}` : name;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The known name a misspelt one most likely meant: at most two edits away (`hiden_units` → `hidden_units`). */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && distance < (best?.distance ?? Infinity)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
