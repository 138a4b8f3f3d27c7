import { CsvDialect, scanCsv } from './scan';

const CANDIDATES = [',', ';', '\t', '|'];
const SAMPLE_BYTES = 64 * 1024;

/**
 * The delimiter that splits the first 64 KB into records of one consistent width (widest wins;
 * ties go to `,` `;` tab `|` in that order), and the quote: `"` unless only `'` wraps whole fields.
 * Given options win; `.tsv` files default to tab.
 */
export function detectDialect(buf: Uint8Array, start: number, options: { delimiter?: string; quote?: string; tabByDefault?: boolean }): CsvDialect {
  let sample = buf.subarray(start, Math.min(buf.length, start + SAMPLE_BYTES));
  if (start + SAMPLE_BYTES < buf.length) {
    const lastNewline = sample.lastIndexOf(0x0a);
    if (lastNewline > 0) sample = sample.subarray(0, lastNewline + 1);
  }
  const quote = options.quote ? options.quote.charCodeAt(0) : detectQuote(sample);
  if (options.delimiter) return { delimiter: options.delimiter.charCodeAt(0), quote };
  let best: { delimiter: number; score: number } = { delimiter: (options.tabByDefault ? '\t' : ',').charCodeAt(0), score: 0 };
  for (const candidate of options.tabByDefault ? ['\t', ...CANDIDATES.filter((c) => c !== '\t')] : CANDIDATES) {
    const delimiter = candidate.charCodeAt(0);
    const scan = scanCsv(sample, 0, { delimiter, quote }, []);
    const width = scan.firstRecord.length;
    if (width < 2) continue;
    const consistent = scan.shortRecords === 0 && !scan.longRecord;
    const score = consistent ? width * 2 : width > 2 && scan.shortRecords < scan.records / 10 ? 1 : 0;
    if (score > best.score) best = { delimiter, score };
  }
  return { delimiter: best.delimiter, quote };
}

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const FIELD_EDGES = new Set([0x2c, 0x3b, 0x09, 0x7c, 0x0a, 0x0d]);

/** `'` only when some field is wrapped in it (opens after a delimiter or line start, closes before one) and none in `"`. */
function detectQuote(sample: Uint8Array): number {
  const wrapped = (quote: number): number => {
    let count = 0;
    for (let i = 0; i < sample.length; i++) {
      if (sample[i] !== quote || (i > 0 && !FIELD_EDGES.has(sample[i - 1]))) continue;
      const close = sample.indexOf(quote, i + 1);
      if (close < 0) break;
      if (close + 1 === sample.length || FIELD_EDGES.has(sample[close + 1])) count++;
      i = close;
    }
    return count;
  };
  return wrapped(DOUBLE_QUOTE) === 0 && wrapped(SINGLE_QUOTE) > 0 ? SINGLE_QUOTE : DOUBLE_QUOTE;
}
