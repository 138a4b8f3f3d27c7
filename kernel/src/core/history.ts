import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** One executed cell, as stored (one JSON object per line). */
export interface HistoryEntry {
  session: number;
  line: number;
  source: string;
  /** The text/plain of the cell's result, when it had one. */
  output: string | null;
}

/** A history_reply row: [session, line, input] or, with `output`, [session, line, [input, output]]. */
export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

export interface HistoryQuery {
  accessType: 'tail' | 'range' | 'search';
  output: boolean;
  n?: number;
  /** range: 0 = this session, negative = that many sessions back, positive = absolute. */
  session?: number;
  start?: number;
  stop?: number;
  pattern?: string;
  unique?: boolean;
}

/**
 * The input history, kept across restarts in a JSON-lines file: every kernel process is a new session,
 * numbered after the last one in the file.
 */
export class History {
  private readonly entries: HistoryEntry[];
  readonly session: number;

  constructor(private readonly file: string) {
    this.entries = existsSync(file) ? parseEntries(readFileSync(file, 'utf8')) : [];
    this.session = this.entries.reduce((max, entry) => Math.max(max, entry.session), 0) + 1;
  }

  append(line: number, source: string, output: string | null): void {
    const entry: HistoryEntry = { session: this.session, line, source, output };
    this.entries.push(entry);
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, JSON.stringify(entry) + '\n');
  }

  query(query: HistoryQuery): HistoryRow[] {
    const rows = this.select(query);
    return rows.map((entry) =>
      query.output ? [entry.session, entry.line, [entry.source, entry.output]] : [entry.session, entry.line, entry.source],
    );
  }

  private select(query: HistoryQuery): HistoryEntry[] {
    switch (query.accessType) {
      case 'tail':
        return last(this.entries, query.n ?? 10);
      case 'range': {
        const session = this.absoluteSession(query.session ?? 0);
        const start = query.start ?? 1;
        const stop = query.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((e) => e.session === session && e.line >= start && e.line < stop);
      }
      case 'search': {
        const glob = globToRegExp(query.pattern ?? '*');
        let matches = this.entries.filter((entry) => glob.test(entry.source));
        if (query.unique) matches = latestOfEachSource(matches);
        return query.n === undefined ? matches : last(matches, query.n);
      }
    }
  }

  private absoluteSession(session: number): number {
    return session > 0 ? session : this.session + session;
  }
}

/** `$FLOWBOOK_HISTORY_FILE`, else `flowbook/history.jsonl` in the Jupyter data dir. */
export function defaultHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWBOOK_HISTORY_FILE) return env.FLOWBOOK_HISTORY_FILE;
  const dataDir = env.JUPYTER_DATA_DIR || join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
  return join(dataDir, 'flowbook', 'history.jsonl');
}

function parseEntries(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // A line cut short by a crash mid-write loses only itself.
    }
  }
  return entries;
}

function last<T>(items: T[], n: number): T[] {
  return n <= 0 ? [] : items.slice(-n);
}

function latestOfEachSource(entries: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>();
  const kept: HistoryEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    if (seen.has(entries[i].source)) continue;
    seen.add(entries[i].source);
    kept.unshift(entries[i]);
  }
  return kept;
}

/** IPython's history search uses SQLite GLOB: `*` any run, `?` one character, whole-source match. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'u');
}
