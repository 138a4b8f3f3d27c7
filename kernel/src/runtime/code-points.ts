/**
 * Jupyter counts cursor positions in Unicode code points (protocol 5.2+); JavaScript strings and the
 * TypeScript language service count UTF-16 units. These convert between the two, clamping to the text.
 */
export function codePointToUtf16(text: string, codePoints: number): number {
  let units = 0;
  let seen = 0;
  while (seen < codePoints && units < text.length) {
    const code = text.codePointAt(units)!;
    units += code > 0xffff ? 2 : 1;
    seen++;
  }
  return units;
}

export function utf16ToCodePoint(text: string, units: number): number {
  let seen = 0;
  let at = 0;
  const end = Math.min(Math.max(units, 0), text.length);
  while (at < end) {
    const code = text.codePointAt(at)!;
    at += code > 0xffff ? 2 : 1;
    seen++;
  }
  return seen;
}
