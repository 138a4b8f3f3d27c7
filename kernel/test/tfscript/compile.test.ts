import { FlowbookError } from '../../src/errors';
import { compileTfscript } from '../../src/nodes/tfscript/compile';
import { loadTfscriptModule, userCodeError } from '../../src/train/tfscript/module';

/** A cell body whose header sits on cell line 1, so the body starts on line 2. */
function body(...lines: string[]): string {
  return lines.join('\n');
}

function compileError(code: string): FlowbookError {
  try {
    compileTfscript('custom', code, 2);
  } catch (e) {
    if (e instanceof FlowbookError) return e;
    throw e;
  }
  throw new Error('expected a compile error');
}

const VALID = body(
  '// training: {label: y}',
  'export function buildGraph(ctx: Tfscript.Context) {',
  '  return {};',
  '}',
  'export const processStep = (ctx: Tfscript.Context, batch: Tfscript.Batch) => ({ loss: batch.size });',
);

describe('compiling a %%tfscript cell', () => {
  it('knows the cell line of each export', () => {
    expect(compileTfscript('custom', VALID, 2).exportLines).toEqual({ buildGraph: 3, processStep: 6 });
  });

  it('a syntax error names its cell line', () => {
    const error = compileError(body('// training: {label: y}', 'export function buildGraph(ctx) {', '  return {;', '}'));
    expect(error.kind).toBe('TfscriptSyntaxError');
    expect(error.message).toMatch(/^the %%tfscript cell `custom` has a syntax error at cell line 4: /);
  });

  it('a missing processStep is named, with what to write', () => {
    const error = compileError(body('export function buildGraph(ctx) { return {}; }'));
    expect(error.message).toBe('node `custom` exports no `processStep` function');
    expect(error.hint).toMatch(/export function processStep/);
  });

  it('a misspelt export is pointed at by line', () => {
    const error = compileError(body('', 'export function buildgraph(ctx) { return {}; }', 'export function processStep() { return {}; }'));
    expect(error.message).toBe('node `custom` exports no `buildGraph`; `buildgraph` at cell line 3 looks like it');
  });

  it('a function declared without export says so', () => {
    const error = compileError(body('export function buildGraph(ctx) { return {}; }', 'function processStep() { return {}; }'));
    expect(error.message).toBe('`processStep` at cell line 3 of node `custom` is not exported');
  });
});

describe('loading a compiled tfscript module', () => {
  it('returns its functions, and an error thrown inside names the cell line through the source map', () => {
    const compiled = compileTfscript('custom', body(
      'export function buildGraph(ctx: Tfscript.Context) {',
      '  const width: number = ctx.inputShape[0];',
      '  throw new RangeError(`no model for ${width} inputs`);',
      '}',
      'export function processStep() { return { loss: 0 }; }',
    ), 2);
    const module = loadTfscriptModule(compiled);
    expect(typeof module.processStep).toBe('function');
    let thrown: unknown;
    try {
      module.buildGraph({ inputShape: [3] } as never);
    } catch (e) {
      thrown = e;
    }
    const error = userCodeError(thrown, compiled, 'buildGraph');
    expect(error.message).toBe('buildGraph of node `custom` failed at cell line 4: RangeError: no model for 3 inputs');
    expect(error.context).toMatchObject({ line: 4 });
  });

  it('imports resolve from the kernel (the same tfjs the job trains with)', () => {
    const compiled = compileTfscript('custom', body(
      "import * as tf from '@tensorflow/tfjs';",
      'export function buildGraph() { return { version: tf.version.tfjs }; }',
      'export function processStep() { return { loss: 0 }; }',
    ), 2);
    expect(loadTfscriptModule(compiled).buildGraph({} as never)).toEqual({ version: require('@tensorflow/tfjs').version.tfjs });
  });
});
