/**
 * The session's input history, kept in memory, answering Jupyter `history_request`s
 * (`range`, `tail` and `search` access). Line numbers are execution counts.
 */

/** One executed cell: its input and, when it had one, the text of its result. */
export interface HistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

export interface HistoryQuery {
  hist_access_type: "range" | "tail" | "search";
  output: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** [session, line, input] or, when `output` was asked, [session, line, [input, output]]. */
export type HistoryTuple = [number, number, string | [string, string | null]];

/** The number this session reports for itself; requests may also say 0 for "the current one". */
export const SESSION_NUMBER = 1;

/** Translate a glob (`*`, `?`, `[…]`, as sqlite's GLOB) into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) source += "\\[";
      else {
        const body = pattern.slice(i + 1, close);
        source += body.startsWith("^") ? `[^${body.slice(1)}]` : `[${body}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\/\]]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export class History {
  private readonly entries: HistoryEntry[] = [];

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  /** Record the result text of the entry for `line`, once the cell has produced one. */
  setOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (entry.line === line) {
        entry.output = output;
        return;
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  query(query: HistoryQuery): HistoryTuple[] {
    return this.select(query).map((entry) => this.tuple(entry, query.output));
  }

  private select(query: HistoryQuery): HistoryEntry[] {
    switch (query.hist_access_type) {
      case "range":
        return this.range(query);
      case "tail":
        return lastN(this.entries, query.n);
      case "search":
        return this.search(query);
    }
  }

  private range(query: HistoryQuery): HistoryEntry[] {
    const session = query.session ?? 0;
    if (session !== 0 && session !== SESSION_NUMBER && session !== -1) return [];
    const start = query.start ?? 0;
    const stop = query.stop ?? Number.POSITIVE_INFINITY;
    return this.entries.filter((e) => e.line >= start && e.line < stop);
  }

  private search(query: HistoryQuery): HistoryEntry[] {
    const regexp = globToRegExp(query.pattern ?? "*");
    let found = this.entries.filter((e) => regexp.test(e.input));
    if (query.unique === true) {
      const latest = new Map<string, HistoryEntry>();
      for (const entry of found) {
        latest.delete(entry.input);
        latest.set(entry.input, entry);
      }
      found = [...latest.values()];
    }
    return lastN(found, query.n);
  }

  private tuple(entry: HistoryEntry, withOutput: boolean): HistoryTuple {
    return withOutput
      ? [SESSION_NUMBER, entry.line, [entry.input, entry.output]]
      : [SESSION_NUMBER, entry.line, entry.input];
  }
}

function lastN<T>(items: readonly T[], n: number | null | undefined): T[] {
  if (n === undefined || n === null || n < 0) return [...items];
  return n === 0 ? [] : items.slice(-n);
}
