import { detectDialect } from '../../../src/data/csv/dialect';

const delimiterOf = (text: string, options = {}) => String.fromCharCode(detectDialect(Buffer.from(text), 0, options).delimiter);

describe('detectDialect', () => {
  it('picks the delimiter that gives consistent, widest records', () => {
    expect(delimiterOf('a,b,c\n1,2,3\n')).toBe(',');
    expect(delimiterOf('a;b;c\n1,5;2,5;3\n')).toBe(';');
    expect(delimiterOf('a\tb\n"x,y"\t2\n')).toBe('\t');
    expect(delimiterOf('a|b\n1|2\n')).toBe('|');
  });

  it('ignores delimiters inside quoted fields, including quoted newlines', () => {
    expect(delimiterOf('name;note\n"a";"x,y,z\nw,v"\n"b";"c"\n')).toBe(';');
  });

  it("detects ' as the quote only when it wraps fields and \" never does", () => {
    const quoteOf = (text: string, options = {}) => String.fromCharCode(detectDialect(Buffer.from(text), 0, options).quote);
    expect(quoteOf("id,name\n1,'Smith, J'\n2,'Lee'\n")).toBe("'");
    expect(quoteOf("id,name\n1,O'Brien\n2,'tis\n")).toBe('"');
    expect(quoteOf('id,name\n1,"Smith, J"\n2,\'Lee\'\n')).toBe('"');
    expect(quoteOf("a,b\n1,'x'\n", { quote: '"' })).toBe('"');
  });

  it('lets the given delimiter win and defaults .tsv to tab', () => {
    expect(delimiterOf('a,b\n1,2\n', { delimiter: ';' })).toBe(';');
    expect(delimiterOf('single\nvalue\n', { tabByDefault: true })).toBe('\t');
    expect(delimiterOf('single\nvalue\n')).toBe(',');
  });
});
