/**
 * The public ops, as functions (also bound as Tensor methods). Each checks its arguments,
 * naming the op and the shapes on error, then binds primitives: under a transformation the
 * same code is traced. Composite ops (softmax, norm, inv, …) are written in primitives, so
 * every transformation handles them.
 *
 * Non-differentiable points follow JAX: d|x|/dx = sign(x) = 0 at 0; relu′(0) = 0;
 * maximum/minimum and max/min reductions split the derivative equally between tied entries;
 * sqrt′(0) = inf; x^y has ∂/∂y = 0 where x = 0 and ∂/∂x = 0 where y = 0.
 */
import type { Axis, SliceSpec, TensorLike, Tensor } from "./tensor/tensor.js";
import { bindTensorOps } from "./tensor/tensor.js";
import type { CompareOp } from "./primitives/primitive.js";
import { NO_PARAMS, Primitive } from "./primitives/primitive.js";
import { bind } from "./core.js";
import { asTensor, eye } from "./tensor/creation.js";
import {
  broadcastShapes,
  fmtShape,
  keepDimsShape,
  normAxes,
  normAxis,
  sameShape,
  sizeOf,
} from "./tensor/shape.js";
import * as self from "./ops.js";

const u = (prim: Primitive, x: TensorLike): Tensor => bind(prim, [asTensor(x)], NO_PARAMS);
const b = (prim: Primitive, x: TensorLike, y: TensorLike): Tensor => {
  const tx = asTensor(x);
  const ty = asTensor(y);
  if (tx.ndim !== 0 && ty.ndim !== 0 && !sameShape(tx.shape, ty.shape))
    broadcastShapes(prim, tx.shape, ty.shape);
  return bind(prim, [tx, ty], NO_PARAMS);
};

// ---------------------------------------------------------------------------- elementwise

export const add = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Add, x, y);
export const sub = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Sub, x, y);
export const mul = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Mul, x, y);
export const div = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Div, x, y);
/** x^y elementwise. */
export const pow = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Pow, x, y);
/** Elementwise maximum; at ties the derivative is split equally (JAX). */
export const maximum = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Maximum, x, y);
/** Elementwise minimum; at ties the derivative is split equally (JAX). */
export const minimum = (x: TensorLike, y: TensorLike): Tensor => b(Primitive.Minimum, x, y);
export const neg = (x: TensorLike): Tensor => u(Primitive.Neg, x);
export const exp = (x: TensorLike): Tensor => u(Primitive.Exp, x);
export const log = (x: TensorLike): Tensor => u(Primitive.Log, x);
export const log1p = (x: TensorLike): Tensor => u(Primitive.Log1p, x);
export const expm1 = (x: TensorLike): Tensor => u(Primitive.Expm1, x);
export const sin = (x: TensorLike): Tensor => u(Primitive.Sin, x);
export const cos = (x: TensorLike): Tensor => u(Primitive.Cos, x);
export const tan = (x: TensorLike): Tensor => u(Primitive.Tan, x);
export const tanh = (x: TensorLike): Tensor => u(Primitive.Tanh, x);
/** 1 / (1 + e^(−x)), computed without overflow. */
export const sigmoid = (x: TensorLike): Tensor => u(Primitive.Sigmoid, x);
/** max(x, 0); its derivative at 0 is 0 (JAX). */
export const relu = (x: TensorLike): Tensor => u(Primitive.Relu, x);
/** log(1 + eˣ), computed without overflow. */
export const softplus = (x: TensorLike): Tensor => u(Primitive.Softplus, x);
/** √x; the derivative at 0 is inf. */
export const sqrt = (x: TensorLike): Tensor => u(Primitive.Sqrt, x);
/** |x|; the derivative at 0 is 0 (sign(0), JAX). */
export const abs = (x: TensorLike): Tensor => u(Primitive.Abs, x);
/** −1, 0 or 1 (zero derivative). */
export const sign = (x: TensorLike): Tensor => u(Primitive.Sign, x);
export const square = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  return bind(Primitive.Mul, [t, t], NO_PARAMS);
};

const COMPARE_NAMES: Record<CompareOp, string> = {
  gt: "greater",
  ge: "greaterEqual",
  lt: "less",
  le: "lessEqual",
  eq: "equal",
  ne: "notEqual",
};

