/** Finite differences and inner products for the derivative checks. */
import type { Tensor } from "cotangent";
import { add, jvp, mul, randn, slice, square, sub, sum, tensor, vjp } from "cotangent";

export type TensorFn = (...xs: Tensor[]) => Tensor;

/** Central difference of f at xs in direction ts. */
export function fdJvp(f: TensorFn, xs: Tensor[], ts: Tensor[], eps = 1e-6): Tensor {
  const plus = f(...xs.map((x, i) => x.add(ts[i].mul(eps))));
  const minus = f(...xs.map((x, i) => x.sub(ts[i].mul(eps))));
  return plus.sub(minus).div(2 * eps);
}

export function inner(a: Tensor, b: Tensor): number {
  return a.mul(b).sum().item();
}

let seed = 1000;
export function randomLike(x: Tensor): Tensor {
  return randn(x.shape, { seed: seed++ });
}

/** ⟨J t, c⟩ and ⟨t, Jᵀ c⟩ for random t and c. */
export function innerProducts(f: TensorFn, xs: Tensor[]): { forward: number; reverse: number } {
  const ts = xs.map(randomLike);
  const [y, yDot] = jvp(f, xs, ts);
  const c = randomLike(y);
  const [, pullback] = vjp(f, ...xs);
  const cts = pullback(c);
  const reverse = cts.reduce((acc, ct, i) => acc + inner(ts[i], ct), 0);
  return { forward: inner(yDot, c), reverse };
}

/** Relative closeness of two numbers. */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-12, Math.abs(a), Math.abs(b));
}

/** A random tensor with entries in a domain suited to the op. */
export function sample(
  shape: number[],
  domain: "any" | "pos" | "away" | "small",
  s: number,
): Tensor {
  const x = randn(shape, { seed: s });
  if (domain === "pos") return x.abs().add(0.5);
  if (domain === "away") return x.sign().mul(x.abs().add(0.2));
  if (domain === "small") return x.mul(0.3);
  return x;
}

export { tensor };

/** Rosenbrock in n variables: Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])², written as the benchmark does. */
export function rosenbrock(x: Tensor): Tensor {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  const b = slice(x, [1, n]);
  const t = sub(b, mul(a, a));
  return sum(add(mul(mul(t, t), 100), square(sub(1, a))));
}
