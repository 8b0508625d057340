/**
 * The trace view: one or more series over steps in a uPlot line chart, with a linear / log y
 * toggle, uPlot's live legend as the hover read-out (click a legend entry to hide a series) and
 * in-place updates: rendering again into the same element only swaps the data.
 */
import uPlot from "uplot";
import { MIME, decodeArray, type TracePayload } from "../../kernel/shared/payloads.js";
import { SERIES_COLORS } from "../../kernel/shared/colorscale.js";
import { formatNumber } from "../../kernel/shared/format.js";
import { el, toggle } from "./dom.js";
import type { ViewHooks } from "./jacobian-view.js";

const HEIGHT = 260;

/** uPlot's data: steps, then one column per series with null for NaN (and for ≤ 0 in log mode). */
export function traceData(payload: TracePayload, log: boolean): uPlot.AlignedData {
  const steps = decodeArray(payload.steps);
  const columns = payload.series.map((s) => {
    const values = decodeArray(s.values);
    const out = new Array<number | null>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = Number.isFinite(v) && (!log || v > 0) ? v : null;
    }
    return out;
  });
  return [steps, ...columns];
}

/** A y tick's label: on a log axis only powers of ten are labelled (uPlot passes null to skip). */
export function tickLabel(tick: number | null, log: boolean): string {
  if (tick === null || !Number.isFinite(tick)) return "";
  if (log && Math.abs(Math.log10(tick) - Math.round(Math.log10(tick))) > 1e-9) return "";
  return formatNumber(tick, 4);
}

export interface TraceView {
  /** Show a new state of the same trace without rebuilding the chart when the series match. */
  update(payload: TracePayload): void;
  dispose(): void;
  readonly element: HTMLElement;
}

function seriesKey(payload: TracePayload): string {
  return JSON.stringify(payload.series.map((s) => s.name));
}

/** uPlot options for a trace: one coloured line per series, step axis, linear or log y (pure). */
export function plotOptions(
  payload: TracePayload,
  log: boolean,
  width: number,
  foreground: string,
): uPlot.Options {
  const grid = { stroke: "rgba(128,128,128,0.25)", width: 1 };
  const xLabel = payload.xLabel ?? "step";
  const axis = { stroke: foreground, grid, ticks: grid };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false }, y: log ? { distr: 3 } : { distr: 1 } },
    axes: [
      { ...axis, label: xLabel },
      { ...axis, size: 64, values: (_u, ticks) => ticks.map((t) => tickLabel(t, log)) },
    ],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: xLabel, value: (_u, v) => (v === null ? "—" : formatNumber(v, 8)) },
      ...payload.series.map((s, i) => ({
        label: s.name,
        stroke: SERIES_COLORS[i % SERIES_COLORS.length],
        width: 1.5,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? "—" : formatNumber(v, 6)),
      })),
    ],
  };
}

/** One trace view: a title, a log-y toggle, a status line and the uPlot chart. */
class TraceViewer implements TraceView {
  readonly element = el("div", { class: "ct-view ct-trace" });
  private readonly title = el("div", { class: "ct-title" });
  private readonly status = el("span", { class: "ct-muted", "aria-live": "off" });
  private readonly chartHost = el("div", { class: "ct-chart" });
  private readonly resize: ResizeObserver | null;
  private plot: uPlot | null = null;
  private log = false;

  constructor(
    private readonly root: HTMLElement,
    private payload: TracePayload,
    private readonly hooks: ViewHooks,
  ) {
    this.chartHost.style.minHeight = `${HEIGHT + 40}px`;
    const logToggle = toggle("Log y", false, (on) => this.setLog(on), { "data-toggle": "log" });
    const toolbar = el(
      "div",
      { class: "ct-toolbar", role: "toolbar", "aria-label": "Trace controls" },
      logToggle,
      this.status,
    );
    this.element.append(this.title, toolbar, this.chartHost);
    root.replaceChildren(this.element);
    this.describe();
    this.rebuild();
    // follow the output's width (the notebook column resizes) without rebuilding the chart
    this.resize =
      typeof ResizeObserver === "function"
        ? new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }))
        : null;
    this.resize?.observe(root);
  }

  private width(): number {
    return Math.max(320, Math.min(900, (this.root.clientWidth || 640) - 8));
  }

  private describe(): void {
    this.title.textContent = this.payload.title;
    const n = this.payload.steps.shape[0] ?? 0;
    const state = this.payload.interrupted
      ? " · interrupted"
      : this.payload.done
        ? ""
        : " · running";
    const { xLabel } = this.payload;
    this.status.textContent = `${n} ${xLabel === undefined ? "steps" : `points against ${xLabel}`}${state}`;
  }

  private setLog(on: boolean): void {
    this.log = on;
    this.rebuild();
  }

  private rebuild(): void {
    this.plot?.destroy();
    const foreground = getComputedStyle(this.element).color || "#888";
    const options = plotOptions(this.payload, this.log, this.width(), foreground);
    this.plot = new uPlot(options, traceData(this.payload, this.log), this.chartHost);
    this.keyboardLegend();
  }

  /** uPlot's legend entries toggle a series on click; make them reachable by keyboard too. */
  private keyboardLegend(): void {
    const entries = this.chartHost.querySelectorAll<HTMLElement>(".u-legend .u-series");
    entries.forEach((entry, k) => {
      if (k === 0) return; // the step column
      entry.tabIndex = 0;
      entry.setAttribute("role", "button");
      entry.classList.add("ct-focusable");
      entry.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        entry.querySelector<HTMLElement>("th")?.click(); // uPlot listens on the label cell
      });
    });
  }

  update(next: TracePayload): void {
    const sameSeries = seriesKey(next) === seriesKey(this.payload);
    this.payload = next;
    this.describe();
    if (sameSeries && this.plot) this.plot.setData(traceData(next, this.log));
    else this.rebuild();
    this.hooks.post({ type: "updated", mime: MIME.trace, steps: next.steps.shape[0] ?? 0 });
  }

  dispose(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}

/** Build the trace view inside `root`. */
export function createTraceView(
  root: HTMLElement,
  first: TracePayload,
  hooks: ViewHooks,
): TraceView {
  return new TraceViewer(root, first, hooks);
}
