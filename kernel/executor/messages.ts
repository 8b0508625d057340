/**
 * Messages between the executor's threads (see ARCHITECTURE.md, "Kernel"):
 * - the main thread runs cells;
 * - the I/O worker owns the pipe to the front end, sequences cells and interrupts;
 * - the checker worker type-checks and converts cells with TypeScript.
 */
import type { CellPosition, ExecutorEvent, ExploreMoveRequest, InputReply } from "../protocol.js";

/** Source map of a converted cell: the run script (line for line the ES output) → the cell. */
export interface CellMaps {
  /** The ES module output's map back to the cell (JSON text), line 1 is the converter's prefix. */
  es: string;
}

/** A local .ts/.js module the cell imports, converted to CommonJS. */
export interface SideModule {
  path: string;
  code: string;
}

/** What the checker answers for a cell. */
export type ConvertResult =
  | { ok: false; errors: CompileDiagnostic[] }
  | {
      ok: true;
      /** The cell as a function body (see cells/to-script.ts), or undefined for types only. */
      code: string | undefined;
      /** Statements to run first, on the function's header line (hoisted bindings). */
      prologue: string;
      /** Packages the cell imports statically: ESM ones are loaded before it runs. */
      packages: string[];
      maps: CellMaps | undefined;
      lastExpressionVar: string | undefined;
      hasTopLevelAwait: boolean;
      sideModules: SideModule[];
    };

export interface CompileDiagnostic {
  message: string;
  code: number;
  start: CellPosition;
  end: CellPosition;
  severity: "error" | "warning";
  /** The file the diagnostic is in, when it is not the cell (a local module). */
  file?: string;
}

// ------------------------------------------------------------------ I/O worker ↔ checker

export type CheckerRequest =
  | { kind: "convert"; seq: number; code: string }
  /**
   * Keep the declarations of the cell converted under `seq`: all of them (it ran to the end), or
   * only those of the top-level names in `reached` (it stopped early: an error, an interrupt).
   */
  | { kind: "commit"; seq: number; reached?: string[] }
  | { kind: "complete"; seq: number; code: string; cursor: number }
  | { kind: "inspect"; seq: number; code: string; cursor: number; detailLevel: 0 | 1 }
  | { kind: "isComplete"; seq: number; code: string }
  | { kind: "diagnose"; seq: number; code: string };

export type CheckerReply =
  | { kind: "warm"; typescript: string; ms: number }
  | {
      kind: "converted";
      seq: number;
      result: ConvertResult;
      /**
       * The cell converts the same way until a cell changes the declarations: it declares
       * nothing new and imports no local file. The I/O thread then keeps the conversion.
       */
      reusable: boolean;
    }
  | {
      kind: "completed";
      seq: number;
      matches: string[];
      start: number;
      end: number;
      details: { name: string; kind: string }[];
    }
  | { kind: "inspected"; seq: number; found: boolean; text: string }
  | {
      kind: "isCompleted";
      seq: number;
      status: "complete" | "incomplete" | "invalid";
      indent?: string;
    }
  | { kind: "diagnosed"; seq: number; diagnostics: CompileDiagnostic[] }
  | { kind: "failed"; seq: number; message: string };

// ------------------------------------------------------------------ I/O worker ↔ main thread

export type MainRequest =
  | {
      kind: "run";
      id: string;
      executionCount: number;
      silent: boolean;
      code: string;
      /** The cell as the user wrote it (for the source lines of its tracebacks). */
      source: string;
      prologue: string;
      packages: string[];
      maps: CellMaps | undefined;
      lastExpressionVar: string | undefined;
      hasTopLevelAwait: boolean;
      sideModules: SideModule[];
    }
  /**
   * The cell was interrupted: whatever it still does must not reach the front end. `final` is
   * the abandon sent once the termination has happened: the main thread answers `abandoned`.
   * `drop` (the cell went over the memory limit): the names it bound are dropped, not kept.
   */
  | { kind: "abandon"; id: string; final?: boolean; drop?: boolean }
  /** The front end's answer to the running cell's `input()`. */
  | { kind: "input"; reply: InputReply }
  /** Compute an explore view's frame (the I/O thread sends one at a time, between cells). */
  | { kind: "exploreMove"; request: ExploreMoveRequest }
  | { kind: "exploreRelease"; viewId: string }
  /** Nothing to do: something for an interrupt to terminate while the thread is idle. */
  | { kind: "poke" }
  | { kind: "shutdown" };

export type MainReply =
  | { kind: "event"; event: ExecutorEvent }
  /** A cell ended; `reached` are the top-level names it bound before an error. */
  | { kind: "finished"; id: string; status: "ok" | "error"; reached?: string[] }
  /**
   * The answer to a final abandon: the top-level names the interrupted cell had bound (kept), or
   * with `drop` none kept and `dropped` those it had bound.
   */
  | { kind: "abandoned"; id: string; reached: string[]; dropped?: string[] }
  /** The move `id` was answered (its frame, error or closed event went out before this). */
  | { kind: "exploreDone"; id: string }
  | { kind: "loaded"; cotangent: string; typescript: string };
