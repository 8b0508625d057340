/**
 * `findRoot(f, x0, { method: "newton" })`: Newton's method for f: ℝⁿ → ℝⁿ, J(xₖ) hₖ = −f(xₖ)
 * with the Jacobian compiled once (`jit(jacobian(f))`) and solved by LU, damped by backtracking
 * on ½‖f‖² when the full step does not decrease it.
 */
import { asTensor } from "../tensor/creation.js";
import { Jacobian } from "../tensor/jacobian.js";
import { solve } from "../ops.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { RootResult } from "./least-squares-result.js";
import { Progress, type TraceOption } from "./result.js";
import { backtrack, Residuals, type VectorFn } from "./residuals.js";
import { allFinite, dot, norm, type Vec } from "./vec.js";

/** Options of `findRoot`. */
export interface FindRootOptions {
  /** "newton" (the only method so far). */
  method?: "newton" | undefined;
  /** Stop when max |fᵢ(x)| ≤ tol (default 1e-10). */
  tol?: number | undefined;
  /** The most Newton steps (default 100). */
  maxIter?: number | undefined;
  /** Push ½‖f‖², max |f| and the step to a live trace: true, or a trace to share. */
  trace?: TraceOption;
  label?: string | undefined;
  /** Compile f and its Jacobian (default true). */
  jit?: boolean | undefined;
}

interface Loop {
  x: Vec;
  r: Vec;
  j: Vec;
  iterations: number;
  converged: boolean;
  message: string;
}

/** The full Newton step, halved until ½‖f‖² decreases; null when none does. */
function dampedNewton(
  problem: Residuals,
  x: Vec,
  r: Vec,
  h: Vec,
): { x: Vec; r: Vec; t: number } | null {
  const cost = dot(r, r);
  return backtrack(problem, x, h, (next) => allFinite(next) && dot(next, next) < cost, 1e-12);
}

/** −J⁻¹ r, or null when J is singular. */
function newtonStep(j: Vec, r: Vec, n: number): Vec | null {
  try {
    const h = Float64Array.from(solve(new Tensor(j, [n, n]), new Tensor(r, [n])).data);
    for (let i = 0; i < n; i++) h[i] = -h[i];
    return allFinite(h) ? h : null;
  } catch {
    return null;
  }
}

function newtonLoop(
  problem: Residuals,
  x0: Vec,
  options: FindRootOptions,
  progress: Progress,
): Loop {
  const tol = options.tol ?? 1e-10;
  const maxIter = options.maxIter ?? 100;
  const n = problem.n;
  let x = x0;
  let r = problem.residuals(x);
  problem.checkFinite(x, r, 0, "the values of f");
  progress.push(0, x, 0.5 * dot(r, r), norm(r, Infinity), 0);
  for (let k = 0; ; k++) {
    const j = problem.jacobian(x);
    const size = norm(r, Infinity);
    if (size <= tol)
      return {
        x,
        r,
        j,
        iterations: k,
        converged: true,
        message: `max |f| = ${size.toExponential(2)} ≤ tol = ${tol}`,
      };
    if (k >= maxIter)
      return {
        x,
        r,
        j,
        iterations: k,
        converged: false,
        message: `reached maxIter = ${maxIter} with max |f| = ${size.toExponential(2)}`,
      };
    const h = newtonStep(j, r, n);
    if (h === null)
      return {
        x,
        r,
        j,
        iterations: k,
        converged: false,
        message: `the Jacobian is singular at iteration ${k}`,
      };
    const next = dampedNewton(problem, x, r, h);
    if (next === null)
      return {
        x,
        r,
        j,
        iterations: k,
        converged: false,
        message: `no step along the Newton direction decreases ‖f‖ at iteration ${k}`,
      };
    x = next.x;
    r = next.r;
    progress.push(k + 1, x, 0.5 * dot(r, r), norm(r, Infinity), next.t * norm(h));
  }
}

/**
 * A root of f: ℝⁿ → ℝⁿ (x and f(x) of the same size, any shapes) by Newton's method with the
 * Jacobian at each step; the result keeps the final Jacobian (it shows as a heatmap).
 *
 * @example
 * const f = (v: Tensor) => stack([sub(square(v.slice(0)), 2), sub(v.slice(1), v.slice(0))]);
 * findRoot(f, [1, 0]).x; // ≈ [√2, √2]
 */
export function findRoot(f: VectorFn, x0: TensorLike, options: FindRootOptions = {}): RootResult {
  const method = options.method ?? "newton";
  const problem = new Residuals(f, x0, `findRoot (${method})`, options.jit ?? true);
  problem.requireSquare();
  const progress = new Progress(options.trace, `findRoot (${method})`, options.label, [
    "½‖f‖²",
    "max |f|",
    "step",
  ]);
  const out = newtonLoop(problem, Float64Array.from(asTensor(x0).data), options, progress);
  progress.finish();
  return new RootResult({
    method,
    x: problem.tensor(out.x),
    value: new Tensor(out.r, problem.outShape),
    jacobian: new Jacobian(out.j, problem.outShape, problem.shape),
    iterations: out.iterations,
    evaluations: problem.evaluations,
    jacobianEvaluations: problem.jacobianEvaluations,
    converged: out.converged,
    message: out.message,
    path: progress.iterates(problem.shape),
    trace: progress.trace,
  });
}
