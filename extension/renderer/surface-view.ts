/**
 * The surface explorer of f: ℝ² → ℝ: a contour map of the grid computed once (filled by level,
 * with contour lines), the point the user drags or moves with the arrow keys, the gradient
 * arrow, the Hessian's eigen-directions scaled by their eigenvalues, the Newton step, and an
 * optional path on top; axes, a legend and hover read-outs, in the theme's colours.
 */
import { formatNumber } from "../../kernel/shared/format.js";
import {
  decodeArray,
  type ExploreInput,
  type ExploreStatic,
  type ExploreSurfaceFrame,
} from "../../kernel/shared/payloads.js";
import { bilinear, contourSegments, levelPosition, quantileLevels, rampColor } from "./contour.js";
import { el } from "./dom.js";
import { inputFor, type FrameView, type MoveHandler } from "./frame-view.js";
import {
  arrow,
  cssColor,
  dataX,
  dataY,
  dot,
  drawAxes,
  legendItem,
  line,
  px,
  py,
  sizeCanvas,
  snap,
  themeColors,
  type Plot,
  type ThemeColors,
} from "./plot.js";

type SurfaceStatic = Extract<ExploreStatic, { kind: "surface" }>;

const MAP_WIDTH = 440;
const MARGIN = { left: 52, right: 12, top: 10, bottom: 26 };
const LEVELS = 14;
/** The gradient arrow and the larger eigen-direction are drawn this many CSS pixels long. */
const ARROW_PX = 70;
const EIGEN_PX = 46;

const n4 = (v: number): string => formatNumber(v, 4);
const pair = (v: readonly number[]): string => `(${v.map(n4).join(", ")})`;

/** The read-out of a frame: the point, f, ∇f, the eigenvalues and the Newton step. */
export function surfaceReadout(frame: ExploreSurfaceFrame): string {
  const newton = frame.newton ? pair(frame.newton) : "none (H is singular)";
  return `x = ${pair(frame.x)}   f = ${n4(frame.value)}   ∇f = ${pair(frame.grad)}   λ(H) = ${frame.eigen.values.map(n4).join(", ")}   Newton step = ${newton}`;
}

interface Grid {
  xs: Float64Array;
  ys: Float64Array;
  values: Float64Array;
  levels: number[];
}

class SurfaceView implements FrameView<ExploreSurfaceFrame> {
  readonly element = el("div", { class: "ct-surface" });
  private readonly canvas = el("canvas", {
    class: "ct-focusable ct-plot",
    tabindex: 0,
    role: "img",
  });
  private readonly readoutLine = el("div", { class: "ct-readout", "aria-live": "polite" });
  private readonly hoverLine = el(
    "div",
    { class: "ct-readout ct-muted" },
    "Hover the map to read f.",
  );
  private readonly grid: Grid;
  private readonly plotArea: Plot;
  private readonly inputs: [ExploreInput, ExploreInput];
  private background: HTMLCanvasElement | null = null;
  private enabled = true;
  private dragging = false;
  private path: [number, number][] | undefined;
  private lastFrame: ExploreSurfaceFrame | undefined;

  constructor(
    private readonly data: SurfaceStatic,
    inputs: readonly ExploreInput[],
    private readonly onMove: MoveHandler,
    private readonly position: () => readonly number[],
  ) {
    this.path = data.path;
    const values = decodeArray(data.values);
    this.grid = {
      xs: decodeArray(data.xs),
      ys: decodeArray(data.ys),
      values,
      levels: quantileLevels(values, LEVELS),
    };
    const [[x0, x1], [y0, y1]] = data.domain;
    const aspect = Math.max(0.5, Math.min(1.4, (y1 - y0) / (x1 - x0)));
    this.plotArea = {
      left: MARGIN.left,
      top: MARGIN.top,
      width: MAP_WIDTH,
      height: Math.round(MAP_WIDTH * aspect),
      x: [x0, x1],
      y: [y0, y1],
    };
    const fallback = (k: number, [lo, hi]: [number, number]): ExploreInput =>
      inputFor(inputs, k) ?? {
        index: k,
        label: k === 0 ? "x" : "y",
        min: lo,
        max: hi,
        step: (hi - lo) / 200,
      };
    this.inputs = [fallback(0, [x0, x1]), fallback(1, [y0, y1])];
    const [a, b] = this.inputs;
    this.canvas.setAttribute(
      "aria-label",
      `contour map of f over ${a.label} and ${b.label}; the arrow keys move the point`,
    );
    this.element.append(this.legend(), this.canvas, this.readoutLine, this.hoverLine);
    this.attachEvents();
  }

