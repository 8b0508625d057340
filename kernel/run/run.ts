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
  /** Interrupt the running cell (for `timeoutMs`). */
  interrupt?(): void;
}

/** What happened to one code cell. */
export interface CellRun {
  /** 1-based position of the cell in the notebook (markdown cells count). */
  cellNumber: number;
  /** 1-based position among the code cells, and how many there are. */
  codeIndex: number;
  codeCount: number;
  status: DoneEvent["status"];
  /** The kernel's execution count: `[N]` next to the cell and `cell[N]` in tracebacks. */
  executionCount?: number;
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
  /** Interrupt a cell that runs longer than this and record it as an error (`--timeout`). */
  timeoutMs?: number;
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

/** The error a cell stopped by `--timeout` records instead of the interrupt's. */
export function timeoutError(id: string, timeoutMs: number): ErrorEvent {
  const evalue = `the cell ran longer than ${timeoutMs / 1000} s (--timeout) and was interrupted`;
  return { type: "error", id, ename: "Timeout", evalue, traceback: [`Timeout: ${evalue}`] };
}

function handlersFor(
  collector: OutputCollector,
  errors: ErrorEvent[],
  rewrite: (event: ErrorEvent) => ErrorEvent,
): ExecuteHandlers {
  const accept = (event: ExecutorEvent): void => collector.accept(event);
  return {
    onStream: accept,
    onDisplay: accept,
    onResult: accept,
    onClear: accept,
    onError: (raw) => {
      const event = rewrite(raw);
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
  timeoutMs: number | undefined,
): Promise<{
  status: DoneEvent["status"];
  ms: number;
  error: ErrorEvent | undefined;
  count: number;
}> {
  const collector = new OutputCollector();
  const errors: ErrorEvent[] = [];
  let timedOut = false;
  const rewrite = (event: ErrorEvent): ErrorEvent =>
    timedOut && timeoutMs !== undefined && event.ename === "Interrupted"
      ? timeoutError(event.id, timeoutMs)
      : event;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          executor.interrupt?.();
        }, timeoutMs);
  const started = now();
  const handlers = handlersFor(collector, errors, rewrite);
  const done = await executor.execute(joinSource(cell.source), handlers).finally(() => {
    clearTimeout(timer);
  });
  const ms = now() - started;
  if (timedOut && timeoutMs !== undefined && errors.length === 0) {
    errors.push(timeoutError(done.id, timeoutMs));
    collector.accept(errors[0]);
  }
  cell.outputs = storedOutputs(collector.outputs);
  cell.execution_count = done.executionCount;
  const status = timedOut ? "error" : done.status;
  return { status, ms, error: errors[0], count: done.executionCount };
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
    const { status, ms, error, count } = await runCell(cell, executor, now, options.timeoutMs);
    const run: CellRun = { cellNumber: index + 1, codeIndex, codeCount, status, milliseconds: ms };
    run.executionCount = count;
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

/**
 * A one-paragraph description of a failure: the cell — by its execution count `[N]`, the number
 * its traceback's `cell[N]` frames use, and by its place in the notebook — the line, the error.
 */
export function failureMessage(notebookName: string, run: CellRun): string {
  const error = run.error;
  const line = error?.position ? `, line ${error.position.line}` : "";
  const what = error ? `${error.ename}: ${error.evalue}` : run.status;
  const count = run.executionCount === undefined ? "" : ` [${run.executionCount}]`;
  const cell = `cell${count} (cell ${run.cellNumber} of the notebook)`;
  return `${notebookName}: ${cell}${line} failed: ${what}`;
}