/** 1 where the comparison holds, 0 elsewhere (zero derivative). */
export function compare(x: TensorLike, y: TensorLike, op: CompareOp): Tensor {
  const tx = asTensor(x);
  const ty = asTensor(y);
  if (!sameShape(tx.shape, ty.shape)) broadcastShapes(COMPARE_NAMES[op], tx.shape, ty.shape);
  return bind(Primitive.Compare, [tx, ty], { op });
}
export const greater = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "gt");
export const greaterEqual = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "ge");
export const less = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "lt");
export const lessEqual = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "le");
export const equal = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "eq");
export const notEqual = (x: TensorLike, y: TensorLike): Tensor => compare(x, y, "ne");

/** x where cond ≠ 0, else y (broadcast together); differentiable in x and y. */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  const [c, a, bb] = [asTensor(cond), asTensor(x), asTensor(y)];
  broadcastShapes("where", broadcastShapes("where", c.shape, a.shape), bb.shape);
  return bind(Primitive.Where, [c, a, bb], NO_PARAMS);
}

/** Identity in value; blocks derivatives (zero derivative in every mode). */
export const stopGradient = (x: TensorLike): Tensor => u(Primitive.StopGradient, x);

// ----------------------------------------------------------------------------- reductions

function reduceOp(
  prim: Primitive.Sum | Primitive.ReduceMax | Primitive.ReduceMin | Primitive.Prod,
  name: string,
) {
  return (x: TensorLike, axis?: Axis, keepdims = false): Tensor => {
    const t = asTensor(x);
    const axes = normAxes(name, axis, t.ndim);
    if ((name === "max" || name === "min") && axes.some((a) => t.shape[a] === 0)) {
      throw new Error(
        `${name}: cannot reduce an empty axis of a tensor of shape ${fmtShape(t.shape)}`,
      );
    }
    const out = bind(prim, [t], { axes });
    return keepdims ? reshape(out, keepDimsShape(t.shape, axes)) : out;
  };
}

export const sum: (x: TensorLike, axis?: Axis, keepdims?: boolean) => Tensor = reduceOp(
  Primitive.Sum,
  "sum",
);
/** Largest entry; ties share the derivative equally (JAX). */
export const max: (x: TensorLike, axis?: Axis, keepdims?: boolean) => Tensor = reduceOp(
  Primitive.ReduceMax,
  "max",
);
/** Smallest entry; ties share the derivative equally (JAX). */
export const min: (x: TensorLike, axis?: Axis, keepdims?: boolean) => Tensor = reduceOp(
  Primitive.ReduceMin,
  "min",
);
/** Product of entries; its derivative is exact where entries are 0 (the product of the others). */
export const prod: (x: TensorLike, axis?: Axis, keepdims?: boolean) => Tensor = reduceOp(
  Primitive.Prod,
  "prod",
);

export function mean(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const t = asTensor(x);
  const axes = normAxes("mean", axis, t.ndim);
  const count = axes.reduce((n, a) => n * t.shape[a], 1);
  return div(sum(t, axes, keepdims), count);
}

/** log Σ eˣ, shifted by the (gradient-stopped) maximum for stability. */
export function logsumexp(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const t = asTensor(x);
  const axes = normAxes("logsumexp", axis, t.ndim);
  const m = stopGradient(max(t, axes, true));
  const shift = where(equal(abs(m), Infinity), 0, m);
  const out = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
  return keepdims
    ? out
    : reshape(
        out,
        t.shape.filter((_, i) => !axes.includes(i)),
      );
}

export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  const e = exp(sub(t, stopGradient(max(t, axis, true))));
  return div(e, sum(e, axis, true));
}

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  return sub(t, logsumexp(t, axis, true));
}

/**
 * Vector norms (ord 2 default, 1, Infinity, -Infinity, any p > 0) over one axis or all entries;
 * matrix norms ("fro", 1, 2, Infinity) over two axes. The 2-norm's derivative at 0 is NaN.
 */
