/**
 * Static SVG fallbacks for saved notebooks (JupyterLab, GitHub, nbconvert): a Jacobian heatmap
 * and a trace line chart. Self-contained SVG on a white background, every payload string escaped.
 */
import { decodeArray, type JacobianPayload, type TracePayload } from "../shared/payloads.js";
import {
  SERIES_COLORS,
  colorBarTicks,
  makeColorScale,
  symmetricLimit,
  toHex,
} from "../shared/colorscale.js";
import { escapeXml, formatNumber, formatShape } from "../shared/format.js";
import { derivativeName, noFiniteEntries } from "../shared/describe.js";
import { denseSource, downsample } from "./matrix.js";

/** The SVG heatmap shows at most this many cells per side (further block max-|·| beyond it). */
export const SVG_MAX_CELLS = 40;
const FAMILY = `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif"`;
const FONT = `${FAMILY} font-size="11"`;
const TITLE_FONT = `${FAMILY} font-size="13" font-weight="600"`;

function truncateLabel(label: string, max = 14): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function labelsFor(given: string[] | undefined, count: number, shown: number): string[] | null {
  if (shown !== count) return null;
  return Array.from({ length: count }, (_, i) => truncateLabel(given?.[i] ?? String(i)));
}

function colorBar(x: number, y: number, height: number, limit: number): string {
  const scale = makeColorScale(limit);
  const stops: string[] = [];
  for (let k = 0; k <= 10; k++) {
    const t = 1 - k / 10;
    stops.push(`<stop offset="${k / 10}" stop-color="${toHex(scale.rgb((t * 2 - 1) * limit))}"/>`);
  }
  const ticks = colorBarTicks(scale).map((v) => {
    const ty = y + (1 - (v / limit + 1) / 2) * height;
    return `<text x="${x + 16}" y="${ty + 4}" ${FONT}>${escapeXml(formatNumber(v, 3))}</text>`;
  });
  return [
    `<defs><linearGradient id="cbar" x1="0" y1="0" x2="0" y2="1">${stops.join("")}</linearGradient></defs>`,
    `<rect x="${x}" y="${y}" width="12" height="${height}" fill="url(#cbar)" stroke="#888" stroke-width="0.5"/>`,
    ...ticks,
  ].join("");
}

/** Column labels stand upright when each fits its cell (≈ 6.2 px per character at 11 px). */
function uprightFits(labels: readonly string[], cell: number): boolean {
  return Math.max(...labels.map((l) => l.length), 0) * 6.2 + 2 <= cell;
}

/** Column labels above the map: upright and centred, or turned to read bottom to top. */
function columnLabels(
  labels: readonly string[],
  left: number,
  top: number,
  cell: number,
  upright: boolean,
): string[] {
  return labels.map((label, j) => {
    const text = escapeXml(label);
    if (upright) {
      const x = left + j * cell + cell / 2;
      return `<text x="${x}" y="${top - 4}" text-anchor="middle" ${FONT}>${text}</text>`;
    }
    const x = left + j * cell + cell / 2 + 4;
    return `<text transform="translate(${x},${top - 4}) rotate(-90)" ${FONT}>${text}</text>`;
  });
}

