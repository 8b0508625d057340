/**
 * `display` and `trace`: how runtime values ask to be shown. The runtime only describes what to
 * show; a host (the notebook kernel) installs a sink with `setDisplaySink` and turns the requests
 * into MIME bundles. Without a host, a plain-text sink prints to the console, so scripts that call
 * `display` still run under Node or in a browser.
 */
import type { Tensor } from "./tensor/tensor.js";
import type { SparseJacobian } from "./extras/sparse.js";

/** A Jupyter-style MIME bundle: MIME type → data. */
export type MimeBundle = Record<string, unknown>;

/** Labels and a title for a Jacobian view. */
export interface JacobianViewOptions {
  /** One label per flattened input (column). */
  inputs?: string[];
  /** One label per flattened output (row). */
  outputs?: string[];
  title?: string;
  /**
   * The most characters of encoded values the view writes into the notebook (default 1 MB): a
   * larger matrix is shown block-downsampled; ask for more to keep full resolution.
   */
  maxBytes?: number;
}

/** A request to show a Jacobian with labels: what `display.jacobian` hands to the sink. */
export class JacobianView {
  constructor(
    readonly jacobian: Tensor | SparseJacobian,
    readonly options: JacobianViewOptions = {},
  ) {}
}

/** Where display requests go. The kernel implements this; see kernel/display. */
export interface DisplaySink {
  /** Show a value (a Tensor, Jacobian, ChainTrace, JacobianView, Trace, or anything else). */
  show(value: unknown, displayId?: string): void;
  /** Show a ready MIME bundle. */
  showBundle(bundle: MimeBundle, displayId?: string): void;
  /** Replace the output shown under `displayId` with a new rendering of `value`. */
  update(value: unknown, displayId: string): void;
  /** Clear the cell's output (wait: clear when the next output arrives). */
  clear(wait: boolean): void;
}

const consoleSink: DisplaySink = {
  show: (value) => console.log(value),
  showBundle: (bundle) => {
    const text = bundle["text/plain"];
    console.log(typeof text === "string" ? text : JSON.stringify(bundle));
  },
  update: () => undefined,
  clear: () => undefined,
};

let sink: DisplaySink = consoleSink;

/** Install the host's sink (the kernel does this once per session); returns the previous one. */
export function setDisplaySink(next: DisplaySink | undefined): DisplaySink {
  const previous = sink;
  sink = next ?? consoleSink;
  return previous;
}

let nextDisplayId = 0;
function freshDisplayId(): string {
  nextDisplayId += 1;
  return `cotangent-${Date.now().toString(36)}-${nextDisplayId}`;
}

/** The display function and its helpers, as exported by `cotangent` and global in cells. */
export interface Display {
  /** Show any value with its richest representation. */
  (value: unknown): void;
  html(html: string): void;
  markdown(markdown: string): void;
  svg(svg: string): void;
  /** A PNG image, as base64 or raw bytes. */
  png(png: string | Uint8Array): void;
  json(value: unknown): void;
  /** A ready MIME bundle, shown as is. */
  raw(bundle: MimeBundle): void;
  /** A Jacobian heatmap with optional row/column labels and a title. */
  jacobian(jacobian: Tensor, options?: JacobianViewOptions): void;
  /**
   * A chart of data already computed: one or more series against `xs` (a finished trace).
   * Points are drawn in order of x, as a trace is.
   *
   * @example
   * const theta = [0, 0.5, 1, 1.5];
   * display.plot(theta, { det: theta.map(Math.cos) }, { x: "θ₀", title: "det J" });
   */
  plot(xs: SeriesData, series: Record<string, SeriesData>, options?: PlotOptions): void;
  /** Clear the cell's output; with `wait`, only when the next output arrives. */
  clear(wait?: boolean): void;
}

function pngBase64(png: string | Uint8Array): string {
  if (typeof png === "string") return png;
  let binary = "";
  for (let i = 0; i < png.length; i++) binary += String.fromCharCode(png[i]);
  return btoa(binary);
}

/** Numbers of one series: an array or a 1-D tensor. */
export type SeriesData = readonly number[] | Tensor;

/** The x axis's name and the chart's title. */
export interface PlotOptions extends TraceOptions {
  title?: string;
}

