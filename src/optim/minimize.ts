/**
 * `minimize(f, x0, { method })`: BFGS, L-BFGS, Newton and gradient descent with the strong-Wolfe
 * line search of line-search.ts. The loop runs in JavaScript on Float64Arrays; f, its gradient,
 * its Hessian and its Hessian-vector products are compiled once each (objective.ts).
 */
import { asTensor } from "../tensor/creation.js";
import type { TensorLike } from "../tensor/tensor.js";
import { strongWolfe, type LinePoint } from "./line-search.js";
import { newton } from "./newton.js";
import { Objective, type ScalarFn } from "./objective.js";
import { OptimizeResult, Progress, type TraceOption } from "./result.js";
import { bfgs, gradientDescent, lbfgs, type Point, type Strategy } from "./strategies.js";
import { axpy, dot, norm, scaled, subVec, type Vec } from "./vec.js";

export type MinimizeMethod = "bfgs" | "lbfgs" | "newton" | "gd";

/** Options of `minimize`. */
export interface MinimizeOptions {
  /** "bfgs" (default), "lbfgs", "newton" or "gd" (steepest descent). */
  method?: MinimizeMethod | undefined;
  /** Stop when ‖∇f‖ ≤ tol (default 1e-5, as scipy's gtol). */
  tol?: number | undefined;
  /** The norm of that test: Infinity (max |∂f/∂xᵢ|, default, as scipy) or 2. */
  norm?: number | undefined;
  /** The most iterations (default 200 · n, at least 1,000, as scipy's BFGS). */
  maxIter?: number | undefined;
  /** L-BFGS: the pairs kept (default 10). */
  history?: number | undefined;
  /** Newton: "exact" Hessian (default up to n = 500) or "hvp" products solved by CG. */
  hessian?: "exact" | "hvp" | undefined;
  /** Push value, ‖∇f‖ and step to a live trace: true for a new one, or a trace to share. */
  trace?: TraceOption;
  /** Prefix of the trace's series (to tell solvers apart on a shared trace). */
  label?: string | undefined;
  /** Compile f and its derivatives (default true; f that reads values runs eagerly anyway). */
  jit?: boolean | undefined;
  /** The line search's sufficient-decrease and curvature constants (default 1e-4 and 0.9). */
  c1?: number | undefined;
  c2?: number | undefined;
}

function strategyFor(
  method: MinimizeMethod,
  objective: Objective,
  options: MinimizeOptions,
): Strategy {
  switch (method) {
    case "bfgs":
      return bfgs(objective.n);
    case "lbfgs":
      return lbfgs(options.history ?? 10);
    case "gd":
      return gradientDescent();
    case "newton":
      return newton(objective, newtonMode(objective.n, options));
  }
}

function newtonMode(n: number, options: MinimizeOptions): "exact" | "hvp-cg" {
  if (options.hessian === "exact") return "exact";
  if (options.hessian === "hvp") return "hvp-cg";
  return n <= 500 ? "exact" : "hvp-cg";
}

/** One line search along p from s; null if it failed. */
function search(
  objective: Objective,
  s: Point,
  p: Vec,
  alpha1: number,
  options: MinimizeOptions,
): LinePoint | null {
  const phi = (alpha: number): LinePoint => {
    const x = axpy(alpha, p, s.x);
    const { value, grad } = objective.valueAndGrad(x);
    return { alpha, value, slope: dot(grad, p), x, grad };
  };
  const phi0: LinePoint = { alpha: 0, value: s.value, slope: dot(s.grad, p), x: s.x, grad: s.grad };
  return strongWolfe(phi, phi0, alpha1, { c1: options.c1, c2: options.c2 });
}

/** scipy's first trial step: 1 for Newton, else min(1, 2.02 (f_{k−1} − f_k) / φ′(0)). */
function firstStep(strategy: Strategy, s: Point, previous: number, slope: number): number {
  if (strategy.unitStep) return 1;
  const a = (2.02 * (s.value - previous)) / slope;
  return a > 0 && Number.isFinite(a) ? Math.min(1, a) : 1;
}

