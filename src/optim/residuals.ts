/**
 * A vector function as the least-squares and root solvers see it: residuals r(x) ∈ ℝᵐ of
 * parameters x ∈ ℝⁿ (any shapes, flattened) and the dense m×n Jacobian, each one compiled
 * program (`jit(r)`, `jit(jacobian(r))`), counted; f that reads values runs eagerly.
 */
import { asTensor } from "../tensor/creation.js";
import { jacobian } from "../transforms/jacobians.js";
import { compiled, nonFiniteCause } from "./compiled.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { allFinite, axpy, type Vec } from "./vec.js";

export type VectorFn = (x: Tensor) => Tensor;

export class Residuals {
  readonly shape: number[];
  readonly n: number;
  readonly outShape: number[];
  readonly m: number;
  evaluations = 0;
  jacobianEvaluations = 0;
  private readonly r: (x: Tensor) => Tensor;
  private readonly jac: (x: Tensor) => Tensor;

  constructor(
    readonly f: VectorFn,
    x0: TensorLike,
    readonly what: string,
    useJit = true,
  ) {
    const x = asTensor(x0);
    this.shape = x.shape;
    this.n = x.size;
    this.r = compiled((t: Tensor) => asTensor(f(t)), useJit);
    this.jac = compiled((t: Tensor) => jacobian(f)(t) as Tensor, useJit);
    const r0 = this.r(x);
    this.outShape = r0.shape;
    this.m = r0.size;
  }

  tensor(x: Vec): Tensor {
    return new Tensor(x, this.shape);
  }

  /** Throws, naming both shapes, unless there are as many residuals as parameters. */
  requireSquare(): void {
    if (this.m !== this.n)
      throw new Error(
        `${this.what}: f maps parameters of shape ${fmtShape(this.shape)} to values of shape ` +
          `${fmtShape(this.outShape)}; a root needs as many equations as unknowns`,
      );
  }

  residuals(x: Vec): Vec {
    this.evaluations += 1;
    return Float64Array.from(this.r(this.tensor(x)).data);
  }

  /** The m×n Jacobian, row-major. */
  jacobian(x: Vec): Vec {
    this.jacobianEvaluations += 1;
    return Float64Array.from(this.jac(this.tensor(x)).data);
  }

  /** Throws naming the iteration and the first non-finite primitive. */
  checkFinite(x: Vec, values: Vec, iteration: number, what = "the residuals"): void {
    if (allFinite(values)) return;
    const cause = nonFiniteCause(() => this.f(this.tensor(x)));
    throw new Error(`${this.what}: at iteration ${iteration}, ${what} are not finite${cause}`);
  }
}

/** JᵀJ (n×n) and Jᵀr for a row-major m×n J. */
export function normalEquations(j: Vec, r: Vec, m: number, n: number): { a: Vec; g: Vec } {
  const a = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    const row = k * n;
    const rk = r[k];
    for (let p = 0; p < n; p++) {
      const jp = j[row + p];
      if (jp === 0) continue;
      g[p] += jp * rk;
      const out = p * n;
      for (let q = p; q < n; q++) a[out + q] += jp * j[row + q];
    }
  }
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[p * n + q] = a[q * n + p];
  return { a, g };
}

/**
 * Backtracking along h from x: t = 1, ½, ¼, … down to tMin, the first x + t h whose residuals
 * `accept(r, t)` takes; null when none does. Newton's damping for roots and the Gauss–Newton
 * line search.
 */
export function backtrack(
  problem: Residuals,
  x: Vec,
  h: Vec,
  accept: (r: Vec, t: number) => boolean,
  tMin: number,
): { x: Vec; r: Vec; t: number } | null {
  for (let t = 1; t > tMin; t /= 2) {
    const next = axpy(t, h, x);
    const r = problem.residuals(next);
    if (accept(r, t)) return { x: next, r, t };
  }
  return null;
}
