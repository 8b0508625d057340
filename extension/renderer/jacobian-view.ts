/**
 * The Jacobian view: a canvas heatmap (rows = outputs fᵢ, columns = inputs xⱼ) on a diverging
 * scale centred at 0, a colour bar, labels, a hover / keyboard read-out of ∂fᵢ/∂xⱼ, row and column
 * selection as bar charts (vjp(f, eᵢ) and jvp(f, eⱼ)), colour-mode toggles, a numeric table,
 * the summary and copy as CSV / LaTeX / JSON.
 */
import {
  LOG_DECADES,
  colorBarTicks,
  makeColorScale,
  type ColorMode,
  type ColorScale,
} from "../../kernel/shared/colorscale.js";
import { formatNumber, formatShape, leafName } from "../../kernel/shared/format.js";
import { derivativeName, noFiniteEntries } from "../../kernel/shared/describe.js";
import { MIME, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { barChart } from "./bar-chart.js";
import { button, copyText, el, toggle } from "./dom.js";
import { toCsv, toJson, toLatex } from "./exports.js";
import { drawHeatmap, heatmapLayout, hitTest, type HeatmapLayout } from "./heatmap.js";
import {
  LABEL_CHAR_PX,
  colName,
  columnLabelsUpright,
  decodeJacobian,
  exportOf,
  readout,
  rowName,
  selectionCaption,
  shownLabel,
  slice,
  type JacobianModel,
} from "./jacobian-model.js";

export interface ViewHooks {
  /** Report to the host (VS Code: ctx.postMessage), e.g. after drawing. */
  post(message: Record<string, unknown>): void;
}

/** The numeric table shows at most this many rows and columns. */
export const TABLE_LIMIT = 60;

interface State {
  model: JacobianModel;
  mode: ColorMode;
  scale: ColorScale;
  layout: HeatmapLayout;
  cursor: { row: number; col: number };
  selection: { axis: "row" | "col"; index: number } | null;
}

function summary(model: JacobianModel): HTMLElement {
  const { payload } = model;
  const s = payload.stats;
  const item = (name: string, value: string): HTMLElement =>
    el("span", {}, el("b", {}, name), " ", value);
  const { noun, symbol } = derivativeName(payload);
  const entries = model.fullRows * model.fullCols;
  const none = noFiniteEntries(s, entries);
  const items = [
    item(
      noun,
      `${model.fullRows}×${model.fullCols} ${symbol} (f: ${formatShape(payload.outShape)}, x: ${formatShape(payload.inShape)})`,
    ),
  ];
  if (none !== undefined) items.push(el("span", { class: "ct-warning" }, el("b", {}, none)));
  else
    items.push(
      item("‖J‖F", formatNumber(s.frobenius, 6)),
      item("max |J|", formatNumber(s.maxAbs, 6)),
    );
  items.push(item("nnz", `${s.nnz} of ${entries}`));
  if (s.rank !== undefined) items.push(item("rank", String(s.rank)));
  if (s.cond !== undefined) items.push(item("cond", formatNumber(s.cond, 4)));
  else if (s.singularValues) items.push(item("cond", "∞"));
  if (s.nonFinite && none === undefined) items.push(item("NaN/∞", `${s.nonFinite} entries`));
  if (s.singularValues && s.singularValues.length > 0) {
    const shown = s.singularValues.slice(0, 6).map((v) => formatNumber(v, 4));
    items.push(item("σ", `${shown.join(", ")}${s.singularValues.length > 6 ? ", …" : ""}`));
  }
  if (payload.sparse) items.push(item("colours", `${payload.sparse.colors} (sparse detection)`));
  return el("div", { class: "ct-summary" }, ...items);
}

function colorBar(scale: ColorScale, height: number): HTMLElement {
  const bar = el("canvas", {
    class: "ct-colorbar-canvas",
    width: 1,
    height: 256,
    "aria-hidden": "true",
  });
  bar.style.width = "12px";
  bar.style.height = `${height}px`;
  const context = bar.getContext("2d");
  if (context) {
    const image = context.createImageData(1, 256);
    for (let k = 0; k < 256; k++) {
      const t = 1 - (k / 255) * 2;
      const v =
        scale.mode === "sparsity"
          ? k < 128
            ? 1
            : 0
          : scale.mode === "log"
            ? Math.sign(t) * scale.limit * 10 ** (-(1 - Math.abs(t)) * 6)
            : t * scale.limit;
      scale.write(image.data, k * 4, t === 0 ? 0 : v);
    }
    context.putImageData(image, 0, 0);
  }
  const ticks = el("div", { class: "ct-colorbar-ticks" });
  ticks.style.height = `${height}px`;
  const all = scale.mode === "sparsity" ? [] : colorBarTicks(scale);
  // short bars get the ends and 0 only, so tick labels never overlap
  const values = height < 100 ? all.filter((_, k) => k % 2 === 0) : all;
  for (const v of values) {
    // on the log scale the centre stands for every |v| below the last decade shown
    const floor = scale.limit * 10 ** -LOG_DECADES;
    const text =
      scale.mode === "log" && v === 0 ? `|·| < ${formatNumber(floor, 2)}` : formatNumber(v, 3);
    const label = el("span", {}, text);
    label.style.top = `${((1 - (scale.unit(v) + 1) / 2) * height).toFixed(1)}px`;
    ticks.append(label);
  }
  if (scale.mode === "sparsity") {
    const nz = el("span", {}, "≠ 0");
    nz.style.top = `${height * 0.25}px`;
    const z = el("span", {}, "= 0");
    z.style.top = `${height * 0.75}px`;
    ticks.append(nz, z);
  }
  return el("div", { class: "ct-colorbar" }, bar, ticks);
}

function labelStrip(
  state: State,
  axis: "row" | "col",
  onPick: (index: number) => void,
): HTMLElement {
  const { layout, model } = state;
  const count = axis === "row" ? model.rows : model.cols;
  const step = axis === "row" ? layout.rowLabelStep : layout.colLabelStep;
  const cell = axis === "row" ? layout.cellHeight : layout.cellWidth;
  const indices: number[] = [];
  for (let k = 0; k < count; k += step) indices.push(k);
  const names = indices.map((k) => (axis === "row" ? rowName(model, k) : colName(model, k)));
  const upright = axis === "col" && columnLabelsUpright(names, cell * step);
  const strip = el("div", {
    class: axis === "row" ? "ct-rowlabels" : `ct-collabels${upright ? " ct-upright" : ""}`,
  });
  if (axis === "row") strip.style.height = `${layout.height}px`;
  else strip.style.width = `${layout.width}px`;
  let longest = 0;
  indices.forEach((k, n) => {
    const name = names[n];
    const shown = shownLabel(name);
    longest = Math.max(longest, shown.length);
    const label = el("span", { class: "ct-label", "data-index": k, title: name }, shown);
    const position = k * cell + cell / 2;
    if (axis === "row") label.style.top = `${position - 7}px`;
    else if (upright) label.style.left = `${position - (shown.length * LABEL_CHAR_PX) / 2}px`;
    else label.style.left = `${position - 7}px`;
    label.addEventListener("click", () => onPick(k));
    strip.append(label);
  });
  const extent = upright ? 16 : Math.min(140, longest * LABEL_CHAR_PX + 6);
  if (axis === "row") strip.style.width = `${extent}px`;
  else strip.style.height = `${extent}px`;
  return strip;
}

/**
 * A pytree Jacobian's block grid over the heatmap: a line where each output leaf's rows and each
 * input leaf's columns begin (in drawn cells, so also when downsampled).
 */
function blockLines(model: JacobianModel, layout: HeatmapLayout): HTMLElement[] {
  const blocks = model.payload.blocks;
  if (!blocks) return [];
  const per = model.block ?? { rows: 1, cols: 1 };
  const lines: HTMLElement[] = [];
  for (const part of blocks.rows.slice(1)) {
    const line = el("div", { class: "ct-blockline ct-blockline-row", "data-path": part.path });
    line.style.top = `${(part.start / per.rows) * layout.cellHeight}px`;
    line.style.width = `${layout.width}px`;
    lines.push(line);
  }
  for (const part of blocks.cols.slice(1)) {
    const line = el("div", { class: "ct-blockline ct-blockline-col", "data-path": part.path });
    line.style.left = `${(part.start / per.cols) * layout.cellWidth}px`;
    line.style.height = `${layout.height}px`;
    lines.push(line);
  }
  return lines;
}

/** "Blocks: rows f [3]; columns W [2, 2] · b [2]" — what each block row and column is. */
function blockCaption(model: JacobianModel): HTMLElement | null {
  const blocks = model.payload.blocks;
  if (!blocks) return null;
  const list = (parts: typeof blocks.rows, lone: string): string =>
    parts.map((p) => `${leafName(p.path, lone)} ${formatShape(p.shape)}`).join(" · ");
  const text = `Blocks ${blocks.rows.length}×${blocks.cols.length}: rows ${list(blocks.rows, "f")}; columns ${list(blocks.cols, "x")}`;
  return el("div", { class: "ct-note ct-blocks", role: "note" }, text);
}

function numericTable(model: JacobianModel): HTMLElement {
  const rows = Math.min(model.rows, TABLE_LIMIT);
  const cols = Math.min(model.cols, TABLE_LIMIT);
  const head = el("tr", {}, el("th"));
  for (let j = 0; j < cols; j++) head.append(el("th", { scope: "col" }, colName(model, j)));
  const body = el("tbody");
  for (let i = 0; i < rows; i++) {
    const tr = el("tr", {}, el("th", { scope: "row" }, rowName(model, i)));
    for (let j = 0; j < cols; j++)
      tr.append(el("td", {}, formatNumber(model.values[i * model.cols + j], 4)));
    body.append(tr);
  }
  const table = el("table", { class: "ct-table" }, el("thead", {}, head), body);
  const clipped = rows < model.rows || cols < model.cols;
  const note = clipped
    ? el(
        "div",
        { class: "ct-muted" },
        `first ${rows}×${cols} of ${model.rows}×${model.cols} shown; copy as CSV for all`,
      )
    : null;
  return el("div", { class: "ct-table-wrap" }, note, table);
}

const HINT =
  "Rows are outputs fᵢ, columns inputs xⱼ. Hover a cell for ∂fᵢ/∂xⱼ; click a row (or a cell) for row i = vjp(f, eᵢ) = ∇fᵢ, a column label (or Shift+click) for column j = jvp(f, eⱼ).";
const MODES: [ColorMode, string][] = [
  ["linear", "Linear"],
  ["log", "Log |·|"],
  ["sparsity", "Sparsity"],
];
const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** One Jacobian view: its elements and state, and the handlers that change them. */
class JacobianViewer {
  readonly view = el("div", { class: "ct-view ct-jacobian" });
  readonly state: State;
  private limit: number;
  private readonly summaryHost = el("div");
  private readonly canvas: HTMLCanvasElement;
  private readonly highlight = el("div", { class: "ct-highlight", hidden: true });
  private readonly band = el("div", { class: "ct-selband", hidden: true });
  private readonly readoutLine = el("div", { class: "ct-readout", "aria-live": "polite" }, HINT);
  private readonly selectionHost = el("div", { class: "ct-selection" });
  private readonly tableHost = el("div");
  private readonly copyHost = el("div");
  private readonly status = el("span", { class: "ct-muted", "aria-live": "polite" });
  private readonly grid = el("div", { class: "ct-heatmap" });
  private readonly modeButtons: HTMLButtonElement[] = [];
  drawMs = 0;

  constructor(
    public model: JacobianModel,
    private readonly hooks: ViewHooks,
    limit?: number,
  ) {
    this.limit = limit ?? scaleLimit(model.payload);
    this.state = {
      model,
      mode: "linear",
      scale: makeColorScale(this.limit, "linear"),
      layout: heatmapLayout(model.rows, model.cols),
      cursor: { row: 0, col: 0 },
      selection: null,
    };
    this.canvas = el("canvas", {
      class: "ct-focusable",
      tabindex: 0,
      role: "img",
      "aria-label": `Jacobian heatmap, ${model.rows} rows by ${model.cols} columns; arrow keys move, Enter selects the row, Shift+Enter the column`,
    });
    this.attachCanvasEvents();
    this.assemble();
  }

  private assemble(): void {
    const { model } = this;
    if (model.payload.title)
      this.view.append(el("div", { class: "ct-title" }, model.payload.title));
    this.summaryHost.append(summary(model));
    this.view.append(this.summaryHost);
    const blocks = blockCaption(model);
    if (blocks) this.view.append(blocks);
    if (model.block) {
      const note = `Downsampled: ${model.fullRows}×${model.fullCols} shown as ${model.rows}×${model.cols} blocks of ${model.block.rows}×${model.block.cols} (signed max |·| per block${model.mean ? "; hover for the mean" : ""}).`;
      this.view.append(el("div", { class: "ct-note", role: "note" }, note));
    }
    this.view.append(
      this.toolbar(),
      this.grid,
      this.readoutLine,
      this.selectionHost,
      this.tableHost,
      this.copyHost,
    );
  }

  /** Put the cursor on cell (row, col): read-out and outline. */
  showCursor(row: number, col: number): void {
    const { layout } = this.state;
    this.state.cursor = { row, col };
    this.readoutLine.textContent = readout(this.model, row, col);
    this.place(
      this.highlight,
      col * layout.cellWidth,
      row * layout.cellHeight,
      layout.cellWidth,
      layout.cellHeight,
    );
  }

  private place(box: HTMLElement, left: number, top: number, width: number, height: number): void {
    box.hidden = false;
    box.style.left = `${left}px`;
    box.style.top = `${top}px`;
    box.style.width = `${Math.max(width, 2)}px`;
    box.style.height = `${Math.max(height, 2)}px`;
  }

  /** Select row i (the gradient of fᵢ, vjp(f, eᵢ)) or column j (jvp(f, eⱼ)) as a bar chart. */
  select(axis: "row" | "col", index: number): void {
    const { model, state } = this;
    state.selection = { axis, index };
    const foreground = getComputedStyle(this.view).color || "#888";
    const names = (k: number): string => (axis === "row" ? colName(model, k) : rowName(model, k));
    const hover = (k: number): void =>
      this.showCursor(axis === "row" ? index : k, axis === "row" ? k : index);
    this.selectionHost.replaceChildren(
      el("div", { class: "ct-caption" }, selectionCaption(model, axis, index)),
      barChart(slice(model, axis, index), state.scale, foreground, names, hover),
    );
    const { layout } = state;
    if (axis === "row")
      this.place(this.band, 0, index * layout.cellHeight, layout.width, layout.cellHeight);
    else this.place(this.band, index * layout.cellWidth, 0, layout.cellWidth, layout.height);
    for (const label of this.grid.querySelectorAll(".ct-label"))
      label.classList.remove("ct-selected");
    const strip = this.grid.querySelector(axis === "row" ? ".ct-rowlabels" : ".ct-collabels");
    strip?.querySelector(`[data-index="${index}"]`)?.classList.add("ct-selected");
    this.hooks.post({ type: "selected", mime: MIME.jacobian, axis, index });
  }

  /** Draw the heatmap, labels and colour bar for the current colour mode. */
  redraw(): void {
    const { state } = this;
    this.drawMs = drawHeatmap(this.canvas, this.model.values, state.layout, state.scale);
    this.grid.replaceChildren(
      el("div"),
      labelStrip(state, "col", (j) => this.select("col", j)),
      el("div"),
      labelStrip(state, "row", (i) => this.select("row", i)),
      el(
        "div",
        { class: "ct-canvas-wrap" },
        this.canvas,
        ...blockLines(this.model, state.layout),
        this.band,
        this.highlight,
      ),
      colorBar(state.scale, state.layout.height),
    );
    if (state.selection) this.select(state.selection.axis, state.selection.index);
  }

  /**
   * Show another Jacobian of the same shape (an explore frame), keeping the colour mode, the
   * selection and the cursor; `limit` fixes the colour scale (default: this frame's max |J|).
   */
  update(model: JacobianModel, limit = scaleLimit(model.payload)): void {
    this.model = model;
    this.state.model = model;
    this.limit = limit;
    this.state.scale = makeColorScale(limit, this.state.mode);
    this.summaryHost.replaceChildren(summary(model));
    this.redraw();
    if (!this.highlight.hidden) this.showCursor(this.state.cursor.row, this.state.cursor.col);
  }

  private attachCanvasEvents(): void {
    const { canvas, state } = this;
    canvas.addEventListener("mousemove", (event) => {
      const hit = hitTest(state.layout, event.offsetX, event.offsetY);
      if (hit) this.showCursor(hit.row, hit.col);
    });
    canvas.addEventListener("click", (event) => {
      const hit = hitTest(state.layout, event.offsetX, event.offsetY);
      if (!hit) return;
      if (event.shiftKey || event.altKey) this.select("col", hit.col);
      else this.select("row", hit.row);
    });
    canvas.addEventListener("keydown", (event) => {
      const { row, col } = state.cursor;
      const move = MOVES[event.key];
      if (move) {
        event.preventDefault();
        const clamp = (v: number, n: number): number => Math.max(0, Math.min(n - 1, v));
        const { rows, cols } = this.model;
        this.showCursor(clamp(row + move[0], rows), clamp(col + move[1], cols));
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (event.shiftKey) this.select("col", col);
        else this.select("row", row);
      }
    });
  }

  private setMode(mode: ColorMode): void {
    this.state.mode = mode;
    this.state.scale = makeColorScale(this.limit, mode);
    for (const b of this.modeButtons)
      b.setAttribute("aria-pressed", String(b.dataset["mode"] === mode));
    this.redraw();
  }

  private copyButton(format: string, text: () => string): HTMLButtonElement {
    const onClick = (): void => {
      const content = text();
      void copyText(content, this.copyHost).then((ok) => {
        this.status.textContent = ok ? `Copied ${format}.` : `Select and copy the ${format} below.`;
        this.hooks.post({ type: "copied", format, length: content.length });
      });
    };
    return button(`Copy ${format}`, onClick, { "data-copy": format });
  }

  private toolbar(): HTMLElement {
    for (const [mode, label] of MODES) {
      const attrs = {
        "data-mode": mode,
        "aria-pressed": String(mode === "linear"),
        class: "ct-button ct-toggle",
        title: `Colour: ${label}`,
      };
      this.modeButtons.push(button(label, () => this.setMode(mode), attrs));
    }
    const showTable = (on: boolean): void =>
      this.tableHost.replaceChildren(...(on ? [numericTable(this.model)] : []));
    return el(
      "div",
      { class: "ct-toolbar", role: "toolbar", "aria-label": "Jacobian view controls" },
      ...this.modeButtons,
      el("span", { class: "ct-sep" }),
      toggle("Table", false, showTable, { "data-toggle": "table" }),
      el("span", { class: "ct-sep" }),
      this.copyButton("CSV", () => toCsv(exportOf(this.model))),
      this.copyButton("LaTeX", () => toLatex(exportOf(this.model))),
      this.copyButton("JSON", () => toJson(exportOf(this.model))),
      this.status,
    );
  }
}

/** The colour scale's limit for a payload: its max |J| (1 when that is 0 or not finite). */
export function scaleLimit(payload: JacobianPayload): number {
  const maxAbs = payload.stats.maxAbs;
  return maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
}

/** A Jacobian view that explore frames update in place. */
export interface JacobianHandle {
  readonly element: HTMLElement;
  update(payload: JacobianPayload, limit?: number): void;
}

/** A Jacobian view with a given colour scale limit, updated in place by `update`. */
export function createJacobianView(
  payload: JacobianPayload,
  hooks: ViewHooks,
  limit?: number,
): JacobianHandle {
  const viewer = new JacobianViewer(decodeJacobian(payload), hooks, limit);
  viewer.redraw();
  return {
    element: viewer.view,
    update: (next, nextLimit) => viewer.update(decodeJacobian(next), nextLimit),
  };
}

/** Build the Jacobian view inside `root`; returns the time spent drawing the heatmap (ms). */
export function renderJacobian(
  root: HTMLElement,
  payload: JacobianPayload,
  hooks: ViewHooks,
): number {
  const viewer = new JacobianViewer(decodeJacobian(payload), hooks);
  root.replaceChildren(viewer.view);
  viewer.redraw();
  viewer.view.dataset["drawMs"] = viewer.drawMs.toFixed(2);
  return viewer.drawMs;
}
