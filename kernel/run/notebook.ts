/**
 * nbformat 4 notebooks as the runner reads and writes them: the types, parsing with clear errors,
 * and the conversion of executor events into Jupyter outputs (stream, display_data,
 * execute_result, error), including in-place display updates and `clear_output(wait)`.
 * Pure data and pure functions: no I/O here.
 */
import type { ExecutorEvent } from "../protocol.js";
import type { MimeBundle } from "../shared/payloads.js";

/** Multiline strings are stored either whole or as a list of lines (nbformat allows both). */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id: string };
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}

export type Cell = CodeCell | MarkdownCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** Join a multiline string into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Split text into nbformat's list-of-lines form (each line keeps its "\n"). */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.filter((line) => line.length > 0);
}

/** A value as an error quotes it: JSON, cut to a few dozen characters. */
function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A JSON.parse message, cut short (V8 quotes the start of the text, which may be garbage). */
function briefReason(error: unknown): string {
  const text = [...(error as Error).message]
    .map((c) => (c < " " || c === "\u007f" ? "?" : c))
    .join("");
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isMultiline(value: unknown): value is MultilineString {
  return (
    typeof value === "string" || (Array.isArray(value) && value.every((l) => typeof l === "string"))
  );
}

/** Parse and check the parts of a notebook the runner relies on; `name` appears in errors. */
export function parseNotebook(text: string, name: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: not a notebook (invalid JSON: ${briefReason(error)})`, {
      cause: error,
    });
  }
  if (!isRecord(raw) || !Array.isArray(raw["cells"])) {
    throw new Error(`${name}: not a notebook (no "cells" array)`);
  }
  if (raw["nbformat"] !== 4) {
    throw new Error(`${name}: nbformat ${brief(raw["nbformat"])} is not supported (need 4)`);
  }
  const cells = raw["cells"].map((cell: unknown, index: number): Cell => {
    const where = `${name}: cell ${index + 1}`;
    if (!isRecord(cell) || !isMultiline(cell["source"])) throw new Error(`${where} has no source`);
    const type = cell["cell_type"];
    const metadata = isRecord(cell["metadata"]) ? cell["metadata"] : {};
    const id = typeof cell["id"] === "string" ? { id: cell["id"] } : {};
    if (type === "code") {
      return {
        ...cell,
        ...id,
        cell_type: "code",
        metadata,
        source: cell["source"],
        execution_count:
          typeof cell["execution_count"] === "number" ? cell["execution_count"] : null,
        // Outputs are kept as stored (the runner clears them before it runs the notebook).
        outputs: Array.isArray(cell["outputs"]) ? (cell["outputs"] as Output[]) : [],
      };
    }
    if (type === "markdown" || type === "raw")
      return { ...cell, ...id, cell_type: type, metadata, source: cell["source"] };
    throw new Error(`${where} has unknown cell_type ${brief(type)}`);
  });
  const minor = typeof raw["nbformat_minor"] === "number" ? raw["nbformat_minor"] : 5;
  // nbformat 4.5 requires a unique id on every cell.
  if (minor >= 5) {
    const taken = new Set(cells.map((cell) => cell.id));
    cells.forEach((cell, index) => {
      if (cell.id !== undefined) return;
      let id = `cell-${index + 1}`;
      while (taken.has(id)) id += "x";
      taken.add(id);
      cell.id = id;
    });
  }
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: isRecord(raw["metadata"]) ? raw["metadata"] : {},
    cells,
  };
}

/** The tags of a cell (`metadata.tags`), or none. */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata["tags"];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/**
 * Collects the outputs of one cell from executor events, as Jupyter front ends do: streams of the
 * same name coalesce, `update` replaces the outputs shown under a display id, and a clear with
 * `wait` takes effect when the next output arrives.
 */
export class OutputCollector {
  readonly outputs: Output[] = [];
  executionCount: number | null = null;
  error: ErrorOutput | undefined;
  private pendingClear = false;

  /** Apply one executor event; events of other kinds (done, replies) are ignored. */
  accept(event: ExecutorEvent): void {
    switch (event.type) {
      case "stream":
        this.addStream(event.name, event.text);
        return;
      case "display":
        this.addDisplay(event.data, event.metadata, event.displayId, event.update);
        return;
      case "result":
        this.executionCount = event.executionCount;
        this.push({
          output_type: "execute_result",
          execution_count: event.executionCount,
          data: event.data,
          metadata: event.metadata,
        });
        return;
      case "error":
        this.error = {
          output_type: "error",
          ename: event.ename,
          evalue: event.evalue,
          traceback: event.traceback,
        };
        this.push(this.error);
        return;
      case "clear":
        if (event.wait) this.pendingClear = true;
        else this.outputs.length = 0;
        return;
      case "done":
        this.executionCount = event.executionCount;
        return;
      default:
        return;
    }
  }

  private push(output: Output): void {
    if (this.pendingClear) {
      this.outputs.length = 0;
      this.pendingClear = false;
    }
    this.outputs.push(output);
  }

  private addStream(name: "stdout" | "stderr", text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (!this.pendingClear && last?.output_type === "stream" && last.name === name) {
      last.text = joinSource(last.text) + text;
      return;
    }
    this.push({ output_type: "stream", name, text });
  }

  private addDisplay(
    data: MimeBundle,
    metadata: Record<string, unknown>,
    displayId: string | undefined,
    update: boolean,
  ): void {
    if (update && displayId !== undefined) {
      // An update replaces every output shown under that id and never adds one.
      for (const output of this.outputs) {
        if (output.output_type === "display_data" && output.transient?.display_id === displayId) {
          output.data = data;
          output.metadata = metadata;
        }
      }
      return;
    }
    const transient = displayId !== undefined ? { transient: { display_id: displayId } } : {};
    this.push({ output_type: "display_data", data, metadata, ...transient });
  }
}

/**
 * The outputs as stored in an .ipynb file: text split into lines, transient display ids dropped
 * (nbformat does not store them), JSON MIME data kept as objects.
 */
export function storedOutputs(outputs: readonly Output[]): Output[] {
  return outputs.map((output): Output => {
    switch (output.output_type) {
      case "stream":
        return {
          output_type: "stream",
          name: output.name,
          text: splitLines(joinSource(output.text)),
        };
      case "display_data":
        return {
          output_type: "display_data",
          data: storedBundle(output.data),
          metadata: output.metadata,
        };
      case "execute_result":
        return { ...output, data: storedBundle(output.data) };
      case "error":
        return output;
    }
  });
}

function storedBundle(bundle: MimeBundle): MimeBundle {
  const stored: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    const isJson = mime === "application/json" || mime.endsWith("+json");
    stored[mime] = !isJson && typeof value === "string" ? splitLines(value) : value;
  }
  return stored;
}
