import type { ColumnInfo, FormGroup, KernelEvent, NodeKindSchema } from '@flowbook/protocol';
import { ISignal, Signal } from '@lumino/signaling';
import { FlowbookConnection } from '../comm/connection';
import { FormData, ModelCell, YamlBodyError, applyEdits, editsBetween, parseModelCell, readFormData, upstreamOf } from './cell-body';
import { FieldError, groupData, validateData } from './schema-form';

export type FormStatus = 'no-model-cell' | 'no-kernel' | 'loading' | 'ready' | 'error';

/**
 * The node form of the active cell: which model cell it is, the kind's schema (asked from the
 * kernel once per kind), the upstream columns, the cell's data and what is invalid in it.
 */
export class NodeFormModel {
  private readonly _changed = new Signal<this, void>(this);
  private readonly _schemas = new Map<string, Promise<NodeKindSchema>>();
  private _connection: FlowbookConnection | null = null;
  private _cell: ModelCell | null = null;
  private _data: FormData = {};
  private _schema: NodeKindSchema | null = null;
  private _columns: ColumnInfo[] | null = null;
  private _status: FormStatus = 'no-model-cell';
  private _message: string | null = null;
  private _errors: FieldError[] = [];
  private _columnsKey = '';

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get status(): FormStatus {
    return this._status;
  }
  get cell(): ModelCell | null {
    return this._cell;
  }
  get schema(): NodeKindSchema | null {
    return this._schema;
  }
  get columns(): ColumnInfo[] | null {
    return this._columns;
  }
  get data(): FormData {
    return this._data;
  }
  /** Values of the cell that break the kind's schema, at their YAML paths. */
  get errors(): FieldError[] {
    return this._errors;
  }
  /** Why the form cannot show (a YAML syntax error, a kernel refusal), in the user's terms. */
  get message(): string | null {
    return this._message;
  }

  setConnection(connection: FlowbookConnection | null): void {
    if (connection !== this._connection) {
      this._connection?.event.disconnect(this._onKernelEvent, this);
      connection?.event.connect(this._onKernelEvent, this);
      this._connection = connection;
      this._schemas.clear();
      this._columnsKey = '';
      this._columns = null;
      this._refresh();
    }
  }

  /** Follows the active cell's text; null when no cell is active. */
  setCellText(text: string | null): void {
    const cell = text === null ? null : parseModelCell(text);
    const sameKind = cell && this._cell && cell.kind === this._cell.kind;
    this._cell = cell;
    if (!sameKind) {
      this._schema = null;
    }
    this._refresh();
  }

  /**
   * The new cell text after a group's form changed from `before` to `after` (both as the form held
   * them, defaults included, so untouched defaults are not written into the YAML).
   */
  textAfterGroupChange(before: FormData, after: FormData): string | null {
    if (!this._cell) {
      return null;
    }
    const edits = editsBetween(before, after);
    return edits.length === 0 ? null : applyEdits(this._cell, edits);
  }

  groupData(group: FormGroup): FormData {
    return groupData(this._data, group);
  }

  private _refresh(): void {
    this._message = null;
    this._errors = [];
    const cell = this._cell;
    if (!cell) {
      this._set('no-model-cell');
      return;
    }
    try {
      this._data = readFormData(cell.body);
    } catch (error) {
      this._message = error instanceof YamlBodyError ? error.message : String(error);
      this._set('error');
      return;
    }
    const connection = this._connection;
    if (!connection) {
      this._set('no-kernel');
      return;
    }
    if (this._schema && this._schema.kind === cell.kind) {
      this._errors = validateData(this._schema, this._data);
      this._set('ready');
      this._loadColumns(connection, cell);
      return;
    }
    this._set('loading');
    void this._schemaOf(connection, cell.kind).then(
      schema => {
        if (this._cell?.kind !== schema.kind || this._connection !== connection) {
          return;
        }
        this._schema = schema;
        this._refresh();
      },
      (error: Error) => {
        this._message = error.message;
        this._set('error');
      }
    );
  }

  /**
   * The upstream node finished: its columns can be read now (the form may have asked before it
   * ran) or may have changed (it was computed again).
   */
  private _onKernelEvent(connection: FlowbookConnection, event: KernelEvent): void {
    const cell = this._cell;
    const upstream = cell ? upstreamOf(cell) : null;
    if (event.type !== 'node_status' || !cell || !upstream || event.nodeId !== upstream.nodeId) {
      return;
    }
    const reusable = event.status === 'cached' && this._columns !== null;
    if ((event.status === 'done' || event.status === 'cached') && !reusable && this._schema?.kind === cell.kind) {
      this._columnsKey = '';
      this._loadColumns(connection, cell);
    }
  }

  private _loadColumns(connection: FlowbookConnection, cell: ModelCell): void {
    const upstream = upstreamOf(cell);
    const key = upstream ? `${upstream.nodeId}:${upstream.port ?? ''}` : '';
    if (key === this._columnsKey) {
      return;
    }
    this._columnsKey = key;
    this._columns = null;
    if (!upstream) {
      return;
    }
    connection.request<'get_columns'>({ type: 'get_columns', ...upstream }).then(
      ({ columns }) => {
        if (this._columnsKey === key) {
          this._columns = columns;
          this._changed.emit();
        }
      },
      // Without the upstream's columns (not run yet) the pickers stay free text until it finishes.
      () => undefined
    );
  }

  private _schemaOf(connection: FlowbookConnection, kind: string): Promise<NodeKindSchema> {
    let schema = this._schemas.get(kind);
    if (!schema) {
      schema = connection.request<'get_schema'>({ type: 'get_schema', kind });
      this._schemas.set(kind, schema);
      schema.catch(() => this._schemas.delete(kind));
    }
    return schema;
  }

  private _set(status: FormStatus): void {
    this._status = status;
    this._changed.emit();
  }
}
