/**
 * Errors of running cells, as the front end shows them: `ename`, `evalue` and a traceback whose
 * frames point into the cell's TypeScript ("cell[3]:2:7"), through the source map of the
 * converter's ES output (the run script keeps its lines), each with its source line and a
 * marker; frames of the runtime and Node between them fold into one line, and the executor's own
 * frames (after the last cell frame) are dropped. COTANGENT_FULL_STACK=1 keeps every frame.
 */
import { SourceMap } from "node:module";
import type { CellPosition, ErrorEvent } from "../protocol.js";
import type { CellMaps, CompileDiagnostic } from "./messages.js";

/** Lines the runner puts before the converted code (the function header). */
export const RUN_PREFIX_LINES = 1;
/** Lines the converter puts before the cell in its ES output ("export {};"). */
const CONVERTER_PREFIX_LINES = 1;

/** How many parsed source maps are kept (an error usually needs the maps of one or two cells). */
const PARSED_KEPT = 16;

/**
 * The source maps of every cell run in this session, by run file name. A map is kept as the
 * JSON text the checker sent and parsed only when an error needs it (a parsed map costs several
 * times its text, and most cells never throw); the last few parsed maps are cached.
 */
export class CellMapRegistry {
  private readonly maps = new Map<
    string,
    { count: number; json: string | undefined; lines: string[] }
  >();
  private readonly parsed = new Map<string, SourceMap | undefined>();

  /** Record (or, for a script run again under its file name, update) a run file's maps. */
  add(fileName: string, executionCount: number, maps: CellMaps | undefined, source = ""): void {
    this.maps.set(fileName, { count: executionCount, json: maps?.es, lines: source.split("\n") });
  }

  /** Line `line` (1-based) of the cell run as `fileName`. */
  sourceLine(fileName: string, line: number): string | undefined {
    return this.maps.get(fileName)?.lines[line - 1];
  }

  private sourceMap(fileName: string, json: string): SourceMap | undefined {
    if (this.parsed.has(fileName)) return this.parsed.get(fileName);
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(json) as never);
    } catch {
      map = undefined;
    }
    if (this.parsed.size >= PARSED_KEPT) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(fileName, map);
    return map;
  }

  /** Map a 1-based line:column of a run file back to its cell; undefined when unknown. */
  locate(
    fileName: string,
    line: number,
    column: number,
  ): { count: number; position: CellPosition } | undefined {
    const entry = this.maps.get(fileName);
    if (!entry) return undefined;
    // The script is the ES output line for line, after the runner's header line.
    const esLine = line - 1 - RUN_PREFIX_LINES;
    const map = entry.json === undefined ? undefined : this.sourceMap(fileName, entry.json);
    if (!map) return { count: entry.count, position: { line: esLine + 1, column } };
    const ts = map.findEntry(esLine, column - 1) as Partial<SourceMapEntry>;
    if (ts.originalLine === undefined || ts.originalColumn === undefined) return undefined;
    const cellLine = ts.originalLine - CONVERTER_PREFIX_LINES + 1;
    return { count: entry.count, position: { line: cellLine, column: ts.originalColumn + 1 } };
  }
}

interface SourceMapEntry {
  originalLine: number;
  originalColumn: number;
}

const CELL_FRAME = /(cell-\d+\.js):(\d+):(\d+)/;
const FRAME = /^\s+at /;

function errorParts(error: unknown): { ename: string; evalue: string; stack: string } {
  if (error instanceof Error || (typeof error === "object" && error !== null && "stack" in error)) {
    const e = error as Error;
    const ename = typeof e.name === "string" && e.name ? e.name : "Error";
    const evalue = typeof e.message === "string" ? e.message : String(e.message);
    return { ename, evalue, stack: typeof e.stack === "string" ? e.stack : "" };
  }
  return { ename: "Error", evalue: `Uncaught ${describeThrown(error)}`, stack: "" };
}

function describeThrown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Whether the traceback shows every frame (else runtime-internal ones are folded into one). */
const FULL_STACK = process.env.COTANGENT_FULL_STACK === "1";

/** A cell frame, then its source line and a marker under the column (as IPython shows). */
function cellFrame(line: string, where: string, source: string | undefined, column: number) {
  const frame = line.replace(CELL_FRAME, where).replace(/^\s+/, "    ");
  if (source === undefined || source.trim() === "") return [frame];
  const number = /:(\d+):\d+$/.exec(where)?.[1] ?? "";
  const pad = " ".repeat(number.length);
  return [frame, `      ${number} | ${source}`, `      ${pad} | ${" ".repeat(column - 1)}^`];
}