  private legend(): HTMLElement {
    return el(
      "div",
      { class: "ct-legend" },
      legendItem(cssColor("red"), "∇f (direction)"),
      legendItem(cssColor("blue"), "Newton step −H⁻¹∇f"),
      legendItem(cssColor("green"), "eigen-directions of H, λ > 0"),
      legendItem(cssColor("orange"), "λ < 0", true),
      ...(this.data.path || this.data.pathTrace !== undefined
        ? [legendItem("currentColor", "path", true)]
        : []),
    );
  }

  /** The contour fill and lines, drawn once into an offscreen canvas of the map's size. */
  private backgroundCanvas(): HTMLCanvasElement {
    if (this.background) return this.background;
    const { xs, ys, values, levels } = this.grid;
    const nx = xs.length;
    const ny = ys.length;
    const cells = el("canvas", { width: nx, height: ny });
    const cellContext = cells.getContext("2d");
    if (cellContext) {
      const image = cellContext.createImageData(nx, ny);
      for (let i = 0; i < ny; i++)
        for (let j = 0; j < nx; j++) {
          const [r, g, b] = rampColor(levelPosition(levels, values[i * nx + j]));
          const k = ((ny - 1 - i) * nx + j) * 4; // row 0 is the lowest y: drawn at the bottom
          image.data.set([r, g, b, 255], k);
        }
      cellContext.putImageData(image, 0, 0);
    }
    const { width, height } = this.plotArea;
    const background = el("canvas");
    const context = sizeCanvas(background, width, height);
    if (context) {
      context.imageSmoothingEnabled = true;
      context.drawImage(cells, 0, 0, width, height);
      context.strokeStyle = "rgba(255,255,255,0.45)";
      context.lineWidth = 0.8;
      const sx = width / (nx - 1);
      const sy = height / (ny - 1);
      context.beginPath();
      for (const level of levels) {
        const s = contourSegments(values, nx, ny, level);
        for (let k = 0; k < s.length; k += 4) {
          context.moveTo(s[k] * sx, height - s[k + 1] * sy);
          context.lineTo(s[k + 2] * sx, height - s[k + 3] * sy);
        }
      }
      context.stroke();
    }
    this.background = background;
    return background;
  }

  /** The live trace given as the path grew: draw its points over the last frame. */
  setPath(path: [number, number][]): void {
    this.path = path;
    this.element.dataset["pathPoints"] = String(path.length);
    if (this.lastFrame) this.draw(this.lastFrame);
  }

  draw(frame: ExploreSurfaceFrame): void {
    this.lastFrame = frame;
    this.element.dataset["x"] = JSON.stringify(frame.x);
    this.readoutLine.textContent = surfaceReadout(frame);
    const plot = this.plotArea;
    const context = sizeCanvas(
      this.canvas,
      plot.left + plot.width + MARGIN.right,
      plot.top + plot.height + MARGIN.bottom,
    );
    if (!context) return;
    const colors = themeColors(this.element);
    context.drawImage(this.backgroundCanvas(), plot.left, plot.top, plot.width, plot.height);
    drawAxes(context, plot, colors);
    context.save();
    context.beginPath();
    context.rect(plot.left, plot.top, plot.width, plot.height);
    context.clip();
    this.drawPath(context, colors);
    this.drawOverlays(context, frame, colors);
    context.restore();
  }

  private drawPath(context: CanvasRenderingContext2D, colors: ThemeColors): void {
    const path = this.path;
    if (!path || path.length === 0) return;
    const plot = this.plotArea;
    const trace = (): void => {
      context.beginPath();
      path.forEach(([x, y], k) => {
        if (k === 0) context.moveTo(px(plot, x), py(plot, y));
        else context.lineTo(px(plot, x), py(plot, y));
      });
      context.stroke();
    };
    // a halo in the background colour keeps the path visible on dark and bright levels alike
    context.strokeStyle = colors.background;
    context.lineWidth = 4;
    trace();
    context.strokeStyle = colors.foreground;
    context.lineWidth = 1.5;
    context.setLineDash([4, 3]);
    trace();
    context.setLineDash([]);
    context.fillStyle = colors.foreground;
    for (const [x, y] of path) context.fillRect(px(plot, x) - 1.5, py(plot, y) - 1.5, 3, 3);
  }

