/**
 * A plain-JS oracle for the runtime's fuzz suite: shapes, numpy broadcasting and row-major
 * indexing written out the slow, obvious way, and value comparison that treats NaN as equal to
 * NaN and the infinities exactly.
 */
export type Shape = number[];

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** numpy's broadcast of two shapes, or null when they do not broadcast. */
export function broadcast(a: readonly number[], b: readonly number[]): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

/** Flat position of `index` (of an array of the output's rank) in an operand of `shape`. */
export function ravelBroadcast(index: readonly number[], shape: readonly number[]): number {
  const offset = index.length - shape.length;
  let flat = 0;
  for (let i = 0; i < shape.length; i++)
    flat = flat * shape[i] + (shape[i] === 1 ? 0 : index[offset + i]);
  return flat;
}

/** f applied entrywise to two operands broadcast to `out`. */
export function mapBroadcast(
  a: readonly number[],
  sa: readonly number[],
  b: readonly number[],
  sb: readonly number[],
  out: readonly number[],
  f: (x: number, y: number) => number,
): number[] {
  const values: number[] = [];
  for (let k = 0; k < sizeOf(out); k++) {
    const index = unravel(k, out);
    values.push(f(a[ravelBroadcast(index, sa)], b[ravelBroadcast(index, sb)]));
  }
  return values;
}

/** Equal as the fuzz suite means it: both NaN, the same infinity, or within `tol` (relative). */
export function close(actual: number, expected: number, tol = 1e-12): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (!Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}

/** The first entry where `actual` and `expected` differ, described; undefined when none does. */
export function firstMismatch(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol = 1e-12,
): string | undefined {
  if (actual.length !== expected.length) {
    return `${actual.length} entries, expected ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], tol)) {
      return `entry ${i} is ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return undefined;
}

/** The reduction of `data` (of `shape`) over `axes` with `f` from `init`, in row-major order. */
export function reduceAxes(
  data: readonly number[],
  shape: readonly number[],
  axes: readonly number[],
  init: number,
  f: (acc: number, x: number) => number,
): { shape: Shape; values: number[] } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const values = new Array<number>(sizeOf(kept)).fill(init);
  for (let k = 0; k < data.length; k++) {
    const at = ravelBroadcast(unravel(k, shape), kept);
    values[at] = f(values[at], data[k]);
  }
  return { shape: shape.filter((_, i) => !axes.includes(i)), values };
}