/** The heatmap of a Jacobian payload as an SVG document. */
export function jacobianSvg(payload: JacobianPayload): string {
  const rows = payload.values.shape[0] ?? 0;
  const cols = payload.values.shape[1] ?? 0;
  const values = decodeArray(payload.values);
  const small = downsample(denseSource(values, rows, cols), SVG_MAX_CELLS);
  const limit =
    Number.isFinite(payload.stats.maxAbs) && payload.stats.maxAbs > 0
      ? payload.stats.maxAbs
      : symmetricLimit(small.maxAbs);
  const scale = makeColorScale(limit);
  const cell = Math.max(
    6,
    Math.min(24, Math.floor(360 / Math.max(small.gridRows, small.gridCols, 1))),
  );
  const rowLabels = payload.downsampled ? null : labelsFor(payload.outputs, rows, small.gridRows);
  const colLabels = payload.downsampled ? null : labelsFor(payload.inputs, cols, small.gridCols);
  const left = rowLabels ? 8 + 6.5 * Math.max(...rowLabels.map((l) => l.length), 1) : 12;
  const upright = colLabels !== null && uprightFits(colLabels, cell);
  const colExtent = colLabels ? 6 * Math.max(...colLabels.map((l) => l.length), 1) + 8 : 4;
  const top = (payload.title ? 24 : 8) + (upright ? 16 : colExtent);
  const width = left + small.gridCols * cell + 80;
  const mapHeight = small.gridRows * cell;
  const height = top + mapHeight + 40;
  const parts: string[] = [];
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  if (payload.title) {
    parts.push(`<text x="${left}" y="16" ${TITLE_FONT}>${escapeXml(payload.title)}</text>`);
  }
  for (let i = 0; i < small.gridRows; i++) {
    for (let j = 0; j < small.gridCols; j++) {
      const fill = toHex(scale.rgb(small.maxAbs[i * small.gridCols + j]));
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}"/>`,
      );
    }
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${small.gridCols * cell}" height="${mapHeight}" fill="none" stroke="#888" stroke-width="0.5"/>`,
  );
  rowLabels?.forEach((label, i) => {
    const y = top + i * cell + cell / 2 + 4;
    parts.push(
      `<text x="${left - 4}" y="${y}" text-anchor="end" ${FONT}>${escapeXml(label)}</text>`,
    );
  });
  if (colLabels) parts.push(...columnLabels(colLabels, left, top, cell, upright));
  parts.push(colorBar(left + small.gridCols * cell + 12, top, Math.max(mapHeight, 60), limit));
  const text = caption(payload, small.blockRows, small.blockCols);
  parts.push(
    `<text x="${left}" y="${top + Math.max(mapHeight, 60) + 16}" ${FONT}>${escapeXml(text)}</text>`,
  );
  // wide enough for the caption (≈ 6.2 px per character at 11 px)
  const w = Math.ceil(Math.max(width, left + text.length * 6.2 + 8));
  const h = Math.ceil(Math.max(height, top + 60 + 40));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join("")}</svg>`;
}

function caption(payload: JacobianPayload, svgBlockRows: number, svgBlockCols: number): string {
  const d = payload.downsampled;
  const rows = d?.fullRows ?? payload.values.shape[0] ?? 0;
  const cols = d?.fullCols ?? payload.values.shape[1] ?? 0;
  const blockRows = (d?.blockRows ?? 1) * svgBlockRows;
  const blockCols = (d?.blockCols ?? 1) * svgBlockCols;
  const shapes = `f: ${formatShape(payload.outShape)}, x: ${formatShape(payload.inShape)}`;
  const blocks =
    blockRows > 1 || blockCols > 1 ? `, blocks of ${blockRows}×${blockCols} (max |·|)` : "";
  const none = noFiniteEntries(payload.stats, rows * cols);
  const norm = none ?? `‖J‖F = ${formatNumber(payload.stats.frobenius)}`;
  return `${derivativeName(payload).symbol} ${rows}×${cols} (${shapes})${blocks}; ${norm}, nnz = ${payload.stats.nnz}`;
}

/** At most ~2·buckets points of (x, y): per bucket the min and the max (NaNs dropped). */
export function decimate(xs: Float64Array, ys: Float64Array, buckets: number): [number, number][] {
  const out: [number, number][] = [];
  const n = xs.length;
  const per = Math.max(1, Math.ceil(n / buckets));
  for (let start = 0; start < n; start += per) {
    let lo = -1;
    let hi = -1;
    for (let k = start; k < Math.min(n, start + per); k++) {
      const y = ys[k];
      if (!Number.isFinite(y)) continue;
      if (lo < 0 || y < ys[lo]) lo = k;
      if (hi < 0 || y > ys[hi]) hi = k;
    }
    if (lo < 0) continue;
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push([xs[a], ys[a]]);
    if (b !== a) out.push([xs[b], ys[b]]);
  }
  return out;
}

/** The trace's series as an SVG line chart (log y when all values are positive over >3 decades). */
export function traceSvg(payload: TracePayload): string {
  const W = 520,
    H = 260,
    L = 64,
    R = 12,
    T = 28,
    B = 36;
  const steps = decodeArray(payload.steps);
  const series = payload.series.map((s) => ({ name: s.name, values: decodeArray(s.values) }));
  let lo = Infinity,
    hi = -Infinity;
  for (const s of series)
    for (const v of s.values)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  const xLo = steps.length ? steps[0] : 0;
  const xHi = steps.length ? steps[steps.length - 1] : 1;
  const log = lo > 0 && hi / lo > 1e3;
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const ty = (v: number): number => {
    const f = log
      ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
      : (v - lo) / (hi - lo);
    return T + (1 - f) * (H - T - B);
  };
  const tx = (x: number): number => L + ((x - xLo) / (xHi - xLo || 1)) * (W - L - R);
  const parts = [`<rect width="100%" height="100%" fill="#ffffff"/>`];
  parts.push(`<text x="${L}" y="16" ${TITLE_FONT}>${escapeXml(payload.title)}</text>`);
  parts.push(
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888" stroke-width="0.5"/>`,
  );
  for (const v of [lo, hi]) {
    parts.push(
      `<text x="${L - 4}" y="${ty(v) + 4}" text-anchor="end" ${FONT}>${escapeXml(formatNumber(v, 3))}</text>`,
    );
  }
  parts.push(`<text x="${L}" y="${H - B + 14}" ${FONT}>${escapeXml(formatNumber(xLo, 6))}</text>`);
  parts.push(
    `<text x="${W - R}" y="${H - B + 14}" text-anchor="end" ${FONT}>${escapeXml(formatNumber(xHi, 6))}</text>`,
  );
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" ${FONT}>${escapeXml(payload.xLabel ?? "step")}${log ? " (log y)" : ""}</text>`,
  );
  series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const points = decimate(steps, s.values, 400).filter(([, y]) => !log || y > 0);
    const d = points.map(([x, y]) => `${tx(x).toFixed(1)},${ty(y).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    const lx = L + 8 + k * 110;
    parts.push(`<rect x="${lx}" y="${T + 6}" width="10" height="3" fill="${color}"/>`);
    parts.push(
      `<text x="${lx + 14}" y="${T + 11}" ${FONT}>${escapeXml(truncateLabel(s.name, 14))}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join("")}</svg>`;
}