export function norm(x: TensorLike, ord?: number | "fro", axis?: Axis, keepdims = false): Tensor {
  const t = asTensor(x);
  const axes = normAxes("norm", axis, t.ndim);
  const single = axis === undefined || axes.length === 1;
  let out: Tensor;
  if (ord === undefined || ord === "fro" || (single && ord === 2)) {
    if (ord === "fro" && single && axis !== undefined)
      throw new Error("norm: ord 'fro' needs two axes");
    out = sqrt(sum(square(t), axes, true));
  } else if (single) {
    if (ord === Infinity) out = max(abs(t), axes, true);
    else if (ord === -Infinity) out = min(abs(t), axes, true);
    else if (ord === 1) out = sum(abs(t), axes, true);
    else if (ord > 0) out = pow(sum(pow(abs(t), ord), axes, true), 1 / ord);
    else throw new Error(`norm: unsupported vector ord ${ord}`);
  } else if (axes.length === 2) {
    const [r, c] = axes as [number, number];
    if (ord === 1) out = max(sum(abs(t), r, true), c, true);
    else if (ord === Infinity) out = max(sum(abs(t), c, true), r, true);
    else if (ord === 2) {
      const moved = transpose(t, [
        ...t.shape.map((_, i) => i).filter((i) => i !== r && i !== c),
        r,
        c,
      ]);
      const s = max(singularValues(moved), -1);
      out = reshape(s, keepDimsShape(t.shape, axes));
    } else throw new Error(`norm: unsupported matrix ord ${ord}`);
  } else
    throw new Error(`norm: give one axis (vector norm) or two (matrix norm), got ${axes.length}`);
  return keepdims
    ? out
    : reshape(
        out,
        t.shape.filter((_, i) => !axes.includes(i)),
      );
}

// --------------------------------------------------------------------------------- shapes

/** A new shape with the same entries; one entry may be -1 (inferred). Shares data. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  const known = shape.filter((d) => d !== -1);
  const holes = shape.length - known.length;
  const target = shape.slice();
  if (holes > 1) throw new Error(`reshape: only one axis may be -1 in ${fmtShape(shape)}`);
  if (holes === 1) target[shape.indexOf(-1)] = t.size / Math.max(1, sizeOf(known));
  if (sizeOf(target) !== t.size || target.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `reshape: cannot reshape a tensor of shape ${fmtShape(t.shape)} (${t.size} entries) into ${fmtShape(shape)}`,
    );
  }
  if (sameShape(target, t.shape)) return t;
  return bind(Primitive.Reshape, [t], { shape: target });
}

export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  if (sameShape(t.shape, shape)) return t;
  const out = shape.length >= t.ndim ? broadcastShapes("broadcastTo", t.shape, shape) : null;
  if (out === null || !sameShape(out, shape)) {
    throw new Error(
      `broadcastTo: cannot broadcast shape ${fmtShape(t.shape)} to ${fmtShape(shape)}`,
    );
  }
  return bind(Primitive.BroadcastTo, [t], { shape: shape.slice() });
}

/** Permutes the axes (default: reverses them). */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor(x);
  const p = perm
    ? perm.map((a) => normAxis("transpose", a, t.ndim))
    : t.shape.map((_, i) => t.ndim - 1 - i);
  if (p.length !== t.ndim || new Set(p).size !== p.length) {
    throw new Error(
      `transpose: ${fmtShape(perm ?? [])} is not a permutation of the axes of a tensor of shape ${fmtShape(t.shape)}`,
    );
  }
  if (p.every((a, i) => a === i)) return t;
  return bind(Primitive.Transpose, [t], { perm: p });
}

/** Swaps the last two axes. */
export function matrixTranspose(x: TensorLike): Tensor {
  const t = asTensor(x);
  const p = t.shape.map((_, i) => i);
  [p[t.ndim - 2], p[t.ndim - 1]] = [t.ndim - 1, t.ndim - 2];
  return transpose(t, p);
}

/** Inserts an axis of length 1 at `axis`. */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = asTensor(x);
  const a = normAxis("expandDims", axis, t.ndim + 1);
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
}

