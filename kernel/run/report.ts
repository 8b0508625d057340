/**
 * The standalone HTML report of an executed notebook: markdown with math, code, and every output
 * in its richest form. Cotangent's views (Jacobian, chain, trace) carry their JSON payload and
 * their static fallback; the renderer bundle is inlined at the end of the page and draws each view
 * in place of its fallback, so the file opens offline in any browser. Without the bundle, or if
 * drawing fails, the fallback stays.
 */
import { escapeXml as escapeHtml } from "../shared/format.js";
import { COTANGENT_MIMES, MIME, type MimeBundle } from "../shared/payloads.js";

/** Said under every explore view of a report: the page has no kernel to move its inputs. */
export const STATIC_EXPLORE_NOTE =
  "A static view: the first frame, as the cell computed it. Run the notebook in VS Code or Jupyter to explore.";
import { renderMarkdown } from "./markdown.js";
import { cellTags, joinSource, type Cell, type Notebook, type Output } from "./notebook.js";
import type { CellRun } from "./run.js";
import { REPORT_SCRIPT, REPORT_STYLE } from "./report-assets.js";

export interface ReportOptions {
  title: string;
  /** The renderer bundle's source (dist/renderer/index.js); views fall back to static images without it. */
  rendererScript?: string;
  /** Per-cell timings and statuses from the run, shown beside each cell. */
  runs?: readonly CellRun[];
  /** A line under the title, e.g. the date and versions. */
  subtitle?: string;
}

/** Escape text for HTML content and attribute values: the views' own escaper. */
export { escapeHtml };

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Terminal colour codes in tracebacks are noise in a page. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.join("");
  return JSON.stringify(value, null, 2);
}

/** The static part of a bundle: what a browser shows without our renderer. */
function renderStatic(bundle: MimeBundle): string {
  if (bundle["text/html"] !== undefined)
    return `<div class="nb-html">${textOf(bundle["text/html"])}</div>`;
  if (bundle["image/svg+xml"] !== undefined)
    return `<div class="nb-svg">${textOf(bundle["image/svg+xml"])}</div>`;
  if (bundle["image/png"] !== undefined) {
    return `<img class="nb-png" alt="" src="data:image/png;base64,${escapeHtml(textOf(bundle["image/png"]).trim())}">`;
  }
  if (bundle["text/markdown"] !== undefined) {
    return `<div class="nb-markdown">${renderMarkdown(textOf(bundle["text/markdown"]))}</div>`;
  }
  if (bundle["application/json"] !== undefined) {
    return `<pre class="nb-text">${escapeHtml(JSON.stringify(bundle["application/json"], null, 2))}</pre>`;
  }
  if (bundle["text/plain"] !== undefined)
    return `<pre class="nb-text">${escapeHtml(textOf(bundle["text/plain"]))}</pre>`;
  return `<pre class="nb-text">(no displayable data: ${escapeHtml(Object.keys(bundle).join(", "))})</pre>`;
}

/** A bundle: our view (payload + fallback) when it has one of our MIME types, else its static form. */
function renderBundle(bundle: MimeBundle): string {
  const mime = COTANGENT_MIMES.find((m) => bundle[m] !== undefined);
  if (mime === undefined) return renderStatic(bundle);
  const payload = bundle[mime];
  const kind = mime.replace(/^application\/vnd\.cotangent\.|\+json$/g, "");
  return (
    `<div class="nb-view" data-mime="${escapeHtml(mime)}" data-kind="${escapeHtml(kind)}">` +
    `<script type="application/json" class="nb-payload">${scriptJson(payload)}</script>` +
    `<div class="nb-live"></div><div class="nb-fallback">${renderStatic(bundle)}</div>` +
    (mime === MIME.explore ? `<p class="nb-note">${STATIC_EXPLORE_NOTE}</p>` : "") +
    `</div>`
  );
}

function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="nb-stream nb-${output.name}">${escapeHtml(textOf(output.text))}</pre>`;
    case "display_data":
      return `<div class="nb-output">${renderBundle(output.data)}</div>`;
    case "execute_result":
      return `<div class="nb-output nb-result">${renderBundle(output.data)}</div>`;
    case "error": {
      const text =
        output.traceback.length > 0
          ? output.traceback.join("\n")
          : `${output.ename}: ${output.evalue}`;
      return `<pre class="nb-error">${escapeHtml(stripAnsi(text))}</pre>`;
    }
  }
}

function runBadge(run: CellRun | undefined): string {
  if (!run) return `<span class="nb-badge nb-skipped">not run</span>`;
  const time = `${run.milliseconds.toFixed(0)} ms`;
  return `<span class="nb-badge nb-${run.status}">${run.status} · ${time}</span>`;
}

function renderCell(cell: Cell, index: number, runs: ReadonlyMap<number, CellRun>): string {
  const source = joinSource(cell.source);
  if (cell.cell_type !== "code") {
    const body =
      cell.cell_type === "markdown" ? renderMarkdown(source) : `<pre>${escapeHtml(source)}</pre>`;
    return `<section class="nb-cell nb-${cell.cell_type}">${body}</section>`;
  }
  const count = cell.execution_count ?? " ";
  const tags = cellTags(cell);
  const tagText = tags.length > 0 ? ` data-tags="${escapeHtml(tags.join(" "))}"` : "";
  return (
    `<section class="nb-cell nb-code" id="cell-${index + 1}"${tagText}>` +
    `<div class="nb-in"><span class="nb-prompt">[${count}]</span>${runBadge(runs.get(index + 1))}</div>` +
    `<pre class="nb-source"><code>${escapeHtml(source)}</code></pre>` +
    `<div class="nb-outputs">${cell.outputs.map(renderOutput).join("")}</div></section>`
  );
}

/** The whole page. */
export function renderReport(notebook: Notebook, options: ReportOptions): string {
  const runs = new Map((options.runs ?? []).map((run) => [run.cellNumber, run]));
  const cells = notebook.cells.map((cell, i) => renderCell(cell, i, runs)).join("\n");
  const subtitle = options.subtitle
    ? `<p class="nb-subtitle">${escapeHtml(options.subtitle)}</p>`
    : "";
  const renderer = options.rendererScript
    ? `<script type="module">${options.rendererScript.replace(/<\/script/gi, "<\\/script")}</script>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header class="nb-header"><h1 class="nb-title">${escapeHtml(options.title)}</h1>${subtitle}</header>
<main>
${cells}
</main>
${renderer}
<script type="module">${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
