/**
 * Whole-tensor kernels on Float64Array: one loop per op, never a closure per element on the fast
 * paths (same shape, scalar broadcast). Inputs are never modified.
 */
import { broadcastStrides, sizeOf, stridesOf } from "../tensor/shape.js";
import { RESULT, checkEntries } from "../tensor/memory.js";
import { max, min } from "./scalar.js";

export type Data = Float64Array;
type Binary = (a: number, b: number) => number;

/**
 * Output arrays. Small ones are views of shared 8 KiB slabs: V8 tracks every separate
 * ArrayBuffer backing store, so a fresh `new Float64Array(10)` costs ~1 µs (mostly garbage
 * collection) while a view of a slab costs a tenth of that, which dominates small tensors. A slab
 * lives while any of its views does (at most 8 KiB kept per small live tensor). The memory is
 * never reused, so every array starts zeroed like `new Float64Array(n)`.
 */
const SLAB_BYTES = 8192;
const SMALL_ENTRIES = 64;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

export function alloc(n: number): Data {
  if (n > SMALL_ENTRIES || n <= 8) {
    if (n > SMALL_ENTRIES) checkEntries(RESULT, n);
    return new Float64Array(n); // ≤ 8 entries live on V8's heap
  }
  const bytes = n * 8;
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const out = new Float64Array(slab, slabOffset, n);
  slabOffset += bytes;
  return out;
}

