import * as arrow from 'apache-arrow';
import { formatNumber, renderTablePreview } from '../../src/data/preview';

describe('renderTablePreview', () => {
  const table = new arrow.Table({
    name: arrow.vectorFromArray(['<script>alert(1)</script>', null, 'x'.repeat(200)], new arrow.Utf8()),
    n: arrow.vectorFromArray([1n, 2n ** 62n, null], new arrow.Int64()),
    day: arrow.vectorFromArray([new Date('2024-03-01'), null, null], new arrow.DateDay()),
  });

  it('shows the schema with logical types, the row count and the first rows', () => {
    const { 'text/plain': text } = renderTablePreview(table, { maxRows: 2 });
    expect(text.split('\n')[0]).toBe('3 rows × 3 columns (first 2 of 3 rows)');
    expect(text).toMatch(/name\s+n\s+day/);
    expect(text).toMatch(/string\s+int64\s+date/);
    expect(text).toContain('4611686018427387904');
    expect(text).toContain('2024-03-01');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('escapes every value as HTML and shows nulls as null', () => {
    const html = renderTablePreview(table)['text/html'];
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<i>null</i>');
  });

  it('truncates long strings', () => {
    const text = renderTablePreview(table)['text/plain'];
    expect(text).not.toContain('x'.repeat(100));
    expect(text).toContain('x'.repeat(79) + '…');
  });

  it('aligns plain-text columns by display width, CJK counting double', () => {
    const text = renderTablePreview(new arrow.Table({ 城市: arrow.vectorFromArray(['北京', 'Rome'], new arrow.Utf8()), n: arrow.vectorFromArray([1, 2]) }))['text/plain'];
    const lines = text.split('\n').slice(1);
    expect(lines).toEqual(['城市    n', 'string  float64', '北京    1', 'Rome    2']);
  });

  it('escapes column names too', () => {
    const html = renderTablePreview(new arrow.Table({ '<b>': arrow.vectorFromArray([1]) }))['text/html'];
    expect(html).toContain('&lt;b&gt;');
  });

  it('shows fractions to six significant digits, never cutting digits before the point', () => {
    expect(formatNumber(13.254557978138667)).toBe('13.2546');
    expect(formatNumber(0.000123456789)).toBe('0.000123457');
    expect(formatNumber(123456789.125)).toBe('123456789');
    expect(formatNumber(3504)).toBe('3504');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    const floats = new arrow.Table({ predicted: arrow.vectorFromArray([13.254557978138667], new arrow.Float64()) });
    expect(renderTablePreview(floats)['text/plain']).toContain('13.2546');
  });
});
