/**
 * Samplers on keys, bit for bit JAX's `jax.random` in 64-bit mode where the ops allow
 * (uniform, normal, bernoulli, categorical, truncatedNormal; permutation orders by the 64-bit
 * words, see there). Each is written in traced ops over the words of `bits`, so it runs under
 * `jit` and `vmap` with traced keys.
 */
import type { TensorLike } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";
import { Tracer } from "../core.js";
import * as ops from "../ops.js";
import { arange, asTensor } from "../tensor/creation.js";
import { broadcastShapes, fmtShape, inversePerm, normAxis } from "../tensor/shape.js";
import { bits } from "./keys.js";
import { erf, erfinv, floorNonNegative, nextAfter } from "./special.js";

/** The smallest normal float64 (numpy's finfo(float64).tiny). */
const TINY = 2.2250738585072014e-308;

/** The two words of the bits of a sample of shape S: hi and lo, each of shape S. */
function words(key: TensorLike, shape: readonly number[]): [Tensor, Tensor] {
  const w = bits(key, shape);
  const lead = shape.map(() => null);
  return [ops.slice(w, ...lead, 0), ops.slice(w, ...lead, 1)];
}

export interface UniformOptions {
  /** Lower bound (inclusive), broadcast against the shape; default 0. */
  minval?: TensorLike;
  /** Upper bound (exclusive), broadcast against the shape; default 1. */
  maxval?: TensorLike;
}

/**
 * Uniform samples in [minval, maxval): the top 52 bits of each 64-bit word m give
 * u = m·2⁻⁵² in [0, 1), then max(minval, u·(maxval − minval) + minval) — JAX's float64 path,
 * bit for bit on [0, 1); on other ranges within one rounding (XLA on CPU fuses the multiply-add).
 *
 * @example
 * random.uniform(random.key(0), [2, 3], { minval: -1, maxval: 1 });
 */
export function uniform(
  key: TensorLike,
  shape: readonly number[] = [],
  options: UniformOptions = {},
): Tensor {
  const minval = options.minval ?? 0;
  const maxval = options.maxval ?? 1;
  checkFits("random.uniform", shape, "a bound", minval, maxval);
  const [hi, lo] = words(key, shape);
  // m = hi·2²⁰ + ⌊lo / 2¹²⌋ (the 64-bit word shifted right by 12), u = m·2⁻⁵²
  const mantissa = ops.add(ops.mul(hi, 2 ** 20), floorNonNegative(ops.div(lo, 2 ** 12)));
  const u = ops.mul(mantissa, 2 ** -52);
  const scaled = ops.add(ops.mul(u, ops.sub(maxval, minval)), minval);
  return ops.maximum(minval, scaled);
}

/** The bounds must broadcast to the sample's shape (not enlarge it). */
/** Each of `values` (a bound, a probability) must broadcast to the sample shape, not beyond it. */
function checkFits(
  op: string,
  shape: readonly number[],
  what: string,
  ...values: TensorLike[]
): void {
  for (const b of values) {
    const bs = asTensor(b).shape;
    const joined = broadcastShapes(op, shape, bs);
    if (fmtShape(joined) !== fmtShape(shape)) {
      throw new Error(
        `${op}: ${what} of shape ${fmtShape(bs)} does not broadcast to the sample shape ${fmtShape(shape)}`,
      );
    }
  }
}

/**
 * Standard normal samples: √2·erf⁻¹(u) with u uniform in (−1, 1) (JAX's inverse-CDF method).
 *
 * @example
 * const w = random.normal(random.key(1), [3, 4]).mul(0.1);
 */
export function normal(key: TensorLike, shape: readonly number[] = []): Tensor {
  const u = uniform(key, shape, { minval: nextAfter(-1, 0), maxval: 1 });
  return ops.mul(erfinv(u), Math.SQRT2);
}

/**
 * 0/1 samples, 1 with probability p: [u < p] with u uniform in [0, 1). The shape defaults to
 * p's shape.
 *
 * @example
 * const mask = random.bernoulli(random.key(2), 0.9, [8]);
 */
export function bernoulli(key: TensorLike, p: TensorLike = 0.5, shape?: readonly number[]): Tensor {
  const tp = asTensor(p);
  const s = shape ?? tp.shape;
  checkFits("random.bernoulli", s, "p", tp);
  return ops.less(uniform(key, s), tp);
}

export interface CategoricalOptions {
  /** The axis of logits that indexes the categories; default −1. */
  axis?: number;
  /** The sample shape: any leading axes, then logits' shape without `axis`. */
  shape?: readonly number[];
}

/** The index of the largest entry along `axis` (the first at ties), in traced ops. */
function argmax(x: Tensor, axis: number): Tensor {
  const m = ops.max(x, axis, true);
  const n = x.shape[axis];
  const iota = arange(n).reshape([n, ...x.shape.slice(axis + 1).map(() => 1)]);
  return ops.min(ops.where(ops.equal(x, m), iota, n), axis);
}

/**
 * Category indices drawn with probabilities softmax(logits) along `axis`, by the Gumbel-max
 * trick: argmax(logits − log(−log u)) with u uniform in [tiny, 1), as JAX.
 *
 * @example
 * random.categorical(random.key(3), tensor([0.1, 2.0, -1.0]), { shape: [5] });
 */