/** Frames of the user's cells with their source lines; other frames folded into one line. */
function readableFrames(
  stack: string,
  registry: CellMapRegistry,
  executionCount: number,
  runtimeFile: string,
): { frames: string[]; position: CellPosition | undefined } {
  const out: string[] = [];
  let folded = 0;
  let position: CellPosition | undefined;
  let kept = 0;
  const fold = (): void => {
    if (folded === 0) return;
    const what = folded === 1 ? "1 frame" : `${folded} frames`;
    out.push(`    … ${what} inside cotangent or Node (COTANGENT_FULL_STACK=1 shows them)`);
    folded = 0;
  };
  for (const line of stack.split("\n")) {
    if (!FRAME.test(line)) continue;
    const match = CELL_FRAME.exec(line);
    if (match) {
      const located = registry.locate(match[1], Number(match[2]), Number(match[3]));
      if (!located) continue;
      const { line: at, column } = located.position;
      if (located.count === executionCount && position === undefined) position = located.position;
      fold();
      const source = registry.sourceLine(match[1], at);
      out.push(...cellFrame(line, `cell[${located.count}]:${at}:${column}`, source, column));
      kept = out.length;
    } else if (FULL_STACK) {
      out.push(line.replace(/^\s+/, "    ").replace(runtimeFile, "cotangent"));
    } else {
      folded += 1;
    }
  }
  if (kept === 0) fold();
  return { frames: kept > 0 && !FULL_STACK ? out.slice(0, kept) : out, position };
}

/**
 * The error event of an exception thrown by cell `executionCount`: the message, then the cells'
 * frames (`at f (cell[3]:4:22)`) each with its source line and a marker; runtime-internal frames
 * between them are folded into one line. `runtimeFile` is the bundle holding the runtime.
 */
export function cellErrorEvent(
  id: string,
  error: unknown,
  registry: CellMapRegistry,
  executionCount: number,
  runtimeFile: string,
): ErrorEvent {
  const { ename, evalue, stack } = errorParts(error);
  const { frames, position } = readableFrames(stack, registry, executionCount, runtimeFile);
  const event: ErrorEvent = {
    type: "error",
    id,
    ename,
    evalue,
    traceback: [`${ename}: ${evalue}`, ...frames],
  };
  if (position) event.position = position;
  return event;
}

/**
 * The text of a stray error (a throw in a timer, a rejection nobody handled): what it is, the
 * cell whose code raised it when its frames say so, and the traceback mapped to cell lines.
 */
export function strayErrorText(
  what: string,
  error: unknown,
  registry: CellMapRegistry,
  runtimeFile: string,
): string {
  const event = cellErrorEvent("", error, registry, -1, runtimeFile);
  const origin = event.traceback.map((line) => /\bcell\[(\d+)\]/.exec(line)?.[1]).find(Boolean);
  const from = origin === undefined ? "" : ` (from cell [${origin}])`;
  return `${what}${from}: ${event.traceback.join("\n")}\n`;
}

/** The error event of a cell that does not type-check; it did not run. */
export function compileErrorEvent(
  id: string,
  code: string,
  diagnostics: CompileDiagnostic[],
): ErrorEvent {
  const lines = code.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const where = d.file ?? "cell";
    traceback.push(`${where}:${d.start.line}:${d.start.column} - error TS${d.code}: ${d.message}`);
    if (d.file === undefined) {
      const source = lines[d.start.line - 1] ?? "";
      const width = d.end.line === d.start.line ? Math.max(1, d.end.column - d.start.column) : 1;
      traceback.push(`    ${source}`, `    ${" ".repeat(d.start.column - 1)}${"~".repeat(width)}`);
    }
  }
  const first = diagnostics[0];
  const evalue = `${first.file ?? "cell"}:${first.start.line}:${first.start.column} - ${first.message}`;
  const event: ErrorEvent = {
    type: "error",
    id,
    ename: "TypeScriptError",
    evalue: diagnostics.length > 1 ? `${evalue} (and ${diagnostics.length - 1} more)` : evalue,
    traceback,
  };
  if (first.file === undefined) event.position = first.start;
  return event;
}