  private drawOverlays(
    context: CanvasRenderingContext2D,
    frame: ExploreSurfaceFrame,
    colors: ThemeColors,
  ): void {
    const plot = this.plotArea;
    const [x, y] = frame.x as [number, number];
    const cx = px(plot, x);
    const cy = py(plot, y);
    // eigen-directions: half-length ∝ |λ| (the larger one EIGEN_PX), dashed when λ < 0
    const largest = Math.max(...frame.eigen.values.map(Math.abs));
    frame.eigen.values.forEach((lambda, k) => {
      const [u, v] = frame.eigen.vectors[k];
      // a small but nonzero eigenvalue still shows its direction beyond the dot (at least 10 px)
      const half =
        largest > 0 && lambda !== 0 ? Math.max(10, (Math.abs(lambda) / largest) * EIGEN_PX) : 0;
      context.strokeStyle = lambda >= 0 ? colors.green : colors.orange;
      context.lineWidth = 2.5;
      context.setLineDash(lambda >= 0 ? [] : [5, 3]);
      line(context, cx - u * half, cy + v * half, cx + u * half, cy - v * half);
    });
    context.setLineDash([]);
    // the Newton step, in the map's own units
    if (frame.newton) {
      context.strokeStyle = colors.blue;
      context.fillStyle = colors.blue;
      context.lineWidth = 2;
      arrow(context, cx, cy, px(plot, x + frame.newton[0]), py(plot, y + frame.newton[1]));
    }
    // the gradient's direction, a fixed length (its size is in the read-out)
    const norm = Math.hypot(frame.grad[0], frame.grad[1]);
    if (norm > 0 && Number.isFinite(norm)) {
      const sx = plot.width / (plot.x[1] - plot.x[0]);
      const sy = plot.height / (plot.y[1] - plot.y[0]);
      const gx = frame.grad[0] * sx;
      const gy = frame.grad[1] * sy;
      const scale = ARROW_PX / Math.hypot(gx, gy);
      context.strokeStyle = colors.red;
      context.fillStyle = colors.red;
      context.lineWidth = 2;
      arrow(context, cx, cy, cx + gx * scale, cy - gy * scale);
    }
    dot(context, cx, cy, colors.foreground, colors.background);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.canvas.classList.toggle("ct-disabled", !enabled);
  }

  private moveTo(x: number, y: number, final: boolean): void {
    const [a, b] = this.inputs;
    this.onMove([snap(x, a.min, a.max, a.step), snap(y, b.min, b.max, b.step)], final);
  }

  private fromEvent(event: MouseEvent): [number, number] {
    return [dataX(this.plotArea, event.offsetX), dataY(this.plotArea, event.offsetY)];
  }

  private hover(event: MouseEvent): void {
    const [x, y] = this.fromEvent(event);
    const { xs, ys, values } = this.grid;
    const col = ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1);
    const row = ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1);
    const v = bilinear(values, xs.length, ys.length, col, row);
    this.hoverLine.textContent = `at ${pair([x, y])}: f ≈ ${n4(v)}`;
  }

  private attachEvents(): void {
    const { canvas } = this;
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.enabled || event.button !== 0) return;
      this.dragging = true;
      canvas.setPointerCapture?.(event.pointerId);
      this.moveTo(...this.fromEvent(event), false);
    });
    canvas.addEventListener("pointermove", (event) => {
      this.hover(event);
      if (this.dragging) this.moveTo(...this.fromEvent(event), false);
    });
    const end = (event: PointerEvent): void => {
      if (!this.dragging) return;
      this.dragging = false;
      this.moveTo(...this.fromEvent(event), true);
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("keydown", (event) => {
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [-1, 0],
        ArrowRight: [1, 0],
        ArrowUp: [0, 1],
        ArrowDown: [0, -1],
      };
      const move = moves[event.key];
      if (!move || !this.enabled) return;
      event.preventDefault();
      const [x, y] = this.position() as [number, number];
      const times = event.shiftKey ? 10 : 1;
      this.moveTo(
        x + move[0] * this.inputs[0].step * times,
        y + move[1] * this.inputs[1].step * times,
        true,
      );
    });
  }
}

/** The surface view, its point moved through `onMove`; `position` gives the latest point. */
export function createSurfaceView(
  data: SurfaceStatic,
  inputs: readonly ExploreInput[],
  first: ExploreSurfaceFrame,
  onMove: MoveHandler,
  position: () => readonly number[],
): FrameView<ExploreSurfaceFrame> {
  const view = new SurfaceView(data, inputs, onMove, position);
  view.draw(first);
  return view;
}
