import { JS_CELL } from '@flowbook/magics';
import type { CellOutput, ExecuteOutcome } from '../core/interpreter';

/**
 * A first line `%%js` runs the cell as JavaScript: it is never blocked by type errors. The grammar's
 * own definition, so that `isMagicCell` (what `CellMagics.handles` asks) never claims such a cell.
 */
export const JS_MODE = JS_CELL;

/**
 * The seam between the TypeScript runtime and the flow: cells whose first line starts with `%`
 * (`%%source cars`, `%flow run mpg`, `%store ls`) are handed to a `CellMagics` instead of being
 * compiled as TypeScript. The runtime owns output routing and interrupts; the magics own the grammar.
 */
export interface CellMagics {
  /** True when this cell's first line names a magic these handlers know. */
  handles(code: string): boolean;
  run(code: string, cell: MagicCell): Promise<ExecuteOutcome>;
}

export interface MagicCell {
  output: CellOutput;
  /** JupyterLab's cell id, when the client sent one: re-running the same cell redefines its node. */
  cellId?: string;
  /** Aborted when the user interrupts the cell. */
  signal: AbortSignal;
  /** Runs TypeScript in the session's context with `scope` as extra variables; resolves to its value. */
  evaluate(code: string, scope: Record<string, unknown>, label?: string): Promise<unknown>;
}