/** Walks `outShape` and calls `body(outIndex, aOffset, bOffset)` with broadcast strides. */
function walkBroadcast2(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
  inner: (outStart: number, ao: number, bo: number, n: number, as: number, bs: number) => void,
): void {
  const nd = outShape.length;
  if (nd === 0) return inner(0, 0, 0, 1, 0, 0);
  const aStr = broadcastStrides(aShape, outShape);
  const bStr = broadcastStrides(bShape, outShape);
  const last = outShape[nd - 1];
  const outer = last === 0 ? 0 : sizeOf(outShape) / last;
  const idx = new Array<number>(nd).fill(0);
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < outer; o++) {
    inner(o * last, ao, bo, last, aStr[nd - 1], bStr[nd - 1]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      ao += aStr[d];
      bo += bStr[d];
      if (idx[d] < outShape[d]) break;
      ao -= aStr[d] * outShape[d];
      bo -= bStr[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export type BinaryCode = "add" | "sub" | "mul" | "div";

function fastBinary(code: BinaryCode, a: Data, b: Data, out: Data): boolean {
  const n = out.length;
  if (a.length === n && b.length === n) {
    if (code === "add") for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (code === "sub") for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else if (code === "mul") for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
    return true;
  }
  if (b.length === 1 && a.length === n) {
    const s = b[0];
    if (code === "add") for (let i = 0; i < n; i++) out[i] = a[i] + s;
    else if (code === "sub") for (let i = 0; i < n; i++) out[i] = a[i] - s;
    else if (code === "mul") for (let i = 0; i < n; i++) out[i] = a[i] * s;
    else for (let i = 0; i < n; i++) out[i] = a[i] / s;
    return true;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0];
    if (code === "add") for (let i = 0; i < n; i++) out[i] = s + b[i];
    else if (code === "sub") for (let i = 0; i < n; i++) out[i] = s - b[i];
    else if (code === "mul") for (let i = 0; i < n; i++) out[i] = s * b[i];
    else for (let i = 0; i < n; i++) out[i] = s / b[i];
    return true;
  }
  return false;
}

const ARITH: Record<BinaryCode, Binary> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

/** a ∘ b with numpy broadcasting into `outShape`; `f` is used when `code` is not arithmetic. */
export function binary(
  code: BinaryCode | Binary,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
  const out: Data = alloc(sizeOf(outShape));
  if (typeof code === "string" && fastBinary(code, a, b, out)) return out;
  // (equal lengths and scalars of the function ops run earlier, as binaryFast loops)
  const f = typeof code === "string" ? ARITH[code] : code;
  walkBroadcast2(aShape, bShape, outShape, (start, ao, bo, n, as, bs) => {
    if (typeof code === "string") stridedArith(code, out, start, a, ao, as, b, bo, bs, n);
    else for (let j = 0; j < n; j++) out[start + j] = f(a[ao + j * as], b[bo + j * bs]);
  });
  return out;
}

/** One broadcast row of + − × ÷ with strides (0 for a broadcast axis), no call per element. */
function stridedArith(
  code: BinaryCode,
  out: Data,
  start: number,
  a: Data,
  ao: number,
  as: number,
  b: Data,
  bo: number,
  bs: number,
  n: number,
): void {
  if (code === "add") for (let j = 0; j < n; j++) out[start + j] = a[ao + j * as] + b[bo + j * bs];
  else if (code === "sub")
    for (let j = 0; j < n; j++) out[start + j] = a[ao + j * as] - b[bo + j * bs];
  else if (code === "mul")
    for (let j = 0; j < n; j++) out[start + j] = a[ao + j * as] * b[bo + j * bs];
  else for (let j = 0; j < n; j++) out[start + j] = a[ao + j * as] / b[bo + j * bs];
}

/** Materialises `x` (of `shape`) broadcast to `outShape`. */
export function broadcastTo(x: Data, shape: readonly number[], outShape: readonly number[]): Data {
  const out: Data = alloc(sizeOf(outShape));
  if (x.length === 1) {
    out.fill(x[0]);
    return out;
  }
  walkBroadcast2(shape, [], outShape, (start, ao, _bo, n, as) => {
    if (as === 1) out.set(x.subarray(ao, ao + n), start);
    else for (let j = 0; j < n; j++) out[start + j] = x[ao + j * as]!;
  });
  return out;
}

export type ReduceKind = "sum" | "max" | "min" | "prod";

const REDUCE_INIT: Record<ReduceKind, number> = { sum: 0, max: -Infinity, min: Infinity, prod: 1 };

/** Reduces `axes` of x (of `shape`); the result has the reduced shape (axes dropped). */
export function reduce(
  kind: ReduceKind,
  x: Data,
  shape: readonly number[],
  axes: readonly number[],
): Data {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out: Data = alloc(sizeOf(outShape)).fill(REDUCE_INIT[kind]);
  const n = x.length;
  if (out.length === 1) {
    reduceBlock(kind, x, out, 1, n, 1);
    return out;
  }
  if (contiguous(axes)) {
    const outer = sizeOf(shape.slice(0, axes[0]));
    const inner = sizeOf(shape.slice(axes[axes.length - 1] + 1));
    reduceBlock(kind, x, out, outer, n / Math.max(1, outer * inner), inner);
    return out;
  }
  // walk x in order; the output offset uses the output strides with 0 on reduced axes
  const oStr = stridesOf(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const nd = shape.length;
  const last = shape[nd - 1];
  const ls = oStr[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let oo = 0;
  for (let start = 0; start < n; start += last) {
    if (kind === "sum") for (let j = 0; j < last; j++) out[oo + j * ls] += x[start + j];
    else if (kind === "prod") for (let j = 0; j < last; j++) out[oo + j * ls] *= x[start + j];
    else if (kind === "max")
      for (let j = 0; j < last; j++) out[oo + j * ls] = max(out[oo + j * ls], x[start + j]);
    else for (let j = 0; j < last; j++) out[oo + j * ls] = min(out[oo + j * ls], x[start + j]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      oo += oStr[d];
      if (idx[d] < shape[d]) break;
      oo -= oStr[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Whether sorted `axes` are consecutive (one block [outer, reduced, inner] of the shape). */
function contiguous(axes: readonly number[]): boolean {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return false;
  return axes.length > 0;
}

/**
 * out[o, i] = reduce over r of x[o, r, i] for x viewed as [outer, count, inner]: a local
 * accumulator when inner = 1, else whole contiguous rows folded into the output row.
 */
function reduceBlock(
  kind: ReduceKind,
  x: Data,
  out: Data,
  outer: number,
  count: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * count * inner;
    if (inner === 1) {
      let acc = out[o];
      if (kind === "sum") for (let r = 0; r < count; r++) acc += x[base + r];
      else if (kind === "prod") for (let r = 0; r < count; r++) acc *= x[base + r];
      else if (kind === "max") for (let r = 0; r < count; r++) acc = max(acc, x[base + r]);
      else for (let r = 0; r < count; r++) acc = min(acc, x[base + r]);
      out[o] = acc;
      continue;
    }
    const oo = o * inner;
    for (let r = 0; r < count; r++) {
      const xo = base + r * inner;
      if (kind === "sum") for (let i = 0; i < inner; i++) out[oo + i] += x[xo + i];
      else if (kind === "prod") for (let i = 0; i < inner; i++) out[oo + i] *= x[xo + i];
      else if (kind === "max")
        for (let i = 0; i < inner; i++) out[oo + i] = max(out[oo + i], x[xo + i]);
      else for (let i = 0; i < inner; i++) out[oo + i] = min(out[oo + i], x[xo + i]);
    }
  }
}

export function transpose(x: Data, shape: readonly number[], perm: readonly number[]): Data {
  const nd = shape.length;
  const out: Data = alloc(x.length);
  if (nd === 2 && perm[0] === 1) {
    const [r, c] = [shape[0], shape[1]];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j]!;
    return out;
  }
  const outShape = perm.map((p) => shape[p]);
  const inStr = stridesOf(shape);
  const str = perm.map((p) => inStr[p]); // input stride per output axis
  const idx = new Array<number>(nd).fill(0);
  let xo = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[xo]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      xo += str[d];
      if (idx[d] < outShape[d]) break;
      xo -= str[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Strided window: per axis start, step, with `outShape` entries. */
export function slice(
  x: Data,
  shape: readonly number[],
  start: readonly number[],
  step: readonly number[],
  outShape: readonly number[],
): Data {
  const n = sizeOf(outShape);
  const inStr = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += start[d] * inStr[d];
  // a window that is contiguous in memory: share the data
  let contiguous = true;
  for (let d = 1; d < shape.length; d++) if (outShape[d] !== shape[d]) contiguous = false;
  if (contiguous && (shape.length === 0 || step[0] === 1 || outShape[0] <= 1))
    return x.subarray(base, base + n);
  const out: Data = alloc(n);
  windowWalk(shape, start, step, outShape, (o, xo, len, stride) => {
    if (stride === 1) out.set(x.subarray(xo, xo + len), o);
    else for (let j = 0; j < len; j++) out[o + j] = x[xo + j * stride];
  });
  return out;
}

/** The adjoint of slice: zeros of `shape` with x written at the strided window. */
export function pad(
  x: Data,
  outShapeOfX: readonly number[],
  start: readonly number[],
  step: readonly number[],
  shape: readonly number[],
): Data {
  const out: Data = alloc(sizeOf(shape));
  windowWalk(shape, start, step, outShapeOfX, (o, xo, len, stride) => {
    if (stride === 1) out.set(x.subarray(o, o + len), xo);
    else for (let j = 0; j < len; j++) out[xo + j * stride] = x[o + j];
  });
  return out;
}

/**
 * Walks a strided window of `shape` row by row (rows along the last axis): calls
 * `row(windowStart, fullStart, length, fullStride)` once per row, so kernels copy whole rows.
 */
function windowWalk(
  shape: readonly number[],
  start: readonly number[],
  step: readonly number[],
  winShape: readonly number[],
  row: (windowStart: number, fullStart: number, length: number, fullStride: number) => void,
): void {
  const nd = shape.length;
  const inStr = stridesOf(shape);
  const str = inStr.map((s, d) => s * step[d]);
  let xo = 0;
  for (let d = 0; d < nd; d++) xo += start[d] * inStr[d];
  if (nd === 0) return row(0, xo, 1, 1);
  const last = winShape[nd - 1];
  const rows = last === 0 ? 0 : sizeOf(winShape) / last;
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < rows; r++) {
    row(r * last, xo, last, str[nd - 1]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      xo += str[d];
      if (idx[d] < winShape[d]) break;
      xo -= str[d] * winShape[d];
      idx[d] = 0;
    }
  }
}

export function concat(
  parts: readonly Data[],
  shapes: readonly (readonly number[])[],
  axis: number,
): Data {
  const outer = sizeOf(shapes[0].slice(0, axis));
  const chunks = shapes.map((s) => sizeOf(s.slice(axis)));
  const total = chunks.reduce((x, y) => x + y, 0);
  const out: Data = alloc(outer * total);
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    for (let p = 0; p < parts.length; p++) {
      const c = chunks[p];
      out.set(parts[p].subarray(o * c, o * c + c), at);
      at += c;
    }
  }
  return out;
}

/** Gathers slices along `axis` at `indices` (already normalised and checked). */
export function take(x: Data, shape: readonly number[], axis: number, indices: Int32Array): Data {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const dim = shape[axis];
  const out: Data = alloc(outer * indices.length * inner);
  const count = indices.length;
  let at = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dim;
    if (inner === 1) {
      // one entry per index: a plain gather (a subarray per entry would cost an object each)
      for (let t = 0; t < count; t++) out[at + t] = x[base + indices[t]];
      at += count;
    } else if (inner < 16) {
      for (let t = 0; t < count; t++) {
        const from = (base + indices[t]) * inner;
        for (let j = 0; j < inner; j++) out[at + j] = x[from + j];
        at += inner;
      }
    } else {
      for (let t = 0; t < count; t++) {
        const from = (base + indices[t]) * inner;
        out.set(x.subarray(from, from + inner), at);
        at += inner;
      }
    }
  }
  return out;
}

/** The adjoint of take: x has shape [...outer, indices.length, ...inner]; adds into axis of `size`. */
export function scatterAdd(
  x: Data,
  outer: number,
  inner: number,
  indices: Int32Array,
  size: number,
): Data {
  const out: Data = alloc(outer * size * inner);
  let at = 0;
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    if (inner === 1) {
      const base = o * size;
      for (let t = 0; t < count; t++) out[base + indices[t]] += x[at + t];
      at += count;
      continue;
    }
    for (let t = 0; t < count; t++) {
      const to = (o * size + indices[t]) * inner;
      for (let j = 0; j < inner; j++) out[to + j] += x[at + j];
      at += inner;
    }
  }
  return out;
}

/** where(c, a, b) with all three broadcast to `outShape`. */
export function where(
  c: Data,
  cShape: readonly number[],
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
  const n = sizeOf(outShape);
  const cc = c.length === n ? c : broadcastTo(c, cShape, outShape);
  const aa = a.length === n ? a : broadcastTo(a, aShape, outShape);
  const bb = b.length === n ? b : broadcastTo(b, bShape, outShape);
  const out: Data = alloc(n);
  for (let i = 0; i < n; i++) out[i] = cc[i] !== 0 ? aa[i] : bb[i];
  return out;
}
