/**
 * Running cells: one cell execution against a kernel (events → outputs), and the per-notebook
 * serial queue that runs batches in order, skips the rest of a batch after a failed cell (as
 * Jupyter's "stop on error" does for Run All) and cancels queued cells on interrupt.
 */
import * as vscode from "vscode";
import type { DoneEvent } from "../kernel/protocol.js";
import type { KernelClient } from "../kernel/client.js";
import { CellOutputWriter, type OutputTarget } from "./output-writer.js";
import { createInputHandler, inputSource, type AskText } from "./input.js";
import { interruptedItem } from "./output-items.js";

/** The part of vscode.NotebookCellExecution a run uses. */
export interface CellExecutionLike extends OutputTarget {
  readonly cell: {
    readonly document: { getText(): string };
    /** Where the cell sits (named in the title of its input box). */
    readonly index?: number;
    readonly notebook?: { readonly uri: { readonly path: string } };
    /** What the cell shows now (VS Code's cells always say). */
    readonly outputs?: readonly unknown[];
  };
  /** Cancelled when VS Code cancels the execution (e.g. the cell or notebook went away). */
  readonly token?: vscode.CancellationToken;
  executionOrder: number | undefined;
  start(startTime?: number): void;
  end(success: boolean | undefined, endTime?: number): void;
}

export type RunStatus = DoneEvent["status"];

const showInputBox: AskText = (options, token) => vscode.window.showInputBox(options, token);

/**
 * Runs one cell to its end and returns how it ended; never throws. The cell's `input()` is asked
 * with `ask` (an input box), closed when the cell ends or its execution is cancelled.
 */
export async function runCell(
  execution: CellExecutionLike,
  kernel: KernelClient,
  ask: AskText = showInputBox,
): Promise<RunStatus> {
  execution.start(Date.now());
  // A cell that shows nothing needs no clearing: one round trip to the window less before the
  // cell runs (Run All on a fresh notebook).
  if (execution.cell.outputs?.length !== 0) await execution.clearOutput();
  const writer = new CellOutputWriter(execution);
  const cellEnded = new vscode.CancellationTokenSource();
  const cancelled = execution.token?.onCancellationRequested(() => cellEnded.cancel());
  const onInput = createInputHandler({
    ask,
    source: inputSource(execution.cell),
    cellEnded: cellEnded.token,
  });
  let status: RunStatus;
  try {
    const done = await kernel.execute(execution.cell.document.getText(), {
      onStream: (event) => writer.stream(event),
      onDisplay: (event) => writer.display(event),
      onResult: (event) => {
        execution.executionOrder = event.executionCount;
        writer.result(event);
      },
      onClear: (event) => writer.clear(event.wait),
      onError: (event) => writer.error(event),
      onInput,
    });
    status = done.status;
    if (done.executionCount > 0) execution.executionOrder = done.executionCount;
  } catch (error) {
    // The kernel could not start or the request failed: say so without our own stack frames.
    const message = error instanceof Error ? error.message : String(error);
    writer.item(
      vscode.NotebookCellOutputItem.error({
        name: "KernelError",
        message: `The Cotangent kernel could not run this cell: ${message}`,
        stack: "",
      }),
    );
    status = "error";
  } finally {
    cancelled?.dispose();
    cellEnded.cancel();
    cellEnded.dispose();
  }
  if (status === "interrupted" && !writer.sawError) writer.item(interruptedItem());
  await writer.flush();
  execution.end(status === "ok", Date.now());
  return status;
}

/** The serial queue of one notebook. */
export class CellQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<CellExecutionLike>();
  private running: CellExecutionLike | undefined;

  constructor(private readonly kernel: () => KernelClient) {}

  /** Queues a batch (e.g. Run All); resolves when the batch has finished or was cancelled. */
  enqueue(batch: readonly CellExecutionLike[]): Promise<void> {
    for (const execution of batch) this.waiting.add(execution);
    const run = this.tail.then(() => this.runBatch(batch));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Ends every queued cell unrun; the running cell is the kernel's to interrupt. */
  cancelWaiting(): void {
    for (const execution of this.waiting) execution.end(undefined);
    this.waiting.clear();
  }

  get busy(): boolean {
    return this.running !== undefined || this.waiting.size > 0;
  }

  private async runBatch(batch: readonly CellExecutionLike[]): Promise<void> {
    let failed = false;
    for (const execution of batch) {
      if (!this.waiting.delete(execution)) continue; // cancelled while queued
      if (failed) {
        execution.end(undefined);
        continue;
      }
      this.running = execution;
      try {
        failed = (await runCell(execution, this.kernel())) !== "ok";
      } finally {
        this.running = undefined;
      }
    }
  }
}
