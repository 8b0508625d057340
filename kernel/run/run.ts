/**
 * Runs a notebook's code cells one after another through a kernel client and collects their
 * outputs into an executed copy of the notebook. The kernel is passed in (anything with the
 * client's `execute`), so this is testable without a process. Stops at the first failing cell,
 * as nbclient does; the cells after it keep no outputs.
 */
import type { DoneEvent, ErrorEvent, ExecutorEvent } from "../protocol.js";
import type { ExecuteHandlers } from "../client.js";
import {
  joinSource,
  OutputCollector,
  storedOutputs,
  type CodeCell,
  type Notebook,
} from "./notebook.js";

/** The part of the kernel client the runner needs. */
export interface CellExecutor {
  execute(code: string, handlers?: ExecuteHandlers): Promise<DoneEvent>;
}

/** What happened to one code cell. */
export interface CellRun {
  /** 1-based position of the cell in the notebook (markdown cells count). */
  cellNumber: number;
  /** 1-based position among the code cells, and how many there are. */
  codeIndex: number;
  codeCount: number;
  status: DoneEvent["status"];
  milliseconds: number;
  /** Set when the cell failed: the error as the kernel reported it. */
  error?: Pick<ErrorEvent, "ename" | "evalue" | "traceback" | "position">;
}

export interface RunOptions {
  /** Called after each code cell (for progress lines). */
  onCell?: (run: CellRun) => void;
  /** Keep running after a failing cell (default: stop, like nbclient). */
  continueOnError?: boolean;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

export interface RunResult {
  /** The executed notebook: outputs and execution counts filled in. */
  notebook: Notebook;
  cells: CellRun[];
  /** The first cell that failed, if any. */
  failed: CellRun | undefined;
}

/** Why a cell's `input()` fails under `cotangent run`. */
export const NO_INPUT = "cotangent run cannot ask for input";

function handlersFor(collector: OutputCollector, errors: ErrorEvent[]): ExecuteHandlers {
  const accept = (event: ExecutorEvent): void => collector.accept(event);
  return {
    onStream: accept,
    onDisplay: accept,
    onResult: accept,
    onClear: accept,
    onError: (event) => {
      errors.push(event);
      collector.accept(event);
    },
    // A notebook run has no one at the keyboard: a cell's input() throws, saying so.
    onInput: () => Promise.reject(new Error(NO_INPUT)),
  };
}

async function runCell(
  cell: CodeCell,
  executor: CellExecutor,
  now: () => number,
): Promise<{ status: DoneEvent["status"]; ms: number; error: ErrorEvent | undefined }> {
  const collector = new OutputCollector();
  const errors: ErrorEvent[] = [];
  const started = now();
  const done = await executor.execute(joinSource(cell.source), handlersFor(collector, errors));
  const ms = now() - started;
  cell.outputs = storedOutputs(collector.outputs);
  cell.execution_count = done.executionCount;
  return { status: done.status, ms, error: errors[0] };
}

/** Execute every code cell of `notebook` (a copy is made; the input is not changed). */
export async function runNotebook(
  notebook: Notebook,
  executor: CellExecutor,
  options: RunOptions = {},
): Promise<RunResult> {
  const now = options.now ?? (() => performance.now());
  const executed = structuredClone(notebook);
  // Outputs of an earlier run never mix with this one's, even in cells that do not get to run.
  for (const cell of executed.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const codeCount = executed.cells.filter((c) => c.cell_type === "code").length;
  const runs: CellRun[] = [];
  let failed: CellRun | undefined;
  let codeIndex = 0;
  for (const [index, cell] of executed.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    codeIndex += 1;
    if (failed && !options.continueOnError) continue;
    const { status, ms, error } = await runCell(cell, executor, now);
    const run: CellRun = { cellNumber: index + 1, codeIndex, codeCount, status, milliseconds: ms };
    if (status !== "ok") {
      run.error = error
        ? {
            ename: error.ename,
            evalue: error.evalue,
            traceback: error.traceback,
            ...positionOf(error),
          }
        : { ename: "Interrupted", evalue: "the cell was interrupted", traceback: [] };
      failed ??= run;
    }
    runs.push(run);
    options.onCell?.(run);
  }
  return { notebook: executed, cells: runs, failed };
}

function positionOf(error: ErrorEvent): Pick<ErrorEvent, "position"> {
  return error.position ? { position: error.position } : {};
}

/** One progress line: `cell  4 [ 2/9]  ok       12 ms`. */
export function progressLine(run: CellRun): string {
  const width = String(run.codeCount).length;
  const counter = `[${String(run.codeIndex).padStart(width)}/${run.codeCount}]`;
  const status = run.status === "ok" ? "ok" : run.status === "error" ? "error" : "interrupted";
  const time = `${run.milliseconds.toFixed(0).padStart(6)} ms`;
  return `cell ${String(run.cellNumber).padStart(3)} ${counter}  ${status.padEnd(11)} ${time}`;
}

/** A one-paragraph description of a failure: the cell, the line, the error. */
export function failureMessage(notebookName: string, run: CellRun): string {
  const error = run.error;
  const line = error?.position ? `, line ${error.position.line}` : "";
  const what = error ? `${error.ename}: ${error.evalue}` : run.status;
  return `${notebookName}: cell ${run.cellNumber}${line} failed: ${what}`;
}
