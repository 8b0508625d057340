/**
 * The executor's progress hook (src/progress.ts `setProgressHook`): a batched transform that has
 * run for `delayMs` (1 s by default; COTANGENT_PROGRESS_DELAY_MS sets it) gets a progress display
 * in the running cell, updated in place at each batch (the sink throttles the updates) and
 * replaced by a one-line summary when the task ends. Shorter tasks show nothing.
 */
import type { ProgressHook, ProgressReport } from "../../src/index.js";
import { ProgressView } from "../display/progress.js";
import type { ExecutorSink } from "./sink.js";

export interface ProgressOptions {
  sink: Pick<ExecutorSink, "show" | "update" | "flush">;
  /** A fresh display id for each shown task. */
  displayId: (task: number) => string;
  delayMs?: number;
}

/** The delay from the environment, else 1 s. */
export function progressDelay(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["COTANGENT_PROGRESS_DELAY_MS"];
  const ms = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? ms : 1000;
}

export function createProgressHook(options: ProgressOptions): ProgressHook {
  const delayMs = options.delayMs ?? 1000;
  const shown = new Map<number, { view: ProgressView; id: string }>();
  return (report: ProgressReport) => {
    const entry = shown.get(report.task);
    if (entry === undefined) {
      if (report.finished || report.elapsedMs < delayMs) return;
      const view = new ProgressView(report);
      const id = options.displayId(report.task);
      shown.set(report.task, { view, id });
      options.sink.show(view, id);
      return;
    }
    entry.view.report = report;
    options.sink.update(entry.view, entry.id);
    if (report.finished) {
      shown.delete(report.task);
      options.sink.flush(); // the summary at once, not when the cell ends
    }
  };
}