/** Removes axes of length 1 (all of them, or the given ones). */
export function squeeze(x: TensorLike, axis?: Axis): Tensor {
  const t = asTensor(x);
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normAxes("squeeze", axis, t.ndim);
  for (const a of axes) {
    if (t.shape[a] !== 1)
      throw new Error(`squeeze: axis ${a} of shape ${fmtShape(t.shape)} is not 1`);
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

function parseSpec(
  spec: SliceSpec,
  dim: number,
  axis: number,
): { start: number; stop: number; step: number; drop: boolean } {
  const fix = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + dim : v;
    return Math.min(Math.max(w, 0), dim);
  };
  if (spec === null) return { start: 0, stop: dim, step: 1, drop: false };
  if (typeof spec === "number" || (typeof spec === "string" && !spec.includes(":"))) {
    const i = typeof spec === "number" ? spec : Number(spec.trim());
    if (!Number.isInteger(i) || i < -dim || i >= dim) {
      throw new Error(
        `slice: index ${String(spec)} is out of range for axis ${axis} of length ${dim}`,
      );
    }
    const w = i < 0 ? i + dim : i;
    return { start: w, stop: w + 1, step: 1, drop: true };
  }
  const parts: (number | null)[] =
    typeof spec === "string"
      ? spec.split(":").map((s) => (s.trim() === "" ? null : Number(s.trim())))
      : [spec[0], spec[1] ?? null, spec[2] ?? null];
  if (parts.length > 3 || parts.some((p) => p !== null && !Number.isInteger(p))) {
    throw new Error(`slice: cannot read the slice ${JSON.stringify(spec)} for axis ${axis}`);
  }
  const step = parts[2] ?? 1;
  if (step <= 0) throw new Error(`slice: step must be positive, got ${step} for axis ${axis}`);
  const start = fix(parts[0], 0);
  return { start, stop: Math.max(start, fix(parts[1], dim)), step, drop: false };
}

/**
 * numpy-style indexing, one spec per leading axis (missing axes are taken whole): a number
 * picks an index and drops the axis; "1:", ":-1", "::2" or [start, stop, step] take a strided
 * window (positive steps); null takes the whole axis. Contiguous windows share data.
 */
export function slice(x: TensorLike, ...specs: SliceSpec[]): Tensor {
  const t = asTensor(x);
  if (specs.length > t.ndim) {
    throw new Error(`slice: ${specs.length} indices for a tensor of shape ${fmtShape(t.shape)}`);
  }
  const parsed = t.shape.map((d, i) => parseSpec(i < specs.length ? specs[i]! : null, d, i));
  const start = parsed.map((p) => p.start);
  const stop = parsed.map((p) => p.stop);
  const step = parsed.map((p) => p.step);
  const full = parsed.every((p, i) => p.start === 0 && p.stop === t.shape[i] && p.step === 1);
  const out = full ? t : bind(Primitive.Slice, [t], { start, stop, step });
  if (!parsed.some((p) => p.drop)) return out;
  return reshape(
    out,
    out.shape.filter((_, i) => !parsed[i].drop),
  );
}

function integerIndices(
  op: string,
  indices: TensorLike | readonly number[] | Int32Array,
  dim: number,
): { flat: Int32Array; shape: number[] } {
  // Int32Array and flat number arrays are read directly (no float64 copy in between)
  const direct =
    indices instanceof Int32Array ||
    (Array.isArray(indices) && (indices.length === 0 || typeof indices[0] === "number"));
  const t = direct ? null : asTensor(indices);
  const values: ArrayLike<number> = t === null ? (indices as ArrayLike<number>) : t.data;
  const n = values.length;
  const flat = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // an integer in [-dim, dim) (v | 0 === v also rejects non-numbers in a plain array)
    if (!(v >= -dim && v < dim && (v | 0) === v)) {
      throw new Error(`${op}: index ${String(v)} is out of range for an axis of length ${dim}`);
    }
    flat[i] = v < 0 ? v + dim : v;
  }
  return { flat, shape: t === null ? [n] : t.shape };
}

/** Entries at integer `indices` along `axis` (numpy's take); the indices are not differentiated. */
export function take(
  x: TensorLike,
  indices: TensorLike | readonly number[] | Int32Array,
  axis = 0,
): Tensor {
  const t = asTensor(x);
  const a = normAxis("take", axis, t.ndim);
  const { flat, shape } = integerIndices("take", indices, t.shape[a]);
  return bind(Primitive.Take, [t], { axis: a, indices: flat, indexShape: shape });
}

export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("concat: needs at least one tensor");
  const ts = xs.map(asTensor);
  const first = ts[0];
  const a = normAxis("concat", axis, first.ndim);
  for (const t of ts) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ outside axis ${a}`,
      );
    }
  }
  if (ts.length === 1) return first;
  return bind(Primitive.Concat, ts, { axis: a });
}

export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("stack: needs at least one tensor");
  const ts = xs.map(asTensor);
  for (const t of ts) {
    if (!sameShape(t.shape, ts[0].shape)) {
      throw new Error(`stack: shapes ${fmtShape(ts[0].shape)} and ${fmtShape(t.shape)} differ`);
    }
  }
  const a = normAxis("stack", axis, ts[0].ndim + 1);
  return concat(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

// ------------------------------------------------------------------------ linear algebra

/**
 * Matrix product with numpy's rules: 1-D operands are promoted to a row (left) or a column
 * (right) and the extra axis dropped afterwards; leading axes broadcast (batched matmul).
 */
export function matmul(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x);
  const bb = asTensor(y);
  if (a.ndim === 0 || bb.ndim === 0) {
    throw new Error(
      `matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(bb.shape)}: operands must have at least 1 dimension`,
    );
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = bb.ndim === 1 ? reshape(bb, [bb.shape[0], 1]) : bb;
  if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) {
    throw new Error(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(bb.shape)} do not align`);
  }
  const batch = broadcastShapes("matmul", a2.shape.slice(0, -2), b2.shape.slice(0, -2), [
    a.shape,
    bb.shape,
  ]);
  const out = bind(Primitive.MatMul, [a2, b2], NO_PARAMS);
  if (a.ndim > 1 && bb.ndim > 1) return out;
  const shape = [...batch];
  if (a.ndim > 1) shape.push(a2.shape[a2.ndim - 2]);
  if (bb.ndim > 1) shape.push(b2.shape[b2.ndim - 1]);
  return reshape(out, shape);
}

