/**
 * The curve explorer of f: ℝ → ℝ: f over its domain (computed once), the point (x, f(x)) the
 * user drags or moves with the arrow keys, the tangent line at x with slope f′(x), and f′ and f″
 * as curves on toggles; axes and a hover read-out. Drawn on a canvas in the theme's colours.
 */
import { formatNumber } from "../../kernel/shared/format.js";
import {
  decodeArray,
  type ExploreCurveFrame,
  type ExploreInput,
  type ExploreStatic,
} from "../../kernel/shared/payloads.js";
import { el, toggle } from "./dom.js";
import { inputFor, type FrameView, type MoveHandler } from "./frame-view.js";
import {
  cssColor,
  dataX,
  dot,
  drawAxes,
  legendItem,
  line,
  px,
  py,
  sizeCanvas,
  snap,
  themeColors,
  valueRange,
  type Plot,
} from "./plot.js";

type CurveStatic = Extract<ExploreStatic, { kind: "curve" }>;

const WIDTH = 600;
const HEIGHT = 300;
const MARGIN = { left: 58, right: 12, top: 10, bottom: 26 };

interface Curves {
  xs: Float64Array;
  f: Float64Array;
  df: Float64Array;
  d2f: Float64Array;
}

const n4 = (v: number): string => formatNumber(v, 4);

/** The sample of `xs` nearest to x (xs ascending). */
export function nearestSample(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
}

/** The read-out of a frame: x, f(x), f′(x), f″(x). */
export function curveReadout(frame: ExploreCurveFrame, label: string): string {
  return `${label} = ${n4(frame.x[0] ?? NaN)}   f = ${n4(frame.value)}   f′ = ${n4(frame.slope)}   f″ = ${n4(frame.second)}`;
}

class CurveView implements FrameView<ExploreCurveFrame> {
  readonly element = el("div", { class: "ct-curve" });
  private readonly canvas = el("canvas", {
    class: "ct-focusable ct-plot",
    tabindex: 0,
    role: "img",
  });
  private readonly readoutLine = el("div", { class: "ct-readout", "aria-live": "polite" });
  private readonly hoverLine = el(
    "div",
    { class: "ct-readout ct-muted" },
    "Hover the plot to read f, f′ and f″.",
  );
  private readonly curves: Curves;
  private readonly input: ExploreInput;
  private readonly label: string;
  private show = { df: true, d2f: false };
  private frame: ExploreCurveFrame;
  private enabled = true;
  private dragging = false;

  constructor(
    data: CurveStatic,
    inputs: readonly ExploreInput[],
    first: ExploreCurveFrame,
    private readonly onMove: MoveHandler,
    private readonly position: () => readonly number[],
  ) {
    this.curves = {
      xs: decodeArray(data.xs),
      f: decodeArray(data.f),
      df: decodeArray(data.df),
      d2f: decodeArray(data.d2f),
    };
    const [lo, hi] = data.domain;
    this.input = inputFor(inputs, 0) ?? {
      index: 0,
      label: "x",
      min: lo,
      max: hi,
      step: (hi - lo) / 200,
    };
    this.label = this.input.label;
    this.frame = first;
    this.canvas.setAttribute(
      "aria-label",
      `f over [${n4(lo)}, ${n4(hi)}]; the arrow keys move ${this.label}`,
    );
    const toolbar = el(
      "div",
      { class: "ct-toolbar", role: "toolbar", "aria-label": "Curve view controls" },
      toggle("f′", true, (on) => this.toggle("df", on), {
        "data-toggle": "df",
        title: "Show f′ as a curve",
      }),
      toggle("f″", false, (on) => this.toggle("d2f", on), {
        "data-toggle": "d2f",
        title: "Show f″ as a curve",
      }),
      el("span", { class: "ct-sep" }),
      this.legend(),
    );
    this.element.append(toolbar, this.canvas, this.readoutLine, this.hoverLine);
    this.attachEvents();
  }

  private legend(): HTMLElement {
    return el(
      "span",
      { class: "ct-legend" },
      legendItem(cssColor("blue"), "f"),
      legendItem(cssColor("red"), `tangent at ${this.label}`),
      legendItem(cssColor("orange"), "f′", true),
      legendItem(cssColor("purple"), "f″", true),
    );
  }

  private toggle(curve: "df" | "d2f", on: boolean): void {
    this.show = { ...this.show, [curve]: on };
    this.draw(this.frame);
  }

