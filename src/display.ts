/**
 * `display` and `trace`: how runtime values ask to be shown. The runtime only describes what to
 * show; a host (the notebook kernel) installs a sink with `setDisplaySink` and turns the requests
 * into MIME bundles. Without a host, a plain-text sink prints to the console, so scripts that call
 * `display` still run under Node or in a browser.
 */
import type { Tensor } from "./tensor/tensor.js";

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
    readonly jacobian: Tensor,
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
  /** Clear the cell's output; with `wait`, only when the next output arrives. */
  clear(wait?: boolean): void;
}

function pngBase64(png: string | Uint8Array): string {
  if (typeof png === "string") return png;
  let binary = "";
  for (let i = 0; i < png.length; i++) binary += String.fromCharCode(png[i]);
  return btoa(binary);
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
  clear: (wait = false): void => sink.clear(wait),
});

/** Values pushed at one step: a number or a 0-d tensor per series. */
export type TraceValues = Record<string, number | Tensor>;

/**
 * A live gradient trace: series of numbers over steps, shown as a chart that updates in place
 * while the cell runs (the sink throttles the updates).
 */
export class LiveTrace {
  readonly steps: number[] = [];
  /** Series name → one value per step (NaN where a push did not give that series). */
  readonly series = new Map<string, number[]>();
  readonly displayId: string = freshDisplayId();
  done = false;

  constructor(readonly title: string) {}

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

/** Start a live trace and show it in the current cell: `const t = trace("loss")`. */
export function trace(title = "trace"): LiveTrace {
  const t = new LiveTrace(title);
  sink.show(t, t.displayId);
  return t;
}