/** Inner product of vectors; matmul otherwise; product with a scalar. */
export function dot(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x);
  const bb = asTensor(y);
  if (a.ndim === 0 || bb.ndim === 0) return mul(a, bb);
  if (a.ndim === 1 && bb.ndim === 1) {
    if (a.size !== bb.size)
      throw new Error(`dot: shapes ${fmtShape(a.shape)} and ${fmtShape(bb.shape)} do not align`);
    return sum(mul(a, bb));
  }
  return matmul(a, bb);
}

/** Outer product of the flattened operands: [n] × [m] → [n, m]. */
export function outer(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x);
  const bb = asTensor(y);
  return mul(reshape(a, [a.size, 1]), reshape(bb, [1, bb.size]));
}

function checkSquare(op: string, a: Tensor): number {
  const n = a.shape[a.ndim - 1];
  if (a.ndim < 2 || a.shape[a.ndim - 2] !== n) {
    throw new Error(`${op}: expected square matrices [..., n, n], got shape ${fmtShape(a.shape)}`);
  }
  return n;
}

/** X with A·X = B: b is [..., n] (a vector) or [..., n, k]; leading axes broadcast. */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a);
  const tb = asTensor(b);
  const n = checkSquare("solve", ta);
  const vector = tb.ndim === ta.ndim - 1 || tb.ndim === 1;
  const b2 = vector ? expandDims(tb, -1) : tb;
  if (b2.ndim < 2 || b2.shape[b2.ndim - 2] !== n) {
    throw new Error(`solve: shapes ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)} do not align`);
  }
  const batch = broadcastShapes("solve", ta.shape.slice(0, -2), b2.shape.slice(0, -2), [
    ta.shape,
    tb.shape,
  ]);
  const aa = broadcastTo(ta, [...batch, n, n]);
  const bbb = broadcastTo(b2, [...batch, n, b2.shape[b2.ndim - 1]]);
  const x = bind(Primitive.Solve, [aa, bbb], NO_PARAMS);
  return vector ? squeeze(x, -1) : x;
}

/** The inverse, as solve(A, I). */
export function inv(a: TensorLike): Tensor {
  const ta = asTensor(a);
  const n = checkSquare("inv", ta);
  return solve(ta, broadcastTo(eye(n), ta.shape));
}

/** Determinant of [..., n, n]; d det = det · tr(A⁻¹ dA) (NaN/inf gradient at singular A). */
export function det(a: TensorLike): Tensor {
  const ta = asTensor(a);
  checkSquare("det", ta);
  return bind(Primitive.Det, [ta], NO_PARAMS);
}

function checkMatrix(op: string, a: Tensor): void {
  if (a.ndim < 2)
    throw new Error(`${op}: expected matrices [..., m, n], got shape ${fmtShape(a.shape)}`);
}

/**
 * Singular values in decreasing order, [..., min(m, n)]. Differentiable (dσᵢ = uᵢᵀ dA vᵢ) where
 * the singular values are distinct; the singular vectors are held constant in higher orders.
 */
export function singularValues(a: TensorLike): Tensor {
  const ta = asTensor(a);
  checkMatrix("singularValues", ta);
  return bind(Primitive.Svd, [ta], { part: "s" });
}

/** Thin SVD A = U·diag(s)·Vᵀ (U [..., m, r], s [..., r], vt [..., r, n]); only s is differentiable. */
export function svd(a: TensorLike): { u: Tensor; s: Tensor; vt: Tensor } {
  const ta = asTensor(a);
  checkMatrix("svd", ta);
  return {
    u: bind(Primitive.Svd, [ta], { part: "u" }),
    s: bind(Primitive.Svd, [ta], { part: "s" }),
    vt: bind(Primitive.Svd, [ta], { part: "vt" }),
  };
}

bindTensorOps(self);
