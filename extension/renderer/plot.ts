/**
 * What the curve and surface views share: a canvas at the device's pixel ratio, the data ↔
 * pixel mapping of a plot area, nice axis ticks, axes drawn in the theme's colours, arrows, and
 * the theme's colours read from VS Code's CSS variables (with fallbacks for a plain page).
 */
import { formatNumber } from "../../kernel/shared/format.js";

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  red: string;
  blue: string;
  green: string;
  orange: string;
  purple: string;
  yellow: string;
}

const VARIABLES: [keyof ThemeColors, string, string][] = [
  ["muted", "--vscode-descriptionForeground", "#717171"],
  ["grid", "--vscode-widget-border", "#d0d0d0"],
  ["background", "--vscode-editor-background", "#ffffff"],
  ["red", "--vscode-charts-red", "#e51400"],
  ["blue", "--vscode-charts-blue", "#1a85ff"],
  ["green", "--vscode-charts-green", "#388a34"],
  ["orange", "--vscode-charts-orange", "#d18616"],
  ["purple", "--vscode-charts-purple", "#652d90"],
  ["yellow", "--vscode-charts-yellow", "#bf8803"],
];

/** A theme colour as a CSS value (for DOM swatches; the canvas needs `themeColors`). */
export function cssColor(key: keyof ThemeColors): string {
  const entry = VARIABLES.find(([k]) => k === key);
  return entry ? `var(${entry[1]}, ${entry[2]})` : "currentColor";
}

/** The theme's colours at `element` (its text colour is the foreground). */
export function themeColors(element: HTMLElement): ThemeColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string): string =>
    style.getPropertyValue(name).trim() || fallback;
  const colors = { foreground: style.color || "#3b3b3b" } as ThemeColors;
  for (const [key, name, fallback] of VARIABLES) colors[key] = read(name, fallback);
  return colors;
}

/** Size a canvas to `width` × `height` CSS pixels at the device pixel ratio; its 2D context. */
export function sizeCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const ratio = Math.max(1, typeof window === "undefined" ? 1 : window.devicePixelRatio || 1);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d");
  context?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/** A plot area in CSS pixels and the data ranges it shows (y grows upwards). */
export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
}

export const px = (plot: Plot, x: number): number =>
  plot.left + ((x - plot.x[0]) / (plot.x[1] - plot.x[0])) * plot.width;
export const py = (plot: Plot, y: number): number =>
  plot.top + (1 - (y - plot.y[0]) / (plot.y[1] - plot.y[0])) * plot.height;
/** The data x at CSS offset `ox` (clamped to the range). */
export const dataX = (plot: Plot, ox: number): number =>
  plot.x[0] + Math.max(0, Math.min(1, (ox - plot.left) / plot.width)) * (plot.x[1] - plot.x[0]);
export const dataY = (plot: Plot, oy: number): number =>
  plot.y[0] + Math.max(0, Math.min(1, 1 - (oy - plot.top) / plot.height)) * (plot.y[1] - plot.y[0]);

/** Tick values at a 1-2-5 step, about `count` of them, inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((b) => b * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

/** The y range of some series (finite values only), padded by 6 %; [-1, 1] when none. */
export function valueRange(...series: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of series)
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (!(hi >= lo)) return [-1, 1];
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.max(Math.abs(hi), 1) * 0.5;
  return [lo - pad, hi + pad];
}

const tickText = (v: number): string => formatNumber(v, 3);

/** The frame, ticks and tick labels of a plot (and the zero lines when inside it). */
export function drawAxes(context: CanvasRenderingContext2D, plot: Plot, colors: ThemeColors): void {
  const { left, top, width, height } = plot;
  context.save();
  context.lineWidth = 1;
  context.strokeStyle = colors.grid;
  context.fillStyle = colors.muted;
  context.font = "11px var(--vscode-editor-font-family, monospace)";
  context.strokeRect(left + 0.5, top + 0.5, width, height);
  context.textAlign = "center";
  context.textBaseline = "top";
  for (const t of niceTicks(plot.x[0], plot.x[1], Math.max(2, Math.floor(width / 70)))) {
    const x = Math.round(px(plot, t)) + 0.5;
    context.beginPath();
    context.moveTo(x, top + height);
    context.lineTo(x, top + height + 4);
    context.stroke();
    context.fillText(tickText(t), x, top + height + 6);
  }
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const t of niceTicks(plot.y[0], plot.y[1], Math.max(2, Math.floor(height / 36)))) {
    const y = Math.round(py(plot, t)) + 0.5;
    context.beginPath();
    context.moveTo(left - 4, y);
    context.lineTo(left, y);
    context.stroke();
    context.fillText(tickText(t), left - 6, y);
  }
  context.setLineDash([2, 3]);
  if (plot.y[0] < 0 && plot.y[1] > 0) line(context, left, py(plot, 0), left + width, py(plot, 0));
  if (plot.x[0] < 0 && plot.x[1] > 0) line(context, px(plot, 0), top, px(plot, 0), top + height);
  context.restore();
}

export function line(
  context: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  context.beginPath();
  context.moveTo(x0, y0);
  context.lineTo(x1, y1);
  context.stroke();
}

/** An arrow from (x0, y0) to (x1, y1) in CSS pixels, its head `head` px long. */
export function arrow(
  context: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  head = 8,
): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (!(length > 0.5)) return;
  line(context, x0, y0, x1, y1);
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const size = Math.min(head, length * 0.6);
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x1 - size * Math.cos(angle - 0.45), y1 - size * Math.sin(angle - 0.45));
  context.lineTo(x1 - size * Math.cos(angle + 0.45), y1 - size * Math.sin(angle + 0.45));
  context.closePath();
  context.fill();
}

/** A filled dot with a ring in the background colour, so it shows on any curve or map. */
export function dot(
  context: CanvasRenderingContext2D,
  x: number,
  y: number,
  fill: string,
  ring: string,
  r = 5,
): void {
  context.beginPath();
  context.arc(x, y, r, 0, Math.PI * 2);
  context.fillStyle = fill;
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = ring;
  context.stroke();
}

/** Snap v to the grid min + k·step and clamp it to [min, max]. */
export function snap(v: number, min: number, max: number, step: number): number {
  const k = Math.round((v - min) / step);
  const snapped = min + k * step;
  // keep the step's decimals (0.1 + 0.2 must not show as 0.30000000000000004)
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step)) + 2));
  return Math.max(min, Math.min(max, Number(snapped.toFixed(decimals))));
}

/** A legend entry: a colour swatch and its text (the text is text, never markup). */
export function legendItem(color: string, text: string, dashed = false): HTMLElement {
  const item = document.createElement("span");
  item.className = "ct-legend-item";
  const swatch = document.createElement("span");
  swatch.className = "ct-swatch";
  swatch.style.borderTop = `2px ${dashed ? "dashed" : "solid"} ${color}`;
  item.append(swatch, document.createTextNode(text));
  return item;
}
