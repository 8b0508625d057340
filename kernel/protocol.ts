/**
 * The message protocol between a front end (the VS Code extension, the Jupyter server in
 * kernel/jupyter) and the executor process that runs notebook cells (kernel/executor).
 *
 * Transport-agnostic: messages are plain JSON objects; kernel/transport frames them over a pipe.
 * Requests carry an `id`; every event about a request carries the same `id`. `interrupt` and
 * `shutdown` carry none. Keep this file free of Node APIs.
 */
import type { ExploreFrame, MimeBundle } from "./shared/payloads.js";

export const PROTOCOL_VERSION = 1 as const;

// ------------------------------------------------------------------ front end → executor

export interface ExecuteRequest {
  type: "execute";
  id: string;
  code: string;
  /** Silent cells do not count, store no history and show no result. */
  silent?: boolean;
}

export interface CompleteRequest {
  type: "complete";
  id: string;
  code: string;
  /** Cursor offset in UTF-16 code units. */
  cursor: number;
}

export interface InspectRequest {
  type: "inspect";
  id: string;
  code: string;
  cursor: number;
  detailLevel: 0 | 1;
}

export interface IsCompleteRequest {
  type: "isComplete";
  id: string;
  code: string;
}

/** Type-check a cell against the current state without running it (for editor diagnostics). */
export interface DiagnoseRequest {
  type: "diagnose";
  id: string;
  code: string;
}

export interface InterruptRequest {
  type: "interrupt";
}

export interface ShutdownRequest {
  type: "shutdown";
}

/**
 * The front end's answer to an `input` event of the running cell: the text typed, or, when the
 * front end cannot or will not ask (no stdin, the user cancelled), `value` left out and `reason`
 * saying why — the cell's `await input(…)` then throws with that reason.
 */
export interface InputReply {
  type: "inputReply";
  /** The id of the execute request whose cell asked. */
  id: string;
  value?: string;
  reason?: string;
}

/**
 * A move of an explore view's inputs (`explore(…)` in a cell): recompute the view at `x`. The
 * executor keeps only the latest pending move per view and computes between cells.
 */
export interface ExploreMoveRequest {
  type: "exploreMove";
  /** Chosen by the front end; the frame or error that answers the move carries it. */
  id: string;
  viewId: string;
  seq: number;
  /** The full flattened point. */
  x: number[];
}

/** The front end no longer shows the view (its output was disposed). */
export interface ExploreReleaseRequest {
  type: "exploreRelease";
  viewId: string;
}

export type ExecutorRequest =
  | InputReply
  | ExploreMoveRequest
  | ExploreReleaseRequest
  | ExecuteRequest
  | CompleteRequest
  | InspectRequest
  | IsCompleteRequest
  | DiagnoseRequest
  | InterruptRequest
  | ShutdownRequest;

// ------------------------------------------------------------------ executor → front end

export interface ReadyEvent {
  type: "ready";
  protocol: typeof PROTOCOL_VERSION;
  versions: { cotangent: string; typescript: string; node: string };
}

export interface StreamEvent {
  type: "stream";
  id: string;
  name: "stdout" | "stderr";
  text: string;
}

/** A rich output. `update` replaces the output previously shown under `displayId`. */
export interface DisplayEvent {
  type: "display";
  id: string;
  data: MimeBundle;
  metadata: Record<string, unknown>;
  displayId?: string;
  update: boolean;
}

/** The cell's last expression. */
export interface ResultEvent {
  type: "result";
  id: string;
  executionCount: number;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ClearEvent {
  type: "clear";
  id: string;
  wait: boolean;
}

/** A position in the cell's own source (1-based line and column). */
export interface CellPosition {
  line: number;
  column: number;
}

export interface ErrorEvent {
  type: "error";
  id: string;
  ename: string;
  evalue: string;
  /** Frames point into the cell's TypeScript source ("cell:line:column"). */
  traceback: string[];
  /** Where in the cell the error was raised or the type error is, when known. */
  position?: CellPosition;
}

export interface DoneEvent {
  type: "done";
  id: string;
  /** ok: ran to the end; error: threw or failed to type-check; interrupted: stopped by interrupt. */
  status: "ok" | "error" | "interrupted";
  executionCount: number;
}

export interface CompleteReply {
  type: "completeReply";
  id: string;
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** Per match: kind (e.g. "function", "property") and type text, when known. */
  details?: { name: string; kind: string; type?: string }[];
}

export interface InspectReply {
  type: "inspectReply";
  id: string;
  found: boolean;
  /** Markdown-free text: signature and type, then documentation. */
  text: string;
}

export interface IsCompleteReply {
  type: "isCompleteReply";
  id: string;
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

export interface Diagnostic {
  message: string;
  start: CellPosition;
  end: CellPosition;
  severity: "error" | "warning";
}

export interface DiagnoseReply {
  type: "diagnoseReply";
  id: string;
  diagnostics: Diagnostic[];
}

/** The running cell asks for a line of text (`await input(prompt, { password })` in a cell). */
export interface InputEvent {
  type: "input";
  /** The id of the execute request whose cell asks. */
  id: string;
  prompt: string;
  /** Hide what is typed. */
  password: boolean;
}

/** The answer to an exploreMove: the view's frame at x, or why it could not be computed. */
export type ExploreEvent =
  | {
      type: "exploreFrame";
      id: string;
      viewId: string;
      seq: number;
      x: number[];
      payload: ExploreFrame;
      /** Compute time in the executor. */
      ms: number;
    }
  | {
      type: "exploreError";
      id: string;
      viewId: string;
      seq: number;
      ename: string;
      evalue: string;
    }
  | {
      /**
       * The view is gone (never known to this executor, or released to keep the registry
       * bounded); answers a move (`id`) or comes on its own (no `id`). No frames follow.
       */
      type: "exploreClosed";
      id?: string;
      viewId: string;
      reason: string;
    };

export type ExecutorEvent =
  | InputEvent
  | ExploreEvent
  | ReadyEvent
  | StreamEvent
  | DisplayEvent
  | ResultEvent
  | ClearEvent
  | ErrorEvent
  | DoneEvent
  | CompleteReply
  | InspectReply
  | IsCompleteReply
  | DiagnoseReply;
