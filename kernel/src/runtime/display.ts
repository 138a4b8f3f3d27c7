import type * as arrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { CellOutput } from '../core/interpreter';
import type { JsonObject, MimeBundle } from '../core/messages';
import { FlowbookError } from '../errors';

/**
 * Arrow and the table preview load on first use: requiring apache-arrow costs ~0.1-0.3 s, which must
 * not delay the kernel's first `kernel_info_reply`.
 */
const arrowModule = (): typeof import('apache-arrow') => require('apache-arrow') as typeof import('apache-arrow');
const tablePreview = (table: arrow.Table): MimeBundle => {
  const { renderTablePreview } = require('../data/preview') as typeof import('../data/preview');
  return { ...renderTablePreview(table) };
};

/** The symbol by which any object says how it renders (Deno's protocol): a method returning a mime bundle. */
export const DISPLAY_SYMBOL = Symbol.for('Jupyter.display');

/**
 * An output a cell published; `update` replaces it in place (update_display_data), rendered as the
 * output was created: an update of `display.html(…)` is HTML again, of `display.png(…)` an image.
 */
export class DisplayHandle {
  constructor(
    readonly displayId: string,
    private readonly output: CellOutput,
    private readonly render: (value: never) => MimeBundle = mimeBundleOf,
  ) {}

  update(value: unknown): void {
    this.output.display(this.render(value as never), {}, { display_id: this.displayId }, true);
  }
}

export interface DisplayFunction {
  (value: unknown, options?: { metadata?: JsonObject }): DisplayHandle;
  html(html: string): DisplayHandle;
  markdown(markdown: string): DisplayHandle;
  svg(svg: string): DisplayHandle;
  png(image: Uint8Array | ArrayBuffer | string): DisplayHandle;
  jpeg(image: Uint8Array | ArrayBuffer | string): DisplayHandle;
  json(value: unknown): DisplayHandle;
  vegalite(spec: object): DisplayHandle;
  table(data: arrow.Table | Record<string, unknown>[]): DisplayHandle;
  clear(options?: { wait?: boolean }): void;
}

/** What the language service knows about the display API (kept beside it so the two agree). */
export const DISPLAY_TYPES = `
type MimeBundle = { [mime: string]: unknown };
interface DisplayHandle {
  /** The display_id this output was published with. */
  readonly displayId: string;
  /** Replaces this output in place with a rendering of \`value\` in the output's own form: HTML for \`display.html\`, image bytes for \`display.png\`, any value for \`display(x)\`. */
  update(value: unknown): void;
}
interface Display {
  /** Shows \`value\` in its richest form: its [Symbol.for("Jupyter.display")]() bundle, an Arrow table as HTML, else text. */
  (value: unknown, options?: { metadata?: Record<string, unknown> }): DisplayHandle;
  /** Shows HTML as is (escape any data you put in it). */
  html(html: string): DisplayHandle;
  markdown(markdown: string): DisplayHandle;
  svg(svg: string): DisplayHandle;
  /** PNG bytes, or their base64 text. */
  png(image: Uint8Array | ArrayBuffer | string): DisplayHandle;
  /** JPEG bytes, or their base64 text. */
  jpeg(image: Uint8Array | ArrayBuffer | string): DisplayHandle;
  json(value: unknown): DisplayHandle;
  /** A Vega-Lite v5 specification. */
  vegalite(spec: object): DisplayHandle;
  /** An Arrow table, or rows as objects: an HTML table with the schema. */
  table(data: import("apache-arrow").Table | Record<string, unknown>[]): DisplayHandle;
  /** Clears this cell's output; with wait, only when the next output arrives. */
  clear(options?: { wait?: boolean }): void;
}
/** Publishes rich output from a cell; every call returns a handle that can update it. */
declare const display: Display;
`;

/**
 * The \`display\` global. Output goes to the cell that is running (or whose timer or promise is), as
 * given by \`currentOutput\`.
 */
