/**
 * What the editor asks of a cell that is not run: completions ranked for the word being typed,
 * hover text with types and documentation, and whether the code is complete (for consoles that
 * send a cell when Enter is pressed at its end).
 */
import type * as TS from "typescript";

export interface CompletionResult {
  matches: string[];
  start: number;
  end: number;
  details: { name: string; kind: string }[];
}

export type CompleteStatus = { status: "complete" | "incomplete" | "invalid"; indent?: string };

/** How well a candidate matches the typed word: 0 prefix, 1 prefix ignoring case, 2 infix. */
function matchRank(name: string, word: string): number | undefined {
  if (name.startsWith(word)) return 0;
  const lower = name.toLowerCase();
  const typed = word.toLowerCase();
  if (lower.startsWith(typed)) return 1;
  if (lower.includes(typed)) return 2;
  return undefined;
}

/** The identifier the cursor is in or right after, if any. */
function wordAt(
  ts: typeof TS,
  text: string,
  position: number,
): { start: number; end: number; text: string } | undefined {
  const part = (i: number): boolean =>
    ts.isIdentifierPart(text.charCodeAt(i), ts.ScriptTarget.ES2022);
  let start = position;
  while (start > 0 && part(start - 1)) start -= 1;
  let end = position;
  while (end < text.length && part(end)) end += 1;
  if (start === end || !ts.isIdentifierStart(text.charCodeAt(start), ts.ScriptTarget.ES2022)) {
    return undefined;
  }
  return { start, end, text: text.slice(start, position) };
}

/**
 * Completions at `position` of the cell file (offset by `prefix` characters of the converter's
 * own first line), as Jupyter wants them: the replaced range and the candidates, best first.
 */
export function rankCompletions(
  ts: typeof TS,
  info: TS.CompletionInfo | undefined,
  file: TS.SourceFile,
  position: number,
  prefix: number,
): CompletionResult {
  const entries = info?.entries ?? [];
  const word = wordAt(ts, file.text, position);
  // Internal members (`_data`) come after the public ones unless the user types the underscore.
  const hidden = (name: string): number =>
    name.startsWith("_") && !word?.text.startsWith("_") ? 1 : 0;
  const ranked = entries
    .map((entry) => ({ entry, rank: word ? matchRank(entry.name, word.text) : 0 }))
    .filter((e): e is { entry: TS.CompletionEntry; rank: number } => e.rank !== undefined);
  ranked.sort(
    (a, b) =>
      hidden(a.entry.name) - hidden(b.entry.name) ||
      a.rank - b.rank ||
      a.entry.sortText.localeCompare(b.entry.sortText) ||
      a.entry.name.localeCompare(b.entry.name),
  );
  return {
    matches: ranked.map((e) => e.entry.name),
    start: (word?.start ?? position) - prefix,
    end: (word?.end ?? position) - prefix,
    details: ranked.map((e) => ({ name: e.entry.name, kind: String(e.entry.kind) })),
  };
}

/** Hover text: the signature or type, then the documentation and JSDoc tags. */
export function quickInfoText(ts: typeof TS, info: TS.QuickInfo, detailLevel: 0 | 1): string {
  const signature = withoutImportLine(ts.displayPartsToString(info.displayParts));
  const docs = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((tag) => {
    const text = ts.displayPartsToString(tag.text);
    return text ? `@${tag.name} ${text}` : `@${tag.name}`;
  });
  const parts = [signature];
  if (docs) parts.push(docs);
  if (tags.length > 0 && (detailLevel === 1 || !docs)) parts.push(tags.join("\n"));
  else if (tags.length > 0) parts.push(tags.filter((t) => t.startsWith("@param")).join("\n"));
  return parts.filter((p) => p !== "").join("\n\n");
}

/**
 * An imported name's quick info is the target's signature followed by `import NAME`: the editor's
 * own TypeScript hover says `import NAME` too, so the line is left out when a signature precedes it.
 */
function withoutImportLine(signature: string): string {
  const lines = signature.split("\n");
  const last = lines.at(-1) ?? "";
  if (lines.length < 2 || !/^import [\w$]+$/.test(last)) return signature;
  return lines.slice(0, -1).join("\n");
}

/** The indentation of a new line after `code`: one level deeper after an opening bracket. */
function indentAfter(code: string): string {
  const line = /[^\n]*$/.exec(code)?.[0] ?? "";
  const current = /^\s*/.exec(line)?.[0] ?? "";
  const withoutComment = line.replace(/\/\/.*$/, "").trimEnd();
  return /[{([]$/.test(withoutComment) ? `${current}  ` : current;
}

/**
 * Whether `code` is ready to run: a blank last line always sends it; a syntax error at the very
 * end that more text could fix (`const x =`, an open brace) makes it incomplete; any other
 * syntax error makes it invalid (more lines cannot fix it).
 */
export function completeness(ts: typeof TS, code: string): CompleteStatus {
  if (/(^|\n)[ \t]*\n[ \t]*$/.test(code)) return { status: "complete" };
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022);
  const errors = (file as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (errors.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const atEnd = (d: TS.Diagnostic): boolean => (d.start ?? 0) >= end;
  if (errors.every(atEnd)) return { status: "incomplete", indent: indentAfter(code) };
  return { status: "invalid" };
}
