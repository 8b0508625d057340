/** Shape arithmetic shared by the kernels, the rules and the ops. */

import { checkEntries, exceedsLimit } from "./memory.js";
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** The most entries a tensor can hold: a Float64Array of 2^29 entries is V8's 4 GiB limit. */
export const MAX_ENTRIES = 2 ** 29;

/** Fails, naming the op, when a result of `shape` would be too large to allocate. */
export function checkSize(op: string, shape: readonly number[], from: string): void {
  const n = shape.includes(0) ? 0 : sizeOf(shape);
  if (n > MAX_ENTRIES) {
    throw new Error(
      `${op}: ${from} gives shape ${fmtShape(shape)} (${n} entries), more than the ${MAX_ENTRIES} a tensor can hold`,
    );
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** numpy broadcasting of any number of shapes (the error names the op). */
export function broadcastShapesOf(op: string, shapes: readonly (readonly number[])[]): number[] {
  return shapes.reduce<number[]>((s, x) => broadcastShapes(op, s, x), []);
}

/**
 * numpy broadcasting of two shapes; the error names the op and both shapes (or `shown`, the
 * operands' whole shapes when `a` and `b` are parts of them, e.g. matmul's batch axes).
 */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
  shown: readonly [readonly number[], readonly number[]] = [a, b],
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${fmtShape(shown[0])} and ${fmtShape(shown[1])} cannot be broadcast together`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  // The settable per-tensor limit first (it says how much memory was asked), then what V8 holds;
  // the messages are built only when one is exceeded (this runs on every broadcasting op).
  const size = sizeOf(out);
  if (exceedsLimit(size))
    checkEntries(`${op} of ${fmtShape(shown[0])} and ${fmtShape(shown[1])}`, size);
  if (size > MAX_ENTRIES)
    checkSize(op, out, `broadcasting ${fmtShape(shown[0])} and ${fmtShape(shown[1])}`);
  return out;
}

/**
 * Strides to read an array of `shape` as if it had `outShape` (right-aligned, numpy rules):
 * 0 on broadcast axes.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    out[offset + i] = shape[i] === 1 && outShape[offset + i] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** A possibly negative axis, checked against ndim (a 0-d tensor has none); the error names the op. */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimensions`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Axis argument of a reduction: undefined = all axes; sorted, unique, normalised. */
export function normAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (axis === undefined) {
    const all: number[] = [];
    for (let i = 0; i < ndim; i++) all.push(i);
    return all;
  }
  if (typeof axis === "number") return [normAxis(op, axis, ndim)];
  const axes = axis.map((a) => normAxis(op, a, ndim)).sort((x, y) => x - y);
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] === axes[i - 1]) throw new Error(`${op}: repeated axis in ${fmtShape(axis)}`);
  }
  return axes;
}

/** The shape after reducing `axes` with keepdims (reduced axes become 1). */
export function keepDimsShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export function reducedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
