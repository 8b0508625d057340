/**
 * Counter-based random keys on Threefry-2x32 (20 rounds), laid out as JAX's: a key is a tensor
 * of shape [2] holding two uint32 words (exact in float64); `split` and `foldIn` are Threefry of
 * the key at counters (0, i) and (hi(data), lo(data)); the bits of a sample of shape S are
 * Threefry of the key at the flat index of each entry (JAX's partitionable layout). Every step
 * is the one primitive `threefry2x32`, so keys may be traced: under `jit`, `vmap` (a batch of
 * keys) and inside differentiated code (zero derivative).
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { NO_PARAMS, Primitive } from "../primitives/primitive.js";
import { bind } from "../core.js";
import { arange, asTensor, tensor, zeros } from "../tensor/creation.js";
import * as ops from "../ops.js";
import { broadcastShapesOf, fmtShape, sizeOf } from "../tensor/shape.js";

const WORD = 2 ** 32;

/**
 * Threefry-2x32 with 20 rounds, elementwise over its four word arguments (uint32 values,
 * broadcast together to a shape S; each entry is taken mod 2³²) → shape [...S, 2], the two
 * output words. The block function of the random keys; its derivative is zero.
 *
 * @example
 * threefry2x32(0, 0, 0, 0); // → tensor([0x6b200159, 0x99ba4efe]) (Random123's known answer)
 */
export function threefry2x32(
  key0: TensorLike,
  key1: TensorLike,
  count0: TensorLike,
  count1: TensorLike,
): Tensor {
  const xs = [key0, key1, count0, count1].map((x) => asTensor(x));
  broadcastShapesOf(
    "threefry2x32",
    xs.map((x) => x.shape),
  );
  return bind(Primitive.Threefry2x32, xs, NO_PARAMS);
}

/** The two words of a non-negative or negative safe integer, as JAX splits an int64 seed. */
function wordsOf(op: string, value: number): [number, number] {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${op}: expected a safe integer, got ${String(value)}`);
  }
  const lo = ((value % WORD) + WORD) % WORD;
  const hi = ((Math.floor(value / WORD) % WORD) + WORD) % WORD;
  return [hi, lo];
}

/**
 * A key from an integer seed: the words [hi, lo] of the seed as a 64-bit integer (negative
 * seeds in two's complement), as `jax.random.PRNGKey(seed)` with 64-bit integers.
 *
 * @example
 * const k = random.key(0); // tensor([0, 0])
 * const [k1, k2] = random.split(k);
 * random.normal(k1, [3]);
 */
export function key(seed: number): Tensor {
  return tensor(wordsOf("random.key", seed));
}

/** Checks that `k` is a key (shape [2]) and returns its two words as 0-d tensors. */
function keyWords(op: string, k: TensorLike): [Tensor, Tensor] {
  const t = asTensor(k);
  if (t.ndim !== 1 || t.shape[0] !== 2) {
    throw new Error(
      `${op}: a key has shape [2] (two uint32 words, from random.key(seed)), got shape ${fmtShape(t.shape)}; for a batch of keys use vmap`,
    );
  }
  return [ops.slice(t, 0), ops.slice(t, 1)];
}

function checkShape(op: string, shape: readonly number[]): number[] {
  const dims: unknown[] = Array.isArray(shape) ? (shape as unknown[]) : [NaN];
  if (dims.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `${op}: the shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (sizeOf(shape) >= WORD)
    throw new Error(`${op}: at most 2³² − 1 samples per key, got shape ${fmtShape(shape)}`);
  return [...shape];
}

/**
 * The random words of a sample of shape S: [...S, 2], words (hi, lo) of one 64-bit value per
 * entry, Threefry of the key at counter (0, flat index) — `jax.random.bits(key, S, uint64)`.
 */
export function bits(k: TensorLike, shape: readonly number[] = []): Tensor {
  const s = checkShape("random.bits", shape);
  const [k0, k1] = keyWords("random.bits", k);
  const index = arange(sizeOf(s)).reshape(s);
  return threefry2x32(k0, k1, zeros(s), index);
}

/**
 * n new keys from one, shape [n, 2]: key i is Threefry of the key at counter (0, i).
 *
 * @example
 * const [params, noise] = random.split(random.key(42));
 */
export function split(k: TensorLike, n = 2): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`random.split: n must be a non-negative integer, got ${String(n)}`);
  return bits(k, [n]);
}

/**
 * A new key from a key and an integer (a step number, an index, a name's hash): Threefry of the
 * key at counter (hi(data), lo(data)), as `jax.random.fold_in`. `data` may be a traced 0-d
 * tensor holding a uint32 (under jit, a loop index).
 *
 * @example
 * const stepKey = random.foldIn(k, step);
 */
export function foldIn(k: TensorLike, data: TensorLike): Tensor {
  const [k0, k1] = keyWords("random.foldIn", k);
  if (typeof data === "number") {
    const [hi, lo] = wordsOf("random.foldIn", data);
    return threefry2x32(k0, k1, hi, lo);
  }
  const d = asTensor(data);
  if (d.ndim !== 0)
    throw new Error(
      `random.foldIn: data must be a number or a 0-d tensor, got shape ${fmtShape(d.shape)}`,
    );
  return threefry2x32(k0, k1, 0, d);
}