  private plot(): Plot {
    const { xs, f, df, d2f } = this.curves;
    const shown = [f, ...(this.show.df ? [df] : []), ...(this.show.d2f ? [d2f] : [])];
    return {
      left: MARGIN.left,
      top: MARGIN.top,
      width: WIDTH - MARGIN.left - MARGIN.right,
      height: HEIGHT - MARGIN.top - MARGIN.bottom,
      x: [xs[0] ?? 0, xs[xs.length - 1] ?? 1],
      y: valueRange(...shown, [this.frame.value]),
    };
  }

  draw(frame: ExploreCurveFrame): void {
    this.frame = frame;
    this.element.dataset["x"] = JSON.stringify(frame.x);
    this.readoutLine.textContent = curveReadout(frame, this.label);
    const context = sizeCanvas(this.canvas, WIDTH, HEIGHT);
    if (!context) return;
    const colors = themeColors(this.element);
    const plot = this.plot();
    drawAxes(context, plot, colors);
    context.save();
    context.beginPath();
    context.rect(plot.left, plot.top, plot.width, plot.height);
    context.clip();
    if (this.show.d2f) this.series(context, plot, this.curves.d2f, colors.purple, true);
    if (this.show.df) this.series(context, plot, this.curves.df, colors.orange, true);
    this.series(context, plot, this.curves.f, colors.blue, false);
    const x = frame.x[0] ?? NaN;
    if (Number.isFinite(frame.value) && Number.isFinite(frame.slope)) {
      const [x0, x1] = plot.x;
      context.strokeStyle = colors.red;
      context.lineWidth = 1.5;
      const at = (t: number): number => py(plot, frame.value + frame.slope * (t - x));
      line(context, px(plot, x0), at(x0), px(plot, x1), at(x1));
    }
    context.restore();
    if (Number.isFinite(frame.value))
      dot(context, px(plot, x), py(plot, frame.value), colors.red, colors.background);
  }

  private series(
    context: CanvasRenderingContext2D,
    plot: Plot,
    values: Float64Array,
    color: string,
    dashed: boolean,
  ): void {
    const { xs } = this.curves;
    context.strokeStyle = color;
    context.lineWidth = dashed ? 1.25 : 2;
    context.setLineDash(dashed ? [5, 3] : []);
    context.beginPath();
    let open = false;
    for (let k = 0; k < xs.length; k++) {
      const v = values[k];
      if (!Number.isFinite(v)) {
        open = false;
        continue;
      }
      if (open) context.lineTo(px(plot, xs[k]), py(plot, v));
      else context.moveTo(px(plot, xs[k]), py(plot, v));
      open = true;
    }
    context.stroke();
    context.setLineDash([]);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.canvas.classList.toggle("ct-disabled", !enabled);
  }

  private moveTo(x: number, final: boolean): void {
    const { min, max, step } = this.input;
    this.onMove([snap(x, min, max, step)], final);
  }

  private hover(offsetX: number): void {
    const { xs, f, df, d2f } = this.curves;
    const k = nearestSample(xs, dataX(this.plot(), offsetX));
    this.hoverLine.textContent = `at ${this.label} = ${n4(xs[k])}: f = ${n4(f[k])}, f′ = ${n4(df[k])}, f″ = ${n4(d2f[k])}`;
  }

  private attachEvents(): void {
    const { canvas } = this;
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.enabled || event.button !== 0) return;
      this.dragging = true;
      canvas.setPointerCapture?.(event.pointerId);
      this.moveTo(dataX(this.plot(), event.offsetX), false);
    });
    canvas.addEventListener("pointermove", (event) => {
      this.hover(event.offsetX);
      if (this.dragging) this.moveTo(dataX(this.plot(), event.offsetX), false);
    });
    const end = (event: PointerEvent): void => {
      if (!this.dragging) return;
      this.dragging = false;
      this.moveTo(dataX(this.plot(), event.offsetX), true);
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("keydown", (event) => {
      const direction = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (direction === 0 || !this.enabled) return;
      event.preventDefault();
      const step = this.input.step * (event.shiftKey ? 10 : 1);
      this.moveTo((this.position()[0] ?? 0) + direction * step, true);
    });
  }
}

/** The curve view, its point moved through `onMove`; `position` gives the latest point moved to. */
export function createCurveView(
  data: CurveStatic,
  inputs: readonly ExploreInput[],
  first: ExploreCurveFrame,
  onMove: MoveHandler,
  position: () => readonly number[],
): FrameView<ExploreCurveFrame> {
  const view = new CurveView(data, inputs, first, onMove, position);
  view.draw(first);
  return view;
}
