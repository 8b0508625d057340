/**
 * Runs example notebooks through the real kernel (the built executor, as `cotangent run` does)
 * and reads what the notebooks computed: the numbers of their check cells and the payloads of
 * their views.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createKernelClient } from "../../kernel/client.js";
import { executorPath, packageRoot } from "../../kernel/paths.js";
import {
  cellTags,
  joinSource,
  parseNotebook,
  type CodeCell,
  type Notebook,
} from "../../kernel/run/notebook.js";
import { failureMessage, runNotebook, type RunResult } from "../../kernel/run/run.js";
import { COTANGENT_MIMES, type CotangentMime } from "../../kernel/shared/payloads.js";

export const ROOT = packageRoot(fileURLToPath(import.meta.url));
export const EXAMPLES = join(ROOT, "examples");

/** The built executor; the suite needs `npm run build` first (scripts/test.sh does it). */
export function builtExecutor(): string {
  const path = executorPath(ROOT);
  if (!existsSync(path))
    throw new Error(`${path} is missing: run \`npm run build\` before these tests`);
  return path;
}

export function readExample(name: string): Notebook {
  const path = join(EXAMPLES, name);
  return parseNotebook(readFileSync(path, "utf8"), path);
}

/** Execute a notebook with a fresh kernel; throws naming the failing cell and line. */
export async function executeNotebook(path: string, notebook: Notebook): Promise<RunResult> {
  const client = createKernelClient({ executorPath: builtExecutor(), cwd: dirname(path) });
  try {
    await client.start();
    const result = await runNotebook(notebook, client);
    if (result.failed) {
      const traceback = result.failed.error?.traceback.join("\n") ?? "";
      throw new Error(`${failureMessage(path, result.failed)}\n${traceback}`);
    }
    return result;
  } finally {
    await client.shutdown();
  }
}

/** A bound that a check cell's number must satisfy, read from its tag. */
export interface Check {
  cell: number;
  tag: string;
  value: number;
  /** Human-readable bound, e.g. "|x| ≤ 1e-10". */
  bound: string;
  ok: boolean;
}

/**
 * Tags: `check` → |value| ≤ 1e-10; `check:max=X` → value ≤ X; `check:min=X` → value ≥ X. The value
 * is the cell's result (its `text/plain`), which must be a number.
 */
export function readChecks(notebook: Notebook): Check[] {
  const checks: Check[] = [];
  notebook.cells.forEach((cell, index) => {
    for (const tag of cellTags(cell)) {
      if (!tag.startsWith("check") || cell.cell_type !== "code") continue;
      const value = resultNumber(cell, index + 1);
      const [, kind, limitText] = /^check(?::(max|min)=(.+))?$/.exec(tag) ?? [];
      if (tag !== "check" && kind === undefined)
        throw new Error(`cell ${index + 1}: unknown tag ${tag}`);
      const limit = limitText === undefined ? 1e-10 : Number(limitText);
      const ok =
        kind === "min"
          ? value >= limit
          : kind === "max"
            ? value <= limit
            : Math.abs(value) <= limit;
      const bound =
        kind === "min" ? `≥ ${limit}` : kind === "max" ? `≤ ${limit}` : `|x| ≤ ${limit}`;
      checks.push({ cell: index + 1, tag, value, bound, ok });
    }
  });
  return checks;
}

function resultNumber(cell: CodeCell, cellNumber: number): number {
  const result = cell.outputs.find((o) => o.output_type === "execute_result");
  if (result?.output_type !== "execute_result")
    throw new Error(`check cell ${cellNumber} has no result`);
  const text = joinSource(result.data["text/plain"] as string | string[]).trim();
  const value = Number(text);
  if (text === "" || Number.isNaN(value))
    throw new Error(`check cell ${cellNumber}: result ${text} is not a number`);
  return value;
}

/** Every rich view a notebook's outputs hold: its MIME type, payload and full bundle. */
export interface View {
  cell: number;
  mime: CotangentMime;
  payload: Record<string, unknown>;
  bundle: Record<string, unknown>;
}

export function readViews(notebook: Notebook): View[] {
  const views: View[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    for (const output of cell.outputs) {
      if (output.output_type !== "display_data" && output.output_type !== "execute_result")
        continue;
      for (const mime of COTANGENT_MIMES) {
        const payload = output.data[mime];
        if (payload !== undefined) {
          views.push({
            cell: index + 1,
            mime,
            payload: payload as Record<string, unknown>,
            bundle: output.data,
          });
        }
      }
    }
  });
  return views;
}

/** The source of a notebook's code cells, for error messages. */
export function codeOf(notebook: Notebook, cellNumber: number): string {
  const cell = notebook.cells[cellNumber - 1];
  return cell ? joinSource(cell.source) : "";
}
