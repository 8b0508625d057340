/**
 * The contour map's pure parts: levels at quantiles of the grid's values (so a function that
 * spans decades, like Rosenbrock's, still shows its valley), the fill colour of each grid value
 * by its rank among the levels, contour lines by marching squares, and bilinear read-out.
 */

/** `count` levels at evenly spaced quantiles of the finite values, ascending, distinct. */
export function quantileLevels(values: ArrayLike<number>, count: number): number[] {
  const sorted = Array.from(values)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const levels: number[] = [];
  for (let k = 1; k <= count; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((k / (count + 1)) * sorted.length))];
    if (levels.length === 0 || v > levels[levels.length - 1]) levels.push(v);
  }
  return levels;
}

/** Where v falls among the levels, in [0, 1] (interpolated between neighbouring levels). */
export function levelPosition(levels: readonly number[], v: number): number {
  const n = levels.length;
  if (n === 0 || !Number.isFinite(v)) return NaN;
  if (v <= levels[0]) return 0;
  if (v >= levels[n - 1]) return 1;
  let k = 0;
  while (v > levels[k + 1]) k++;
  const a = levels[k];
  const b = levels[k + 1];
  return (k + (v - a) / (b - a)) / (n - 1);
}

/** A sequential ramp (viridis stops), t ∈ [0, 1]. */
const RAMP: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

export function rampColor(t: number): [number, number, number] {
  if (!Number.isFinite(t)) return [160, 60, 200];
  const position = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const k = Math.min(Math.floor(position), RAMP.length - 2);
  const f = position - k;
  const a = RAMP[k];
  const b = RAMP[k + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/**
 * Contour segments of `values` (ny rows × nx columns, row = y) at `level`, in grid coordinates
 * (column, row), as a flat list x0, y0, x1, y1, … (marching squares, saddles split by the mean).
 */
export function contourSegments(
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  level: number,
): number[] {
  const out: number[] = [];
  const at = (i: number, j: number): number => values[i * nx + j] - level;
  for (let i = 0; i + 1 < ny; i++) {
    for (let j = 0; j + 1 < nx; j++) {
      const c = [at(i, j), at(i, j + 1), at(i + 1, j + 1), at(i + 1, j)];
      if (c.some((v) => !Number.isFinite(v))) continue;
      const corners: [number, number][] = [
        [j, i],
        [j + 1, i],
        [j + 1, i + 1],
        [j, i + 1],
      ];
      const crossings: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const a = c[e];
        const b = c[(e + 1) % 4];
        if (a < 0 === b < 0) continue;
        const t = a / (a - b);
        const [x0, y0] = corners[e];
        const [x1, y1] = corners[(e + 1) % 4];
        crossings.push([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
      }
      if (crossings.length === 2) out.push(...crossings[0], ...crossings[1]);
      else if (crossings.length === 4) {
        // a saddle: pair the crossings the way the cell's mean says
        const centre = (c[0] + c[1] + c[2] + c[3]) / 4;
        const [p0, p1, p2, p3] = crossings as [
          [number, number],
          [number, number],
          [number, number],
          [number, number],
        ];
        if (centre < 0 === c[0] < 0) out.push(...p0, ...p1, ...p2, ...p3);
        else out.push(...p0, ...p3, ...p1, ...p2);
      }
    }
  }
  return out;
}

/** The bilinear value of the grid at fractional (column, row). */
export function bilinear(
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  col: number,
  row: number,
): number {
  const j = Math.max(0, Math.min(nx - 1.000001, col));
  const i = Math.max(0, Math.min(ny - 1.000001, row));
  const j0 = Math.floor(j);
  const i0 = Math.floor(i);
  const fj = j - j0;
  const fi = i - i0;
  const v = (a: number, b: number): number => values[a * nx + b];
  const top = v(i0, j0) * (1 - fj) + v(i0, j0 + 1) * fj;
  const bottom = v(i0 + 1, j0) * (1 - fj) + v(i0 + 1, j0 + 1) * fj;
  return top * (1 - fi) + bottom * fi;
}
