/**
 * The diverging colour scale of every Jacobian picture (the kernel's SVG fallback and the
 * renderer's canvas): centred at 0, symmetric limits ±L, blue for negative, red for positive,
 * near-white for 0. Modes: linear, log-magnitude (sign kept, |v| on a log axis spanning
 * `LOG_DECADES` decades below L), and sparsity (exact zeros vs. any nonzero). Pure functions.
 */

export type ColorMode = "linear" | "log" | "sparsity";
export type Rgb = readonly [number, number, number];

/** ColorBrewer RdBu, from -1 (dark blue) through 0 (near-white) to +1 (dark red). */
const STOPS: readonly Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** Colour of NaN / ±∞ entries (never on the diverging ramp). */
export const NAN_COLOR: Rgb = [160, 60, 200];
/** Sparsity mode: exact zero and nonzero. */
export const ZERO_COLOR: Rgb = [247, 247, 247];
export const NONZERO_COLOR: Rgb = [33, 33, 33];
/** The log mode shows this many decades of magnitude below the limit. */
export const LOG_DECADES = 6;

const LUT_SIZE = 1024;
/** Packed RGB lookup table over t ∈ [-1, 1], LUT_SIZE + 1 entries. */
const LUT: Uint8Array = (() => {
  const lut = new Uint8Array((LUT_SIZE + 1) * 3);
  for (let i = 0; i <= LUT_SIZE; i++) {
    const [r, g, b] = interpolate((i / LUT_SIZE) * 2 - 1);
    lut[i * 3] = r;
    lut[i * 3 + 1] = g;
    lut[i * 3 + 2] = b;
  }
  return lut;
})();

/** The ramp colour at t ∈ [-1, 1] (clamped), linearly interpolated between the stops. */
export function interpolate(t: number): Rgb {
  const clamped = Math.max(-1, Math.min(1, t));
  const position = ((clamped + 1) / 2) * (STOPS.length - 1);
  const lower = Math.min(Math.floor(position), STOPS.length - 2);
  const f = position - lower;
  const a = STOPS[lower];
  const b = STOPS[lower + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** The symmetric limit L = max |v| over finite values; 1 when all are zero or none is finite. */
export function symmetricLimit(values: ArrayLike<number>): number {
  let limit = 0;
  for (let i = 0; i < values.length; i++) {
    const m = Math.abs(values[i]);
    if (m > limit && Number.isFinite(m)) limit = m;
  }
  return limit > 0 ? limit : 1;
}

export interface ColorScale {
  readonly mode: ColorMode;
  /** Values map to ±1 at ±limit. */
  readonly limit: number;
  /** Position of v on the ramp, in [-1, 1] (NaN for non-finite v). */
  unit(v: number): number;
  /** Colour of v. */
  rgb(v: number): Rgb;
  /** Write v's colour as RGBA (opaque) into `out` at `offset` (for ImageData). */
  write(out: Uint8ClampedArray | Uint8Array, offset: number, v: number): void;
}

/** A colour scale with symmetric limits ±limit (limit > 0) in the given mode. */
export function makeColorScale(limit: number, mode: ColorMode = "linear"): ColorScale {
  if (!(limit > 0) || !Number.isFinite(limit)) {
    throw new Error(`makeColorScale: the limit must be a positive finite number, got ${limit}`);
  }
  const logTop = Math.log10(limit);
  const logFloor = logTop - LOG_DECADES;
  const unit = (v: number): number => {
    if (!Number.isFinite(v)) return NaN;
    if (mode === "sparsity") return v === 0 ? 0 : Math.sign(v);
    if (mode === "linear") return Math.max(-1, Math.min(1, v / limit));
    if (v === 0) return 0;
    // log-magnitude: |v| = limit → 1, |v| ≤ limit·10^-LOG_DECADES → 0, sign kept
    const m = (Math.log10(Math.abs(v)) - logFloor) / LOG_DECADES;
    return Math.sign(v) * Math.max(0, Math.min(1, m));
  };
  const write = (out: Uint8ClampedArray | Uint8Array, offset: number, v: number): void => {
    let r: number, g: number, b: number;
    if (!Number.isFinite(v)) [r, g, b] = NAN_COLOR;
    else if (mode === "sparsity") [r, g, b] = v === 0 ? ZERO_COLOR : NONZERO_COLOR;
    else {
      const i = Math.round(((unit(v) + 1) / 2) * LUT_SIZE) * 3;
      r = LUT[i]!;
      g = LUT[i + 1]!;
      b = LUT[i + 2]!;
    }
    out[offset] = r;
    out[offset + 1] = g;
    out[offset + 2] = b;
    out[offset + 3] = 255;
  };
  const rgb = (v: number): Rgb => {
    const out = new Uint8Array(4);
    write(out, 0, v);
    return [out[0], out[1], out[2]];
  };
  return { mode, limit, unit, rgb, write };
}

/** "#rrggbb" of an RGB triple. */
export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** Tick values for a colour bar of the scale: -L … 0 … L (log mode: ±L, ±L·10^-k, 0). */
export function colorBarTicks(scale: ColorScale): number[] {
  const L = scale.limit;
  if (scale.mode === "sparsity") return [];
  if (scale.mode === "linear") return [-L, -L / 2, 0, L / 2, L];
  const half = L * 10 ** -(LOG_DECADES / 2);
  return [-L, -half, 0, half, L];
}

/** Line colours of trace series, in order (the live chart and the SVG fallback agree). */
export const SERIES_COLORS: readonly string[] = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
];
