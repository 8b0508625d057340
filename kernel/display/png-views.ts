/**
 * The PNG fallbacks of the views (see png.ts): the Jacobian heatmap with its colour bar, the
 * chain's stage Jacobians side by side, the trace's lines, and the explore views' first frame
 * (curve with its tangent; contour map with gradient, eigen-directions and Newton step).
 */
import {
  decodeArray,
  type ChainPayload,
  type ExploreCurveFrame,
  type ExploreStatic,
  type ExploreSurfaceFrame,
  type JacobianPayload,
  type TracePayload,
} from "../shared/payloads.js";
import {
  SERIES_COLORS,
  interpolate,
  makeColorScale,
  symmetricLimit,
  type Rgb,
} from "../shared/colorscale.js";
import { denseSource, downsample } from "./matrix.js";
import { PNG_MAX_WIDTH, Raster, hexRgb, pngBase64 } from "./png.js";

const AXIS: Rgb = [120, 120, 120];
const INK: Rgb = [33, 33, 33];
const MAX_CELLS = 150;

/** The heatmap of a matrix into `r` at (x, y), at most `w` × `h` pixels; returns its size. */
function heatmapInto(
  r: Raster,
  payload: JacobianPayload,
  at: { x: number; y: number; w: number; h: number },
  limit?: number,
): { w: number; h: number } {
  const rows = payload.values.shape[0] ?? 0;
  const cols = payload.values.shape[1] ?? 0;
  if (rows === 0 || cols === 0) return { w: 0, h: 0 };
  const grid = downsample(denseSource(decodeArray(payload.values), rows, cols), MAX_CELLS);
  const lim = limit ?? limitOf(payload, grid.maxAbs);
  const scale = makeColorScale(lim);
  const cell = Math.max(
    1,
    Math.min(24, Math.floor(Math.min(at.w / grid.gridCols, at.h / grid.gridRows))),
  );
  for (let i = 0; i < grid.gridRows; i++) {
    for (let j = 0; j < grid.gridCols; j++) {
      r.rect(
        at.x + j * cell,
        at.y + i * cell,
        cell,
        cell,
        scale.rgb(grid.maxAbs[i * grid.gridCols + j]),
      );
    }
  }
  r.frame(at.x - 1, at.y - 1, grid.gridCols * cell + 2, grid.gridRows * cell + 2, AXIS);
  return { w: grid.gridCols * cell, h: grid.gridRows * cell };
}

function limitOf(payload: JacobianPayload, values: ArrayLike<number>): number {
  const m = payload.stats.maxAbs;
  return Number.isFinite(m) && m > 0 ? m : symmetricLimit(values);
}

function colorBarInto(r: Raster, x: number, y: number, h: number, limit: number): void {
  const scale = makeColorScale(limit);
  for (let k = 0; k < h; k++) r.rect(x, y + k, 12, 1, scale.rgb((1 - (2 * k) / (h - 1)) * limit));
  r.frame(x - 1, y - 1, 14, h + 2, AXIS);
}

/** The Jacobian heatmap as a PNG (base64), at most 600 px wide. */
export function jacobianPng(payload: JacobianPayload): string {
  const rows = payload.values.shape[0] ?? 1;
  const cols = payload.values.shape[1] ?? 1;
  const shownRows = Math.min(rows, MAX_CELLS);
  const shownCols = Math.min(cols, MAX_CELLS);
  const cell = Math.max(1, Math.min(24, Math.floor(Math.min(520 / shownCols, 400 / shownRows))));
  const w = Math.min(PNG_MAX_WIDTH, shownCols * cell + 56);
  const h = Math.max(60, shownRows * cell + 16);
  const r = new Raster(w, h);
  const size = heatmapInto(r, payload, { x: 8, y: 8, w: w - 56, h: h - 16 });
  const values = decodeArray(payload.values);
  colorBarInto(r, 8 + size.w + 16, 8, Math.max(40, size.h), limitOf(payload, values));
  return pngBase64(r);
}

/** The chain's stage Jacobians left to right (application order), as a PNG. */
export function chainPng(payload: ChainPayload): string {
  const n = Math.max(1, payload.stages.length);
  const box = Math.max(24, Math.min(160, Math.floor((PNG_MAX_WIDTH - 16 - 24 * (n - 1)) / n)));
  const w = Math.min(PNG_MAX_WIDTH, 16 + n * box + 24 * (n - 1));
  const r = new Raster(w, box + 16);
  payload.stages.forEach((stage, k) => {
    const x = 8 + k * (box + 24);
    const size = heatmapInto(r, stage.jacobian, { x, y: 8, w: box, h: box });
    if (k > 0) r.arrow(x - 20, 8 + box / 2, x - 4, 8 + box / 2, INK);
    if (size.w === 0) r.frame(x, 8, box, box, AXIS);
  });
  return pngBase64(r);
}

/** Pixel mapping of a plot area. */
interface Plot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  px: (x: number) => number;
  py: (y: number) => number;
}

function plotArea(r: Raster, xr: [number, number], yr: [number, number]): Plot {
  const pad = 10;
  const [xa, xb] = xr[0] === xr[1] ? [xr[0] - 1, xr[1] + 1] : xr;
  const [ya, yb] = yr[0] === yr[1] ? [yr[0] - 1, yr[1] + 1] : yr;
  const x0 = pad;
  const x1 = r.width - pad;
  const y0 = pad;
  const y1 = r.height - pad;
  r.frame(x0, y0, x1 - x0, y1 - y0, AXIS);
  return {
    x0,
    x1,
    y0,
    y1,
    px: (x) => x0 + ((x - xa) / (xb - xa)) * (x1 - x0),
    py: (y) => y1 - ((y - ya) / (yb - ya)) * (y1 - y0),
  };
}

