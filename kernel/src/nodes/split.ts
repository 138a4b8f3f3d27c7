import * as arrow from 'apache-arrow';
import { FlowbookError } from '../errors';
import { validateParams, yamlParams } from './body';
import type { FieldError, NodeKind } from './kind';

export interface SplitParams {
  method: 'random' | 'stratified' | 'chronological';
  test_ratio: number;
  seed: number;
  /** The class column: a stratified split keeps its shares; every split reports its balance. */
  column?: string;
  /** The time column a chronological split orders by; the latest rows become the test set. */
  order_by?: string;
}

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Split',
  type: 'object',
  additionalProperties: false,
  properties: {
    method: {
      type: 'string',
      title: 'Method',
      description: 'random: shuffled with the seed; stratified: every class keeps its share in both parts; chronological: the latest rows are the test set.',
      enum: ['random', 'stratified', 'chronological'],
      default: 'random',
    },
    test_ratio: { type: 'number', title: 'Test ratio', description: 'Share of rows in the test part.', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2 },
    seed: { type: 'integer', title: 'Seed', description: 'Seed of the shuffle, so a split is the same on every run.', default: 42 },
    column: { type: 'string', title: 'Class column', description: 'Stratified splits keep its class shares; its balance is reported for every method.', minLength: 1, 'x-flowbook-column': 'one' },
    order_by: { type: 'string', title: 'Order by', description: 'The time column of a chronological split.', minLength: 1, 'x-flowbook-column': 'one' },
  },
};

/** `%%split ID --from a`: divides a table into `train` and `test`, seeded, stratified or by time. */
export const splitKind: NodeKind<SplitParams> = {
  kind: 'split',
  title: 'Split',
  description: 'Divides a table into train and test parts.',
  parameterSchema: schema,
  inputs: { min: 1, max: 1 },
  outputPorts: ['train', 'test'],
  paramsFromBody(body) {
    return yamlParams(body, 'split');
  },
  validate(raw) {
    return validateParams<SplitParams>(schema, raw, methodNeeds);
  },
  async run({ params, inputs }) {
    const table = Object.values(inputs)[0]!;
    const testRows = pickTestRows(table, params);
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < table.numRows; i++) (testRows.has(i) ? test : train).push(i);
    const tables = { train: takeRows(table, train), test: takeRows(table, test) };
    const summary: Record<string, unknown> = { method: params.method, rows: { train: train.length, test: test.length } };
    if (params.column) {
      const classes = table.getChild(params.column)!;
      summary.balance = { column: params.column, train: classCounts(classes, train), test: classCounts(classes, test) };
    }
    return { tables, summary, metric: { name: 'test rows', value: test.length }, warnings: [] };
  },
};

function methodNeeds(params: SplitParams): FieldError[] {
  if (params.method === 'stratified' && !params.column) {
    return [{ field: 'column', value: undefined, message: 'a stratified split needs the class column (column: NAME)' }];
  }
  if (params.method === 'chronological' && !params.order_by) {
    return [{ field: 'order_by', value: undefined, message: 'a chronological split needs the time column (order_by: NAME)' }];
  }
  return [];
}

function pickTestRows(table: arrow.Table, params: SplitParams): Set<number> {
  for (const name of [params.column, params.order_by]) {
    if (name !== undefined && !table.getChild(name)) {
      throw new FlowbookError('UnknownColumn', `the split names column \`${name}\`, which the input does not have`, `use one of: ${table.schema.fields.map((f) => f.name).join(', ')}`, { column: name });
    }
  }
  const random = seededRandom(params.seed);
  const all = Array.from({ length: table.numRows }, (_, i) => i);
  if (params.method === 'random') return new Set(shuffle(all, random).slice(0, Math.round(all.length * params.test_ratio)));
  if (params.method === 'stratified') {
    const groups = new Map<string, number[]>();
    const classes = table.getChild(params.column!)!;
    for (const i of all) {
      const key = classKey(classes.get(i));
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
    const picked = new Set<number>();
    for (const key of [...groups.keys()].sort()) {
      const members = shuffle(groups.get(key)!, random);
      for (const i of members.slice(0, Math.round(members.length * params.test_ratio))) picked.add(i);
    }
    return picked;
  }
  const order = table.getChild(params.order_by!)!;
  const nulls = all.filter((i) => order.get(i) === null).length;
  if (nulls > 0) {
    throw new FlowbookError('NullOrderValue', `column \`${params.order_by}\` is empty in ${nulls} row${nulls === 1 ? '' : 's'}; a chronological split needs every row's time`, `filter those rows first, e.g. %%sql … WHERE ${params.order_by} IS NOT NULL`, { column: params.order_by, nulls });
  }
  // Ties keep their input order, so the split is the same on every run.
  const sorted = [...all].sort((a, b) => compareValues(order.get(a), order.get(b)) || a - b);
  const testCount = Math.round(all.length * params.test_ratio);
  return new Set(sorted.slice(sorted.length - testCount));
}

/** A new table with the given rows, each column keeping its type and its nulls. */
export function takeRows(table: arrow.Table, rows: readonly number[]): arrow.Table {
  const children = table.schema.fields.map((field) => {
    const source = table.getChild(field.name)!;
    const builder = arrow.makeBuilder({ type: field.type, nullValues: [null, undefined] });
    for (const i of rows) builder.append(source.get(i));
    return builder.finish().flush();
  });
  const data = arrow.makeData({ type: new arrow.Struct(table.schema.fields), length: rows.length, nullCount: 0, children });
  return new arrow.Table([new arrow.RecordBatch(table.schema, data)]);
}

function classCounts(classes: arrow.Vector, rows: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of rows) {
    const key = classKey(classes.get(i));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function classKey(value: unknown): string {
  return value === null || value === undefined ? 'null' : String(value);
}

function compareValues(a: unknown, b: unknown): number {
  const key = (v: unknown): number | string => (v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : (v as number | string));
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** mulberry32: a small seeded generator, so a split depends on its seed only. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: readonly number[], random: () => number): number[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
