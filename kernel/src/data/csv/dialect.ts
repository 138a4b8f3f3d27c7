import { CsvDialect, scanCsv } from './scan';

const CANDIDATES = [',', ';', '\t', '|'];
const SAMPLE_BYTES = 64 * 1024;

/**
 * The delimiter that splits the first 64 KB into records of one consistent width (widest wins;
 * ties go to `,` `;` tab `|` in that order). The given delimiter wins; `.tsv` files default to tab.
 */
export function detectDialect(buf: Uint8Array, start: number, options: { delimiter?: string; quote?: string; tabByDefault?: boolean }): CsvDialect {
  const quote = (options.quote ?? '"').charCodeAt(0);
  if (options.delimiter) return { delimiter: options.delimiter.charCodeAt(0), quote };
  let sample = buf.subarray(start, Math.min(buf.length, start + SAMPLE_BYTES));
  if (start + SAMPLE_BYTES < buf.length) {
    const lastNewline = sample.lastIndexOf(0x0a);
    if (lastNewline > 0) sample = sample.subarray(0, lastNewline + 1);
  }
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