/** A descent direction and a line search along it, retried along −∇f after forgetting curvature. */
function step(
  objective: Objective,
  strategy: Strategy,
  s: Point,
  previous: number,
  options: MinimizeOptions,
): LinePoint | null {
  let p = strategy.direction(s);
  if (!(dot(p, s.grad) < 0)) {
    strategy.reset();
    p = scaled(-1, s.grad);
  }
  const found = search(objective, s, p, firstStep(strategy, s, previous, dot(p, s.grad)), options);
  if (found !== null || !strategy.reset()) return found;
  const q = scaled(-1, s.grad);
  return search(objective, s, q, firstStep(strategy, s, previous, dot(q, s.grad)), options);
}

interface Outcome {
  s: Point;
  iterations: number;
  converged: boolean;
  message: string;
}

function iterate(
  objective: Objective,
  strategy: Strategy,
  x0: Vec,
  options: MinimizeOptions,
  progress: Progress,
): Outcome {
  const tol = options.tol ?? 1e-5;
  const ord = options.norm ?? Infinity;
  const maxIter = options.maxIter ?? Math.max(1000, 200 * objective.n);
  let s: Point = { x: x0, ...objective.valueAndGrad(x0) };
  objective.checkFinite(s.x, s.value, s.grad, 0);
  progress.push(0, s.x, s.value, norm(s.grad), 0);
  let previous = s.value + norm(s.grad) / 2;
  for (let k = 0; ; k++) {
    const gNorm = norm(s.grad, ord);
    if (gNorm <= tol)
      return {
        s,
        iterations: k,
        converged: true,
        message: `‖∇f‖ = ${gNorm.toExponential(2)} ≤ tol = ${tol}`,
      };
    if (k >= maxIter)
      return {
        s,
        iterations: k,
        converged: false,
        message: `reached maxIter = ${maxIter} with ‖∇f‖ = ${gNorm.toExponential(2)}`,
      };
    const next = step(objective, strategy, s, previous, options);
    if (next === null)
      return {
        s,
        iterations: k,
        converged: false,
        message: `the line search found no step satisfying the strong Wolfe conditions (‖∇f‖ = ${gNorm.toExponential(2)}; at the limit of float64 precision?)`,
      };
    objective.checkFinite(next.x, next.value, next.grad, k + 1);
    const point: Point = { x: next.x, value: next.value, grad: next.grad };
    strategy.update(s, point);
    previous = s.value;
    progress.push(k + 1, point.x, point.value, norm(point.grad), norm(subVec(point.x, s.x)));
    s = point;
  }
}

/**
 * Minimises a scalar function f of a tensor from x0 (any shape). Methods: "bfgs" (default; dense
 * inverse-Hessian updates, N&W §6.1), "lbfgs" (N&W §7.2, `history` pairs), "newton" (exact
 * Hessian for n ≤ 500, else Hessian-vector products and truncated CG, N&W §7.1; the result says
 * which in `hessian`), "gd" (steepest descent). Every step is a strong-Wolfe line search (N&W
 * §3.5–3.6, cubic interpolation). Stops when ‖∇f‖ ≤ tol, at maxIter, or when no step decreases f
 * enough; `message` says which. `trace: true` pushes value, ‖∇f‖ and step to a live trace.
 *
 * @example
 * const rosen = (p: Tensor) =>
 *   add(square(sub(1, p.slice(0))), mul(100, square(sub(p.slice(1), square(p.slice(0))))));
 * const r = minimize(rosen, [-1.2, 1], { method: "bfgs", tol: 1e-8 });
 * r.converged; // → true
 * r.x; // ≈ tensor([1, 1])
 */
export function minimize(
  f: ScalarFn,
  x0: TensorLike,
  options: MinimizeOptions = {},
): OptimizeResult {
  const method = options.method ?? "bfgs";
  const objective = new Objective(f, x0, `minimize (${method})`, options.jit ?? true);
  const strategy = strategyFor(method, objective, options);
  const progress = new Progress(options.trace, `minimize (${method})`, options.label);
  const start = Float64Array.from(asTensor(x0).data);
  const out = iterate(objective, strategy, start, options, progress);
  progress.finish();
  return new OptimizeResult({
    method,
    x: objective.tensor(out.s.x),
    value: out.s.value,
    grad: objective.tensor(out.s.grad),
    iterations: out.iterations,
    evaluations: objective.evaluations,
    hessianEvaluations: objective.hessianEvaluations,
    converged: out.converged,
    message: out.message,
    path: progress.iterates(objective.shape),
    hessian: method === "newton" ? newtonMode(objective.n, options) : undefined,
    trace: progress.trace,
  });
}