export function createDisplay(currentOutput: () => CellOutput | undefined): DisplayFunction {
  const outputNow = (): CellOutput => {
    const output = currentOutput();
    if (!output) {
      throw new FlowbookError('NoCellOutput', 'display() was called outside of any cell', 'call display() from cell code');
    }
    return output;
  };
  /** Publishes `render(value)`; the handle renders its updates the same way, so they keep the mime type. */
  const publish = <T>(render: (value: T) => MimeBundle, value: T, metadata: JsonObject = {}): DisplayHandle => {
    const output = outputNow();
    const handle = new DisplayHandle(randomUUID(), output, render);
    output.display(render(value), metadata, { display_id: handle.displayId });
    return handle;
  };
  const as = <T>(render: (value: T) => MimeBundle) => (value: T) => publish(render, value);
  return Object.assign((value: unknown, options?: { metadata?: JsonObject }) => publish(mimeBundleOf, value, options?.metadata), {
    html: as(RENDER.html),
    markdown: as(RENDER.markdown),
    svg: as(RENDER.svg),
    png: as(RENDER.png),
    jpeg: as(RENDER.jpeg),
    json: as(RENDER.json),
    vegalite: as(RENDER.vegalite),
    table: as(RENDER.table),
    clear: (options?: { wait?: boolean }) => outputNow().clearOutput(options?.wait ?? false),
  });
}

type ImageData = Uint8Array | ArrayBuffer | string;

const image = (mime: string, label: string) => (data: ImageData): MimeBundle => ({
  [mime]: typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('base64'),
  'text/plain': label,
});

/** How each `display.KIND(…)` renders its value, when shown and on every update of its handle. */
const RENDER = {
  html: (html: string): MimeBundle => ({ 'text/html': String(html), 'text/plain': '<HTML output>' }),
  markdown: (markdown: string): MimeBundle => ({ 'text/markdown': String(markdown), 'text/plain': String(markdown) }),
  svg: (svg: string): MimeBundle => ({ 'image/svg+xml': String(svg), 'text/plain': '<SVG image>' }),
  png: image('image/png', '<PNG image>'),
  jpeg: image('image/jpeg', '<JPEG image>'),
  json: (value: unknown): MimeBundle => ({ 'application/json': toJson(value), 'text/plain': plainText(value) }),
  vegalite: (spec: object): MimeBundle => ({ 'application/vnd.vegalite.v5+json': toJson(spec), 'text/plain': '<Vega-Lite chart>' }),
  table: (data: arrow.Table | Record<string, unknown>[]): MimeBundle =>
    tablePreview(isArrowTable(data) ? data : arrowModule().tableFromJSON(data as Record<string, unknown>[])),
};

/**
 * A value's richest rendering: its own `[Symbol.for("Jupyter.display")]()` bundle, an Arrow table's
 * preview (schema and first rows, as HTML and text), else text as `util.inspect` prints it.
 */
export function mimeBundleOf(value: unknown): MimeBundle {
  const custom = ownDisplay(value);
  if (custom) return 'text/plain' in custom ? custom : { ...custom, 'text/plain': plainText(value) };
  if (isArrowTable(value)) return tablePreview(value);
  return { 'text/plain': plainText(value) };
}

function ownDisplay(value: unknown): MimeBundle | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const render = (value as { [DISPLAY_SYMBOL]?: unknown })[DISPLAY_SYMBOL];
  if (typeof render !== 'function') return undefined;
  const bundle = render.call(value) as unknown;
  return typeof bundle === 'object' && bundle !== null ? (bundle as MimeBundle) : undefined;
}

/**
 * Arrow tables from any copy of apache-arrow (the notebook may install its own), told by shape, so
 * that showing a value never has to load Arrow.
 */
function isArrowTable(value: unknown): value is arrow.Table {
  const candidate = value as { schema?: { fields?: unknown }; numRows?: unknown; getChild?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.schema?.fields) &&
    typeof candidate.numRows === 'number' &&
    typeof candidate.getChild === 'function'
  );
}

function plainText(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

/** A JSON value for a +json mime type: what JSON.stringify would keep, BigInts as numbers' text. */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null');
}