export function categorical(
  key: TensorLike,
  logits: TensorLike,
  options: CategoricalOptions = {},
): Tensor {
  const l = asTensor(logits);
  if (l.ndim === 0) throw new Error("random.categorical: logits need at least one axis");
  const axis = normAxis("random.categorical", options.axis ?? -1, l.ndim);
  const batch = l.shape.filter((_, i) => i !== axis);
  const shape = options.shape ?? batch;
  const prefix = shape.slice(0, shape.length - batch.length);
  if (shape.length < batch.length || fmtShape(shape.slice(prefix.length)) !== fmtShape(batch)) {
    throw new Error(
      `random.categorical: the shape ${fmtShape(shape)} must end with the logits' shape without axis ${axis}, ${fmtShape(batch)}`,
    );
  }
  const noiseShape = [...prefix, ...l.shape];
  const u = uniform(key, noiseShape, { minval: TINY, maxval: 1 });
  const gumbel = ops.neg(ops.log(ops.neg(ops.log(u))));
  return argmax(ops.add(gumbel, l), prefix.length + axis);
}

/**
 * Samples of the standard normal truncated to (lower, upper): √2·erf⁻¹(u) with u uniform
 * between erf(lower/√2) and erf(upper/√2), clipped into the open interval (JAX's method).
 * lower and upper are numbers (or concrete tensors); the shape defaults to theirs.
 *
 * @example
 * random.truncatedNormal(random.key(4), -2, 2, [100]);
 */
export function truncatedNormal(
  key: TensorLike,
  lower: TensorLike,
  upper: TensorLike,
  shape?: readonly number[],
): Tensor {
  const [lo, hi] = [lower, upper].map((b, i) => {
    const t = asTensor(b);
    if (t instanceof Tracer) {
      throw new Error(
        `random.truncatedNormal: ${i ? "upper" : "lower"} must be a number or a concrete tensor, not a traced value`,
      );
    }
    return t;
  });
  const s = shape ?? broadcastShapes("random.truncatedNormal", lo.shape, hi.shape);
  const a = mapConcrete(lo, (v) => erf(v / Math.SQRT2));
  const b = mapConcrete(hi, (v) => erf(v / Math.SQRT2));
  const u = uniform(key, s, { minval: a, maxval: b });
  const out = ops.mul(erfinv(u), Math.SQRT2);
  const floor = mapConcrete(lo, (v) => nextAfter(v, Infinity));
  const ceiling = mapConcrete(hi, (v) => nextAfter(v, -Infinity));
  return ops.minimum(ops.maximum(out, floor), ceiling);
}

function mapConcrete(t: Tensor, f: (v: number) => number): Tensor {
  return new Tensor(Float64Array.from(t.data, f), t.shape);
}

export interface PermutationOptions {
  /** The axis of x to shuffle; default 0. */
  axis?: number;
}

/**
 * A random permutation of 0..n−1, or of x along `axis`: entries are ordered by one random
 * 64-bit word each (hi, then lo; ties, with probability about n²/2⁶⁵, by position). JAX sorts
 * by 32-bit words in rounds, so the orders differ from JAX's. Eagerly a sort; with a traced key
 * (jit, vmap) each rank is a count of comparisons and the result a 0/1 matrix product, O(n²).
 *
 * @example
 * random.permutation(random.key(5), 10);
 */
export function permutation(
  key: TensorLike,
  x: number | TensorLike,
  options: PermutationOptions = {},
): Tensor {
  const t = typeof x === "number" ? arange(checkCount(x)) : asTensor(x);
  if (t.ndim === 0)
    throw new Error("random.permutation: x must be a count or have an axis to shuffle");
  const axis = normAxis("random.permutation", options.axis ?? 0, t.ndim);
  const n = t.shape[axis];
  const [hi, lo] = words(key, [n]);
  if (!(hi instanceof Tracer) && !(lo instanceof Tracer))
    return ops.take(t, sortedOrder(hi, lo), axis);
  // rank_i = #{j : (hi_j, lo_j, j) < (hi_i, lo_i, i)}; y[r] = Σ_i [rank_i = r] x[i]
  const col = (v: Tensor): Tensor => v.reshape([n, 1]);
  const row = (v: Tensor): Tensor => v.reshape([1, n]);
  const index = arange(n);
  const before = ops.add(
    ops.less(row(hi), col(hi)),
    ops.mul(
      ops.equal(row(hi), col(hi)),
      ops.add(
        ops.less(row(lo), col(lo)),
        ops.mul(ops.equal(row(lo), col(lo)), ops.less(row(index), col(index))),
      ),
    ),
  );
  const rank = ops.sum(before, 1);
  const onehot = ops.equal(col(index), row(rank));
  const perm = [axis, ...t.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = ops.transpose(t, perm);
  const flat = moved.reshape([n, t.size / n]);
  const shuffled = ops.matmul(onehot, flat).reshape(moved.shape);
  return ops.transpose(shuffled, inversePerm(perm));
}

function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`random.permutation: n must be a positive integer, got ${String(n)}`);
  return n;
}

function sortedOrder(hi: Tensor, lo: Tensor): number[] {
  const h = hi.data;
  const l = lo.data;
  const order = Array.from({ length: h.length }, (_, i) => i);
  return order.sort((i, j) => h[i] - h[j] || l[i] - l[j] || i - j);
}
