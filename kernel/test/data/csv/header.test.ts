import { uniqueColumnNames } from '../../../src/data/csv/header';

describe('uniqueColumnNames', () => {
  it('C5: renames duplicates and empty names deterministically, around names already taken', () => {
    const { names, warnings } = uniqueColumnNames(['id', 'value', 'value', '', 'value_1']);
    expect(names).toEqual(['id', 'value', 'value_2', 'column_4', 'value_1']);
    expect(warnings).toHaveLength(2);
    expect(uniqueColumnNames(['c', 'c', 'c', 'c_1']).names).toEqual(['c', 'c_2', 'c_3', 'c_1']);
    expect(uniqueColumnNames(['', 'column_1', '']).names).toEqual(['column_1_2', 'column_1', 'column_3']);
  });

  it('keeps unique names as they are, trimmed, without warnings', () => {
    expect(uniqueColumnNames([' 城市 ', '销售额'])).toEqual({ names: ['城市', '销售额'], warnings: [] });
  });
});
