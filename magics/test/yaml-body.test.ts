import { bodyFormat, deleteYamlField, getYamlField, readYamlBody, setCellYamlField, setYamlField, splitSourceBody } from '../src';

const splitBody = `# how the rows are divided
method: stratified # keep class shares
column: Origin
test_ratio: 0.2
`;

describe('YAML bodies', () => {
  it('reads a body, and an empty one as no fields', () => {
    expect(readYamlBody(splitBody)).toEqual({ value: { method: 'stratified', column: 'Origin', test_ratio: 0.2 }, errors: [] });
    expect(readYamlBody('\n')).toEqual({ value: {}, errors: [] });
  });

  it('reports a syntax error with its line', () => {
    const { errors } = readYamlBody('seed: 1\nmethod: [random\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('gets a field by path, also a nested one', () => {
    expect(getYamlField(splitBody, ['column'])).toBe('Origin');
    expect(getYamlField('network:\n  hidden_units: [64, 32]\n', ['network', 'hidden_units'])).toEqual([64, 32]);
    expect(getYamlField(splitBody, ['missing', 'deep'])).toBeUndefined();
  });

  it('sets a field and keeps every comment and the other fields as written', () => {
    const edited = setYamlField(splitBody, ['test_ratio'], 0.3);
    expect(edited).toBe(splitBody.replace('test_ratio: 0.2', 'test_ratio: 0.3'));
  });

  it('adds nested fields to a body, including an empty one', () => {
    expect(readYamlBody(setYamlField(splitBody, ['training', 'early_stopping', 'patience'], 20)).value).toMatchObject({
      training: { early_stopping: { patience: 20 } },
    });
    expect(setYamlField('', ['seed'], 7)).toBe('seed: 7\n');
  });

  it('deletes a field and keeps the comments of the others', () => {
    const edited = deleteYamlField(splitBody, ['column']);
    expect(edited).toContain('method: stratified # keep class shares');
    expect(edited).not.toContain('column');
  });

  it('edits a whole cell: header and the source location line stay', () => {
    const cell = '%%source cars\nexamples/data/cars.csv\n# Chinese Excel export\nencoding: gb18030';
    expect(setCellYamlField(cell, ['delimiter'], ';')).toBe(
      '%%source cars\nexamples/data/cars.csv\n# Chinese Excel export\nencoding: gb18030\ndelimiter: ;',
    );
    const split = `%%split parts --from cars\n${splitBody}`;
    expect(setCellYamlField(split, ['seed'], 42)).toBe(`%%split parts --from cars\n${splitBody}seed: 42\n`);
  });

  it('refuses to edit a code cell as YAML', () => {
    expect(() => setCellYamlField('%%sql q --from a\nSELECT 1', ['x'], 1)).toThrow('hold sql, not YAML');
  });

  it('splits a source body into its location and its options', () => {
    expect(splitSourceBody('# data\n  data/cars.csv  \nheader: true')).toEqual({ location: 'data/cars.csv', optionsYaml: 'header: true', optionsLine: 2 });
    expect(bodyFormat('source')).toBe('location+yaml');
    expect(bodyFormat('node')).toBe('typescript');
    expect(bodyFormat('dnn_regressor')).toBe('yaml');
  });
});
