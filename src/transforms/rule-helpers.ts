/** Small traced helpers shared by the JVP, VJP and batching rules. */
import type { Tensor } from "../tensor/tensor.js";
import { NO_PARAMS, Primitive } from "../primitives/primitive.js";
import { bind } from "../core.js";
import { eye, zeros } from "../tensor/creation.js";
import * as ops from "../ops.js";
import { keepDimsShape, sameShape } from "../tensor/shape.js";

/** Sums the broadcast axes of `x` away so that it has `shape` (undoes numpy broadcasting). */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  for (let i = 0; i < shape.length; i++)
    if (shape[i] === 1 && x.shape[lead + i] !== 1) axes.push(lead + i);
  const summed = axes.length > 0 ? bind(Primitive.Sum, [x], { axes }) : x;
  return ops.reshape(summed, shape);
}

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape);
}

/** Broadcasts `x` to `shape` unless it already has it. */
export function bcast(x: Tensor, shape: readonly number[]): Tensor {
  return sameShape(x.shape, shape) ? x : ops.broadcastTo(x, shape);
}

/** a + b where either may be a symbolic zero (null). */
export function addMaybe(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return bind(Primitive.Add, [a, b], NO_PARAMS);
}

export const mul = (a: Tensor, b: Tensor): Tensor => bind(Primitive.Mul, [a, b], NO_PARAMS);
export const div = (a: Tensor, b: Tensor): Tensor => bind(Primitive.Div, [a, b], NO_PARAMS);
export const sub = (a: Tensor, b: Tensor): Tensor => bind(Primitive.Sub, [a, b], NO_PARAMS);
export const neg = (a: Tensor): Tensor => bind(Primitive.Neg, [a], NO_PARAMS);

/** Indicator (0/1) of the entries equal to the reduced value, divided by the number of ties. */
export function tieWeights(x: Tensor, out: Tensor, axes: readonly number[]): Tensor {
  const kept = ops.reshape(out, keepDimsShape(x.shape, axes));
  const hits = ops.equal(x, kept);
  const count = ops.reshape(
    bind(Primitive.Sum, [hits], { axes: [...axes] }),
    keepDimsShape(x.shape, axes),
  );
  return div(hits, count);
}

/** Balanced mask of maximum(a, b): 1 where a wins, 0.5 at ties, 0 where b wins (JAX). */
export function winnerMask(a: Tensor, b: Tensor, op: "gt" | "lt"): Tensor {
  const wins = ops.compare(a, b, op);
  const ties = ops.equal(a, b);
  return ops.add(wins, ops.mul(ties, 0.5));
}

/**
 * For each entry of x, the product of the other entries along `axes` (shape of x), exact where
 * x has zeros: Π/xᵢ at nonzero entries; at a zero entry, the product of the nonzeros when it is
 * the only zero, else 0. Its own derivatives (second order) are exact unless two or more entries
 * are zero.
 */
export function prodOthers(x: Tensor, axes: readonly number[]): Tensor {
  const isZero = ops.equal(x, 0);
  const safe = ops.where(isZero, 1, x);
  const kept = keepDimsShape(x.shape, axes);
  const all = ops.reshape(bind(Primitive.Prod, [x], { axes: [...axes] }), kept);
  const nonzeroProd = ops.reshape(bind(Primitive.Prod, [safe], { axes: [...axes] }), kept);
  const zeros = ops.reshape(bind(Primitive.Sum, [isZero], { axes: [...axes] }), kept);
  const atZero = ops.where(ops.equal(zeros, 1), nonzeroProd, 0);
  return ops.where(isZero, atZero, div(all, safe));
}

/** (A + Aᵀ)/2 on the last two axes. */
export function symmetrized(a: Tensor): Tensor {
  return ops.mul(ops.add(a, ops.matrixTranspose(a)), 0.5);
}

/**
 * The eigendecomposition of A (traced, so derivatives nest) and F_ij = 1/(w_j − w_i) off the
 * diagonal, 0 on it (the diagonal's denominator is shifted to 1 so no 0/0 appears).
 */
export function eighFactors(a: Tensor): { w: Tensor; v: Tensor; f: Tensor } {
  const w = bind(Primitive.Eigh, [a], { part: "w" });
  const v = bind(Primitive.Eigh, [a], { part: "v" });
  const id = eye(w.shape[w.ndim - 1]);
  const gaps = ops.sub(ops.expandDims(w, -2), ops.expandDims(w, -1));
  const f = ops.div(ops.sub(1, id), ops.add(gaps, id));
  return { w, v, f };
}