function seriesValues(data: SeriesData, what: string): number[] {
  if (Array.isArray(data)) return data.map(Number);
  const tensor = data as Tensor;
  if (tensor.shape === undefined || tensor.shape.length !== 1) {
    throw new Error(`display.plot: ${what} must be an array of numbers or a 1-D tensor`);
  }
  return Array.from(tensor.data);
}

/** The finished trace `display.plot` shows. */
function plotTrace(xs: SeriesData, series: Record<string, SeriesData>, options: PlotOptions) {
  const x = seriesValues(xs, "xs");
  const t = new LiveTrace(options.title ?? "plot", { x: options.x ?? "x" });
  const names = Object.keys(series);
  if (names.length === 0) throw new Error("display.plot: give at least one series");
  t.steps.push(...x);
  for (const name of names) {
    const values = seriesValues(series[name], `series "${name}"`);
    if (values.length !== x.length) {
      throw new Error(
        `display.plot: series "${name}" has ${values.length} values for ${x.length} xs`,
      );
    }
    t.series.set(name, values);
  }
  t.done = true;
  return t;
}

export const display: Display = Object.assign((value: unknown): void => sink.show(value), {
  html: (html: string): void => sink.showBundle({ "text/html": html }),
  markdown: (markdown: string): void =>
    sink.showBundle({ "text/markdown": markdown, "text/plain": markdown }),
  svg: (svg: string): void => sink.showBundle({ "image/svg+xml": svg }),
  png: (png: string | Uint8Array): void => sink.showBundle({ "image/png": pngBase64(png) }),
  json: (value: unknown): void =>
    sink.showBundle({ "application/json": value, "text/plain": JSON.stringify(value, null, 2) }),
  raw: (bundle: MimeBundle): void => sink.showBundle(bundle),
  jacobian: (jacobian: Tensor, options: JacobianViewOptions = {}): void =>
    sink.show(new JacobianView(jacobian, options)),
  plot: (xs: SeriesData, series: Record<string, SeriesData>, options: PlotOptions = {}): void => {
    const t = plotTrace(xs, series, options);
    sink.show(t, t.displayId);
  },
  clear: (wait = false): void => sink.clear(wait),
});

/** Values pushed at one step: a number or a 0-d tensor per series. */
export type TraceValues = Record<string, number | Tensor>;

/** Options of a trace: what its x axis is (default "step"). */
export interface TraceOptions {
  /** The name of the x axis, e.g. "θ₀" when `push(θ₀, values)` plots against θ₀. */
  x?: string;
}

/**
 * A live gradient trace: series of numbers over steps (or any x, named by `x`), shown as a chart
 * that updates in place while the cell runs (the sink throttles the updates). The chart draws
 * y as a function of x: points in order of x (equal x in push order), whatever order they were
 * pushed in — for a curve in push order (a phase portrait), push the step and plot both series.
 */
export class LiveTrace {
  readonly steps: number[] = [];
  /** Series name → one value per step (NaN where a push did not give that series). */
  readonly series = new Map<string, number[]>();
  readonly displayId: string = freshDisplayId();
  done = false;
  /** The x axis's name ("step" unless given). */
  readonly x: string;

  constructor(
    readonly title: string,
    options: TraceOptions = {},
  ) {
    this.x = options.x ?? "step";
  }

  /** Record the values of one step and refresh the view. */
  push(step: number, values: TraceValues): this {
    const index = this.steps.length;
    this.steps.push(step);
    for (const [name, raw] of Object.entries(values)) {
      const value = typeof raw === "number" ? raw : raw.item();
      let column = this.series.get(name);
      if (!column) {
        column = new Array<number>(index).fill(NaN);
        this.series.set(name, column);
      }
      column.push(value);
    }
    for (const column of this.series.values()) if (column.length < index + 1) column.push(NaN);
    sink.update(this, this.displayId);
    return this;
  }

  /** Mark the trace finished and show its final state. */
  finish(): this {
    this.done = true;
    sink.update(this, this.displayId);
    return this;
  }
}

/**
 * Start a live trace and show it in the current cell: `const t = trace("loss")`; against
 * something other than the step: `trace("det J", { x: "θ₀" })`, then `t.push(θ₀, { det })`.
 */
export function trace(title = "trace", options: TraceOptions = {}): LiveTrace {
  const t = new LiveTrace(title, options);
  sink.show(t, t.displayId);
  return t;
}
