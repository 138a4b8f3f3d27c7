import { readYamlBody } from '@flowbook/magics';
import { FlowbookError } from '../errors';
import { describeFieldErrors, validateWithSchema } from './schema';
import type { FieldError, Validation } from './kind';
import type { JsonSchema } from '@flowbook/magics';

/** Reads a YAML cell body into raw parameters; a syntax error names its line in the body. */
export function yamlParams(body: string, kind: string): unknown {
  const { value, errors } = readYamlBody(body);
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new FlowbookError('NodeYamlError', `the %%${kind} body is not valid YAML (body line ${first.line}): ${first.message}`, 'write the parameters as `name: value` lines', { line: first.line });
  }
  return value;
}

/** Schema validation plus the kind's own rules (which run only when the schema passed). */
export function validateParams<P>(schema: JsonSchema, raw: unknown, rules?: (params: P) => FieldError[]): Validation<P> {
  const checked = validateWithSchema(schema, raw);
  if (!checked.ok) return checked;
  const params = checked.params as P;
  const errors = rules ? rules(params) : [];
  return errors.length === 0 ? { ok: true, params } : { ok: false, errors };
}

/** The FlowbookError a node cell shows for invalid parameters: every wrong field on its own line. */
export function invalidParamsError(nodeId: string, kind: string, errors: readonly FieldError[]): FlowbookError {
  return new FlowbookError(
    'InvalidNodeParameters',
    `node \`${nodeId}\` (%%${kind}) has invalid parameters:\n${describeFieldErrors(errors)}`,
    errors.some((e) => e.allowed) ? 'use one of the allowed values listed above' : 'fix the fields listed above in the cell',
    { node: nodeId, errors: errors.map((e) => ({ field: e.field, message: e.message })) },
  );
}
