/**
 * The progress display of a batched transform (src/progress.ts reports): while it runs, a bar
 * with batches done / total in HTML (`<progress>`, drawn by VS Code, Jupyter and the HTML report
 * alike) and text; when it ends, one line that stays in the saved notebook.
 */
import type { ProgressReport } from "../../src/index.js";
import type { MimeBundle } from "../shared/payloads.js";
import { escapeXml } from "../shared/format.js";

/** A task's latest report, as the display sink shows it (updated in place). */
export class ProgressView {
  constructor(public report: ProgressReport) {}
}

const count = (n: number): string => n.toLocaleString("en-US");

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The one-line text of a report: running, finished or stopped. */
function progressText(r: ProgressReport): string {
  const { label, unit, total, done, chunk, batches, elapsedMs } = r;
  const per = `batches of ${count(chunk)} ${unit}`;
  if (r.finished && r.failed)
    return (
      `${label}: stopped after ${batches.done} of ${batches.total} ${per} ` +
      `(${count(done)} of ${count(total)} ${unit}) · ${seconds(elapsedMs)}`
    );
  if (r.finished)
    return `${label}: ${count(total)} ${unit} in ${batches.total} ${per} · ${seconds(elapsedMs)}`;
  const rate = done > 0 ? ((elapsedMs / done) * (total - done)) / 1000 : NaN;
  const left = Number.isFinite(rate) ? ` · about ${Math.ceil(rate)} s left` : "";
  return (
    `${label}: ${batches.done}/${batches.total} batches (${count(done)} of ${count(total)} ` +
    `${unit}, ${count(chunk)} per batch) · ${seconds(elapsedMs)}${left}`
  );
}

/** A 20-character text bar: [########............]. */
function textBar(done: number, total: number): string {
  const full = total > 0 ? Math.round((20 * done) / total) : 20;
  return `[${"#".repeat(full)}${".".repeat(20 - full)}]`;
}

/** The MIME bundle of a progress view: a bar while running, one line when done. */
export function progressBundle(view: ProgressView): MimeBundle {
  const r = view.report;
  const text = progressText(r);
  if (r.finished) {
    return {
      "text/html": `<div class="cotangent-progress">${escapeXml(text)}</div>`,
      "text/plain": text,
    };
  }
  const { done, total } = r.batches;
  return {
    "text/html":
      `<div class="cotangent-progress"><progress value="${done}" max="${total}" ` +
      `style="width: 16em; vertical-align: middle"></progress> ${escapeXml(text)}</div>`,
    "text/plain": `${textBar(done, total)} ${text}`,
  };
}
