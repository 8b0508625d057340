/**
 * What the Jupyter front end needs from the executor: one cell at a time with its outputs as
 * they happen, the editor requests, and lifecycle. kernel/jupyter/main.ts adapts the
 * child-process client (kernel/client.ts) to this; unit tests pass a fake.
 */
import type { KernelClient } from "../client.js";
import type {
  ClearEvent,
  Diagnostic,
  DisplayEvent,
  ErrorEvent,
  InputEvent,
  ReadyEvent,
  ResultEvent,
  StreamEvent,
} from "../protocol.js";

/** An output of a running cell, as the executor reports it. */
export type CellOutput = StreamEvent | DisplayEvent | ResultEvent | ClearEvent | ErrorEvent;

/**
 * How a cell ended. A crash of the executor (exit, out of memory, stack overflow) ends the
 * running cell with an error output that says so, and `error`.
 */
export type CellOutcome = { status: "ok" | "error" | "interrupted" };

export type Versions = ReadyEvent["versions"];

/**
 * The kernel client's editor requests and lifecycle as they are (`cursor` in UTF-16 code units,
 * as the executor protocol counts), plus a cell run reshaped for the handler: one callback for
 * all outputs, and the outcome only.
 */
export interface ExecutorLink extends Pick<
  KernelClient,
  "complete" | "inspect" | "isComplete" | "interrupt" | "shutdown"
> {
  /** Resolves with the versions once the executor is ready (at once if it already is). */
  ready(): Promise<Versions>;
  /** `onInput` answers the cell's `input()`; without it the cell is told there is no stdin. */
  execute(
    code: string,
    silent: boolean,
    onOutput: (output: CellOutput) => void,
    onInput?: (event: InputEvent) => Promise<string>,
  ): Promise<CellOutcome>;
  /** Type-check the code against the current state without running it. */
  diagnose(code: string): Promise<Diagnostic[]>;
}
