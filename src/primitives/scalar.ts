/**
 * Scalar math with the runtime's semantics, written once for the eval rules, the kernels and the
 * code `jit` generates (which calls these very functions, as `H_<name>`): NaN propagates through
 * relu, sign, maximum and minimum; sigmoid and softplus never overflow.
 */

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + eˣ) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function relu(x: number): number {
  return x > 0 ? x : Number.isNaN(x) ? x : 0;
}

export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

export function pow(a: number, b: number): number {
  return b === 2 ? a * a : Math.pow(a, b);
}

/** maximum with NaN propagating from either side. */
export function max(a: number, b: number): number {
  return a > b || Number.isNaN(a) ? a : b;
}

/** minimum with NaN propagating from either side. */
export function min(a: number, b: number): number {
  return a < b || Number.isNaN(a) ? a : b;
}

/** The helpers of the generated code, by name. */
export const scalarMath = { sigmoid, softplus, relu, sign, pow, max, min };
