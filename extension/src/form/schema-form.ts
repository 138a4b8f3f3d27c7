import type { ColumnInfo, ColumnPickerAnnotation, FormGroup, JsonSchema, NodeKindSchema } from '@flowbook/protocol';
import validator from '@rjsf/validator-ajv8';
import type { FormData } from './cell-body';

export const COLUMN_ANNOTATION = 'x-flowbook-column';

export interface FieldError {
  /** Dotted path of the YAML key, e.g. `training.learning_rate`. */
  path: string;
  message: string;
}

/**
 * The schema of one form group: the group's top-level properties, with column pickers turned into
 * choices of the upstream output's columns (when those are known).
 */
export function groupSchema(kind: NodeKindSchema, group: FormGroup, columns: ColumnInfo[] | null): JsonSchema {
  const all = (kind.schema.properties ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  for (const name of group.properties) {
    if (all[name]) {
      properties[name] = withColumnChoices(all[name], columns);
    }
  }
  const required = ((kind.schema.required ?? []) as string[]).filter(name => group.properties.includes(name));
  return { type: 'object', title: group.title, properties, ...(required.length ? { required } : {}) };
}

/** The part of the cell's data a group edits. */
export function groupData(data: FormData, group: FormGroup): FormData {
  const picked: FormData = {};
  for (const name of group.properties) {
    if (data[name] !== undefined) {
      picked[name] = data[name];
    }
  }
  return picked;
}

/** Checks the whole cell's data against the kind's schema, as the kernel will. */
export function validateData(kind: NodeKindSchema, data: FormData): FieldError[] {
  const { errors } = validator.validateFormData(data, kind.schema as never);
  return errors.map(error => ({
    path: (error.property ?? '').replace(/^\./, ''),
    message: error.message ?? error.stack
  }));
}

/** Column pickers at any depth (a tfscript cell's `training.label` sits one level down). */
function withColumnChoices(schema: JsonSchema, columns: ColumnInfo[] | null): JsonSchema {
  if (!columns || columns.length === 0) {
    return schema;
  }
  const picker = schema[COLUMN_ANNOTATION] as ColumnPickerAnnotation | undefined;
  if (!picker) {
    const nested = schema.properties as Record<string, JsonSchema> | undefined;
    if (!nested) {
      return schema;
    }
    const properties = Object.fromEntries(Object.entries(nested).map(([name, child]) => [name, withColumnChoices(child, columns)]));
    return { ...schema, properties };
  }
  const names = columns.map(c => c.name);
  if (picker === 'one') {
    return { ...schema, type: 'string', enum: names };
  }
  const items = (schema.items ?? {}) as JsonSchema;
  return { ...schema, type: 'array', uniqueItems: true, items: { ...items, type: 'string', enum: names } };
}
