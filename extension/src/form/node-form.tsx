import type { FormGroup } from '@flowbook/protocol';
import { TranslationBundle, ITranslator } from '@jupyterlab/translation';
import { FormComponent, ReactWidget } from '@jupyterlab/ui-components';
import { getDefaultFormState } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { ReadonlyJSONObject } from '@lumino/coreutils';
import * as React from 'react';
import { FormData } from './cell-body';
import { NodeFormModel } from './node-form-model';
import { groupSchema } from './schema-form';

/** rjsf's validator typed for JupyterLab's FormComponent, which holds JSON objects. */
const validator = customizeValidator<ReadonlyJSONObject>();

/**
 * The properties panel of a model-node cell: one form per group (data, preprocessing, network,
 * training), drawn from the kind's JSON Schema. Each change is handed back as new cell text.
 */
export class NodeFormWidget extends ReactWidget {
  constructor(
    private readonly _model: NodeFormModel,
    private readonly _trans: TranslationBundle,
    private readonly _translator: ITranslator,
    private readonly _writeCell: (text: string) => void
  ) {
    super();
    this.id = 'flowbook-node-form';
    this.addClass('fb-NodeForm');
    this.title.caption = _trans.__('Flowbook node properties');
    _model.changed.connect(() => this.update());
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    const cell = model.cell;
    const heading = cell ? `${cell.kind} · ${cell.nodeId}` : trans.__('Node properties');
    const body = (): JSX.Element => {
      switch (model.status) {
        case 'no-model-cell':
          return <p className="fb-NodeForm-message">{trans.__('Select a model-node cell (%%dnn_classifier, %%dnn_regressor, %%lstm_regressor) to edit it here.')}</p>;
        case 'no-kernel':
          return <p className="fb-NodeForm-message">{trans.__('Start the Flowbook kernel to edit this node with a form; the cell text stays editable.')}</p>;
        case 'loading':
          return <p className="fb-NodeForm-message">{trans.__('Loading the form…')}</p>;
        case 'error':
          return <p className="fb-NodeForm-error">{model.message}</p>;
        case 'ready':
          return this._groups();
      }
    };
    return (
      <div className="fb-NodeForm-content" data-status={model.status}>
        <h2 className="fb-NodeForm-title">{heading}</h2>
        {body()}
      </div>
    );
  }

  private _groups(): JSX.Element {
    const model = this._model;
    const kind = model.schema!;
    const errors = model.errors;
    return (
      <>
        {errors.length > 0 && (
          <ul className="fb-NodeForm-errors" aria-label={this._trans.__('Invalid values')}>
            {errors.map(e => (
              <li key={`${e.path}:${e.message}`} data-path={e.path}>
                <code>{e.path || '/'}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
        {kind.groups.map(group => this._group(group))}
      </>
    );
  }

  private _group(group: FormGroup): JSX.Element {
    const model = this._model;
    const schema = groupSchema(model.schema!, group, model.columns);
    const formData = model.groupData(group);
    return (
      <section key={group.id} className="fb-NodeForm-group" data-group={group.id}>
        <FormComponent
          schema={schema as never}
          formData={formData as never}
          validator={validator}
          liveValidate
          showErrorList={false}
          idPrefix={`fb-${group.id}`}
          translator={this._translator}
          uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
          onChange={event => {
            // Compare with the form's own starting state so schema defaults shown in the form
            // are not written into the YAML unless the user changes them.
            const before = getDefaultFormState(validator, schema as never, formData as ReadonlyJSONObject) as FormData;
            const text = model.textAfterGroupChange(before, (event.formData ?? {}) as FormData);
            if (text !== null) {
              this._writeCell(text);
            }
          }}
        />
      </section>
    );
  }
}