function finiteRange(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (Number.isFinite(a[i])) [lo, hi] = [Math.min(lo, a[i]), Math.max(hi, a[i])];
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

function polyline(
  r: Raster,
  p: Plot,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  rgb: Rgb,
): void {
  for (let i = 1; i < xs.length; i++)
    r.line(p.px(xs[i - 1]), p.py(ys[i - 1]), p.px(xs[i]), p.py(ys[i]), rgb, 2);
}

/** The trace's series over steps, as a PNG. */
export function tracePng(payload: TracePayload): string {
  const r = new Raster(PNG_MAX_WIDTH, 260);
  const steps = decodeArray(payload.steps);
  const series = payload.series.map((s) => decodeArray(s.values));
  const p = plotArea(r, finiteRange(steps), finiteRange(...series));
  series.forEach((values, k) =>
    polyline(r, p, steps, values, hexRgb(SERIES_COLORS[k % SERIES_COLORS.length])),
  );
  return pngBase64(r);
}

/** The curve view's first frame: f over the domain, the point and its tangent line. */
export function curvePng(
  data: Extract<ExploreStatic, { kind: "curve" }>,
  frame: ExploreCurveFrame,
): string {
  const r = new Raster(PNG_MAX_WIDTH, 300);
  const xs = decodeArray(data.xs);
  const f = decodeArray(data.f);
  const p = plotArea(r, data.domain, finiteRange(f));
  const [lo, hi] = finiteRange(f);
  if (lo < 0 && hi > 0) r.line(p.x0, p.py(0), p.x1, p.py(0), [210, 210, 210]);
  polyline(r, p, xs, f, hexRgb(SERIES_COLORS[0]));
  const x = frame.x[0];
  const tangent = (t: number): number => frame.value + frame.slope * (t - x);
  const [a, b] = data.domain;
  const clip = (t: number): number => Math.max(p.y0, Math.min(p.y1, p.py(tangent(t))));
  r.line(p.px(a), clip(a), p.px(b), clip(b), hexRgb(SERIES_COLORS[1]), 1);
  r.disc(p.px(x), p.py(frame.value), 4, INK);
  return pngBase64(r);
}

/** Colour of each grid value by its quantile band (so steep functions keep their shape). */
function bands(values: Float64Array, count: number): Int32Array {
  const sorted = Array.from(values)
    .filter(Number.isFinite)
    .sort((u, v) => u - v);
  const edges = Array.from(
    { length: count - 1 },
    (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / count)] ?? 0,
  );
  return Int32Array.from(values, (v) => {
    if (!Number.isFinite(v)) return -1;
    let band = 0;
    while (band < edges.length && v > edges[band]) band++;
    return band;
  });
}

/** The surface view's first frame: contour bands, the path, the point and its directions. */
export function surfacePng(
  data: Extract<ExploreStatic, { kind: "surface" }>,
  frame: ExploreSurfaceFrame,
): string {
  const side = 400;
  const r = new Raster(side, side);
  const nx = data.xs.shape[0] ?? 1;
  const ny = data.ys.shape[0] ?? 1;
  const band = bands(decodeArray(data.values), 14);
  const p = plotArea(r, data.domain[0], data.domain[1]);
  const w = p.x1 - p.x0 - 2;
  const h = p.y1 - p.y0 - 2;
  const at = new Int32Array(w * h); // the band of each pixel (nearest grid point)
  for (let py = 0; py < h; py++) {
    const j = Math.min(ny - 1, Math.round(((h - 1 - py) / (h - 1)) * (ny - 1)));
    for (let px = 0; px < w; px++) {
      at[py * w + px] = band[j * nx + Math.min(nx - 1, Math.round((px / (w - 1)) * (nx - 1)))];
    }
  }
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const b = at[py * w + px];
      const edge =
        (px + 1 < w && at[py * w + px + 1] !== b) || (py + 1 < h && at[(py + 1) * w + px] !== b);
      const rgb: Rgb =
        b < 0 ? [160, 60, 200] : edge ? [90, 90, 90] : interpolate((b / 13) * 1.6 - 0.8);
      r.set(p.x0 + 1 + px, p.y0 + 1 + py, rgb);
    }
  }
  const path = data.path ?? [];
  for (let k = 1; k < path.length; k++) {
    r.line(p.px(path[k - 1][0]), p.py(path[k - 1][1]), p.px(path[k][0]), p.py(path[k][1]), INK, 1);
  }
  surfaceMarks(r, p, data.domain, frame);
  return pngBase64(r);
}

function surfaceMarks(
  r: Raster,
  p: Plot,
  domain: [[number, number], [number, number]],
  frame: ExploreSurfaceFrame,
): void {
  const [x, y] = frame.x;
  const reach = 0.15 * Math.min(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]);
  const arrow = (v: [number, number], scale: number, rgb: Rgb): void => {
    const len = Math.hypot(v[0], v[1]);
    if (!(len > 0) || !Number.isFinite(len)) return;
    const k = (reach * scale) / len;
    r.arrow(p.px(x), p.py(y), p.px(x + v[0] * k), p.py(y + v[1] * k), rgb);
  };
  arrow(frame.grad, 1, [200, 30, 30]);
  const top = Math.max(...frame.eigen.values.map(Math.abs)) || 1;
  frame.eigen.vectors.forEach((v, k) =>
    arrow(v, Math.max(0.15, Math.abs(frame.eigen.values[k]) / top), [30, 30, 30]),
  );
  if (frame.newton)
    r.arrow(p.px(x), p.py(y), p.px(x + frame.newton[0]), p.py(y + frame.newton[1]), [20, 120, 40]);
  r.disc(p.px(x), p.py(y), 4, INK);
}
