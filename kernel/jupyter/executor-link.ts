/**
 * What the Jupyter front end needs from the executor: one cell at a time with its outputs as
 * they happen, the editor requests, and lifecycle. kernel/jupyter/main.ts adapts the
 * child-process client (kernel/client.ts) to this; unit tests pass a fake.
 */
import type {
  ClearEvent,
  CompleteReply,
  Diagnostic,
  DisplayEvent,
  ErrorEvent,
  ExploreEvent,
  InputEvent,
  InspectReply,
  IsCompleteReply,
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

export interface ExploreListeners {
  answer(event: ExploreEvent): void;
  reset(reason: string): void;
}

export interface ExecutorLink {
  /** Resolves with the versions once the executor is ready (at once if it already is). */
  ready(): Promise<Versions>;
  /** `onInput` answers the cell's `input()`; without it the cell is told there is no stdin. */
  execute(
    code: string,
    silent: boolean,
    onOutput: (output: CellOutput) => void,
    onInput?: (event: InputEvent) => Promise<string>,
  ): Promise<CellOutcome>;
  /** `cursor` in UTF-16 code units, as the executor protocol counts. */
  complete(code: string, cursor: number): Promise<CompleteReply>;
  inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<InspectReply>;
  isComplete(code: string): Promise<IsCompleteReply>;
  /** Type-check the code against the current state without running it. */
  diagnose(code: string): Promise<Diagnostic[]>;
  /** Interrupt the running cell, if any. */
  interrupt(): void;
  /** Stop the executor for good. */
  shutdown(): Promise<void>;
  /** Move an explore view (see kernel/client.ts); returns the id its answer carries. */
  exploreMove(viewId: string, seq: number, x: number[]): string;
  exploreRelease(viewId: string): void;
  /** Explore answers, and `reset` when the executor died (its views with it). */
  onExplore(listeners: ExploreListeners): void;
}
