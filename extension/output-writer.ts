/**
 * Writes one cell execution's outputs in the order the kernel sent them: streamed text appended
 * to the current stream output, rich displays as new outputs (replaced in place when updated),
 * the result, errors, and `clear` (immediate or deferred to the next output). Every write goes
 * through one promise chain so VS Code applies them in order.
 */
import * as vscode from "vscode";
import type { DisplayEvent, ErrorEvent, ResultEvent, StreamEvent } from "../kernel/protocol.js";
import { bundleToItems, errorItem } from "./output-items.js";

/** The part of vscode.NotebookCellExecution the writer uses. */
export type OutputTarget = Pick<
  vscode.NotebookCellExecution,
  "appendOutput" | "appendOutputItems" | "replaceOutputItems" | "clearOutput"
>;

interface StreamTail {
  name: StreamEvent["name"];
  output: vscode.NotebookCellOutput;
}

export class CellOutputWriter {
  private chain: Promise<void> = Promise.resolve();
  private tail: StreamTail | undefined;
  private readonly displays = new Map<string, vscode.NotebookCellOutput>();
  private clearPending = false;
  /** Set once an error output was written (so an interrupt need not add its own note). */
  sawError = false;
  /** The number of outputs written so far. */
  written = 0;

  constructor(private readonly target: OutputTarget) {}

  stream(event: StreamEvent): void {
    const item =
      event.name === "stdout"
        ? vscode.NotebookCellOutputItem.stdout(event.text)
        : vscode.NotebookCellOutputItem.stderr(event.text);
    this.enqueue(async () => {
      await this.applyPendingClear();
      const tail = this.tail;
      if (tail && tail.name === event.name) {
        await this.target.appendOutputItems(item, tail.output);
        return;
      }
      const output = new vscode.NotebookCellOutput([item], { outputType: "stream" });
      this.tail = { name: event.name, output };
      await this.append(output);
    });
  }

  display(event: DisplayEvent): void {
    const items = bundleToItems(event.data);
    this.enqueue(async () => {
      const known = event.displayId === undefined ? undefined : this.displays.get(event.displayId);
      if (event.update && known) {
        await this.target.replaceOutputItems(items, known);
        return;
      }
      await this.applyPendingClear();
      const metadata: Record<string, unknown> = {
        outputType: "display_data",
        metadata: event.metadata,
      };
      if (event.displayId !== undefined) metadata["transient"] = { display_id: event.displayId };
      const output = new vscode.NotebookCellOutput(items, metadata);
      if (event.displayId !== undefined) this.displays.set(event.displayId, output);
      this.tail = undefined;
      await this.append(output);
    });
  }

  result(event: ResultEvent): void {
    const items = bundleToItems(event.data);
    const metadata = {
      outputType: "execute_result",
      executionCount: event.executionCount,
      metadata: event.metadata,
    };
    this.enqueue(async () => {
      await this.applyPendingClear();
      this.tail = undefined;
      await this.append(new vscode.NotebookCellOutput(items, metadata));
    });
  }

  error(event: ErrorEvent): void {
    this.sawError = true;
    this.item(errorItem(event));
  }

  /** Appends a ready item as its own output (kernel death, interrupt and trust messages). */
  item(item: vscode.NotebookCellOutputItem): void {
    this.enqueue(async () => {
      await this.applyPendingClear();
      this.tail = undefined;
      await this.append(new vscode.NotebookCellOutput([item]));
    });
  }

  clear(wait: boolean): void {
    // In the chain, so that outputs sent before the clear are not the ones that trigger it.
    this.enqueue(async () => {
      if (wait) this.clearPending = true;
      else await this.clearNow();
    });
  }

  /** Resolves when every write so far has been applied. */
  flush(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    // A failed write must not stop the ones after it; VS Code reports its own errors.
    this.chain = this.chain.then(step).catch(() => undefined);
  }

  private async append(output: vscode.NotebookCellOutput): Promise<void> {
    this.written += 1;
    await this.target.appendOutput(output);
  }

  private async applyPendingClear(): Promise<void> {
    if (!this.clearPending) return;
    this.clearPending = false;
    await this.clearNow();
  }

  private async clearNow(): Promise<void> {
    this.tail = undefined;
    this.displays.clear();
    await this.target.clearOutput();
  }
}
