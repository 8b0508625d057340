/**
 * `leastSquares(residuals, x0)`: minimises ½‖r(x)‖² by Levenberg–Marquardt — the damped normal
 * equations (JᵀJ + μ D) h = −Jᵀr with D = diag(JᵀJ) (Marquardt's scaling), μ updated by the gain
 * ratio ϱ as Nielsen proposed (Madsen, Nielsen & Tingleff 2004, Algorithm 3.16: on success
 * μ ← μ · max(1/3, 1 − (2ϱ − 1)³), ν ← 2; on failure μ ← μ ν, ν ← 2ν) — or by Gauss–Newton with
 * a backtracking line search. Returns the fit, the final Jacobian and, for ≤ 1,000 parameters,
 * the standard errors √diag(s² (JᵀJ)⁻¹) with s² = ‖r‖² / (m − n).
 */
import { asTensor } from "../tensor/creation.js";
import { Jacobian } from "../tensor/jacobian.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import type { SparseJacobian } from "../extras/sparse.js";
import { Progress, type TraceOption } from "./result.js";
import { backtrack, normalEquations, Residuals, type VectorFn } from "./residuals.js";
import { LeastSquaresResult, type LeastSquaresFields } from "./least-squares-result.js";
import { sparseModel } from "./least-squares-sparse.js";
import { axpy, cholesky, choleskySolve, dot, norm, type Vec } from "./vec.js";

/** Options of `leastSquares`. */
export interface LeastSquaresOptions {
  /** "lm" (Levenberg–Marquardt, default) or "gauss-newton". */
  method?: "lm" | "gauss-newton" | undefined;
  /** Stop when max |Jᵀr| ≤ gtol (default 1e-12). */
  gtol?: number | undefined;
  /** Stop when the step ‖h‖ ≤ xtol (‖x‖ + xtol) (default 1e-12). */
  xtol?: number | undefined;
  /** The most iterations (default 100 · (n + 1)). */
  maxIter?: number | undefined;
  /** Levenberg–Marquardt: the initial damping μ₀ (relative to diag(JᵀJ), default 1e-3). */
  damping?: number | undefined;
  /** Push ½‖r‖², max |Jᵀr| and the step to a live trace: true, or a trace to share. */
  trace?: TraceOption;
  /** Prefix of the trace's series. */
  label?: string | undefined;
  /** Compile r and its Jacobian (default true). */
  jit?: boolean | undefined;
  /** Also stop when ‖r‖ ≤ residualTol (default 0: off). */
  residualTol?: number | undefined;
  /**
   * "dense" (default): the m×n Jacobian, JᵀJ by Cholesky. "sparse": the Jacobian by its
   * nonzeros and the damped normal equations by preconditioned conjugate gradients.
   */
  jacobian?: "dense" | "sparse" | undefined;
  /** Sparse: the relative residual at which CG stops (default 1e-10). */
  cgTol?: number | undefined;
  /** Sparse: the most CG iterations per step (default 200). */
  cgMaxIter?: number | undefined;
}

/**
 * The Gauss–Newton model at an iterate, dense or sparse: the residuals, ½‖r‖², g = Jᵀr, the
 * damped step of (JᵀJ + μ D) h = −g (D = diag(JᵀJ); null when it has none) and the decrease
 * L(0) − L(h) it predicts. The LM and Gauss–Newton loops see only this.
 */
export interface Model {
  x: Vec;
  r: Vec;
  cost: number;
  g: Vec;
  step(mu: number): Vec | null;
  predicted(h: Vec, mu: number): number;
}

/** Evaluates the model at x with residuals r (one Jacobian). */
export type ModelAt<M extends Model> = (x: Vec, r: Vec) => M;

/** The dense model: JᵀJ and Jᵀr formed, the step by Cholesky. */
interface DenseModel extends Model {
  j: Vec;
  a: Vec;
}

function denseModel(problem: Residuals): ModelAt<DenseModel> {
  return (x, r) => {
    const j = problem.jacobian(x);
    const { a, g } = normalEquations(j, r, problem.m, problem.n);
    return {
      x,
      r,
      cost: 0.5 * dot(r, r),
      g,
      j,
      a,
      step: (mu) => dampedStep(a, g, mu),
      // L(0) − L(h) = ½ hᵀ(μ D h − g) for the exact damped step
      predicted: (h, mu) => {
        let sum = 0;
        for (let i = 0; i < h.length; i++)
          sum += 0.5 * h[i] * (mu * Math.max(a[i * h.length + i], 1e-300) * h[i] - g[i]);
        return sum;
      },
    };
  };
}

/** Solves (A + μ diag(A)) h = −g; null when that matrix is not positive definite. */
export function dampedStep(a: Vec, g: Vec, mu: number): Vec | null {
  const n = g.length;
  const scaledA = Float64Array.from(a);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]);
  for (let i = 0; i < n; i++)
    scaledA[i * n + i] += mu * Math.max(a[i * n + i], 1e-16 * maxDiag, 1e-300);
  const l = cholesky(scaledA, n);
  if (l === null) return null;
  const h = choleskySolve(l, g);
  for (let i = 0; i < n; i++) h[i] = -h[i];
  return h;
}

interface Loop<M extends Model> {
  s: M;
  iterations: number;
  converged: boolean;
  message: string;
}

function stopTest(s: Model, h: Vec | null, options: LeastSquaresOptions): string | null {
  const gtol = options.gtol ?? 1e-12;
  const xtol = options.xtol ?? 1e-12;
  const rtol = options.residualTol ?? 0;
  const gMax = norm(s.g, Infinity);
  if (gMax <= gtol) return `max |Jᵀr| = ${gMax.toExponential(2)} ≤ gtol = ${gtol}`;
  const rNorm = norm(s.r);
  if (rNorm <= rtol) return `‖r‖ = ${rNorm.toExponential(2)} ≤ residualTol = ${rtol}`;
  if (h !== null && norm(h) <= xtol * (norm(s.x) + xtol))
    return `the step ${norm(h).toExponential(2)} ≤ xtol · (‖x‖ + xtol), xtol = ${xtol}`;
  return null;
}

const stopped = <M extends Model>(s: M, iterations: number, message: string): Loop<M> => ({
  s,
  iterations,
  converged: false,
  message,
});

/** Levenberg–Marquardt with Nielsen's damping update, on any model. */
function levenbergMarquardt<M extends Model>(
  problem: Residuals,
  at: ModelAt<M>,
  s0: M,
  options: LeastSquaresOptions,
  progress: Progress,
): Loop<M> {
  const maxIter = options.maxIter ?? 100 * (problem.n + 1);
  let s = s0;
  let mu = options.damping ?? 1e-3;
  let nu = 2;
  for (let k = 0; k < maxIter;) {
    const early = stopTest(s, null, options);
    if (early !== null) return { s, iterations: k, converged: true, message: early };
    const h = s.step(mu);
    if (h !== null) {
      const done = stopTest(s, h, options);
      if (done !== null) return { s, iterations: k, converged: true, message: done };
      const x = axpy(1, h, s.x);
      const r = problem.residuals(x);
      const cost = Number.isFinite(dot(r, r)) ? 0.5 * dot(r, r) : Infinity;
      const rho = (s.cost - cost) / s.predicted(h, mu);
      if (rho > 0 && Number.isFinite(cost)) {
        s = at(x, r);
        k += 1;
        progress.push(k, s.x, s.cost, norm(s.g, Infinity), norm(h));
        mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        continue;
      }
    }
    mu *= nu;
    nu *= 2;
    if (!(mu < 1e300))
      return stopped(s, k, "the damping grew without bound: no step decreases ½‖r‖²");
  }
  return stopped(s, maxIter, `reached maxIter = ${maxIter}`);
}

/** Gauss–Newton (the undamped step) with a backtracking line search, on any model. */
function gaussNewton<M extends Model>(
  problem: Residuals,
  at: ModelAt<M>,
  s0: M,
  options: LeastSquaresOptions,
  progress: Progress,
): Loop<M> {
  const maxIter = options.maxIter ?? 100 * (problem.n + 1);
  let s = s0;
  for (let k = 0; k < maxIter; k++) {
    const h = s.step(1e-14) ?? s.step(1e-6);
    const stop = stopTest(s, h, options);
    if (stop !== null) return { s, iterations: k, converged: true, message: stop };
    if (h === null)
      return stopped(s, k, 'JᵀJ is singular: Gauss–Newton has no step (try method "lm")');
    const slope = dot(s.g, h);
    const cost = s.cost;
    // Armijo: ½‖r(x + t h)‖² ≤ ½‖r‖² + 1e-4 t gᵀh
    const found = backtrack(
      problem,
      s.x,
      h,
      (r, t) => 0.5 * dot(r, r) <= cost + 1e-4 * t * slope,
      1e-10,
    );
    if (found === null)
      return stopped(s, k, "no step along the Gauss–Newton direction decreases ½‖r‖²");
    s = at(found.x, found.r);
    const t = found.t;
    progress.push(k + 1, s.x, s.cost, norm(s.g, Infinity), t * norm(h));
  }
  return stopped(s, maxIter, `reached maxIter = ${maxIter}`);
}

/** √diag(s² (JᵀJ)⁻¹), inverting the Jacobi-scaled JᵀJ; undefined when m ≤ n or n > 1,000. */
export function standardErrors(a: Vec, cost: number, m: number, n: number): Vec | undefined {
  if (m <= n || n > 1000) return undefined;
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = 1 / Math.sqrt(Math.max(a[i * n + i], 1e-300));
  const scaledA = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) scaledA[i * n + j] = a[i * n + j] * scale[i] * scale[j];
  const l = cholesky(scaledA, n);
  if (l === null) return undefined;
  const s2 = (2 * cost) / (m - n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = new Float64Array(n);
    e[i] = 1;
    out[i] = Math.sqrt(s2 * choleskySolve(l, e)[i]) * scale[i];
  }
  return out;
}

function denseFit(
  problem: Residuals,
  x: Vec,
  r: Vec,
  options: LeastSquaresOptions,
  progress: Progress,
): Omit<LeastSquaresFields<Jacobian>, "method" | "path" | "trace" | "evaluations"> {
  const at = denseModel(problem);
  const s0 = at(x, r);
  progress.push(0, s0.x, s0.cost, norm(s0.g, Infinity), 0);
  const loop = options.method === "gauss-newton" ? gaussNewton : levenbergMarquardt;
  const out = loop(problem, at, s0, options, progress);
  const { s } = out;
  const se = standardErrors(s.a, s.cost, problem.m, problem.n);
  return {
    ...fitFields(problem, out),
    jacobian: new Jacobian(s.j, problem.outShape, problem.shape),
    standardErrors: se === undefined ? undefined : problem.tensor(se),
    linearSolver: "Cholesky of JᵀJ + μ diag(JᵀJ)",
  };
}

function sparseFit(
  problem: Residuals,
  x: Vec,
  r: Vec,
  options: LeastSquaresOptions,
  progress: Progress,
): Omit<LeastSquaresFields<SparseJacobian>, "method" | "path" | "trace" | "evaluations"> {
  const { at, stats, jacobian } = sparseModel(problem, x, options);
  const s0 = at(x, r);
  progress.push(0, s0.x, s0.cost, norm(s0.g, Infinity), 0);
  const loop = options.method === "gauss-newton" ? gaussNewton : levenbergMarquardt;
  const out = loop(problem, at, s0, options, progress);
  return {
    ...fitFields(problem, out),
    jacobian: jacobian.toSparse(out.s.j, problem.outShape, problem.shape),
    standardErrors: undefined,
    linearSolver:
      `conjugate gradients preconditioned by IC(0): ${stats.cgIterations} iterations over ` +
      `${stats.solves} solves; J from ${stats.colors} colours`,
  };
}

function fitFields<M extends Model>(problem: Residuals, out: Loop<M>) {
  return {
    x: problem.tensor(out.s.x),
    residuals: new Tensor(out.s.r, problem.outShape),
    cost: out.s.cost,
    iterations: out.iterations,
    jacobianEvaluations: problem.jacobianEvaluations,
    converged: out.converged,
    message: out.message,
  };
}

/**
 * Fits x so that the residuals r(x) (any shape) are least in ½‖r‖²: Levenberg–Marquardt with
 * Nielsen's damping on diag(JᵀJ) (default) or Gauss–Newton, the Jacobian compiled once
 * (`jit(jacobian(r))`). The result has the fit, the cost, the final Jacobian (a `Jacobian` of
 * shape [...r.shape, ...x.shape]) and, for ≤ 1,000 parameters, `standardErrors`. With
 * `jacobian: "sparse"` the Jacobian is found by its nonzeros (pattern and colouring once, then
 * one batched jvp per iterate) and the damped normal equations are solved by conjugate gradients
 * preconditioned with incomplete Cholesky, in memory O(nnz): problems with 10⁵ unknowns; the
 * result's Jacobian is then a `SparseJacobian`.
 *
 * @example
 * const t = tensor([0, 1, 2, 3]);
 * const y = tensor([2, 2.7, 3.7, 5]);
 * const fit = leastSquares((p: Tensor) => sub(mul(p.slice(0), exp(mul(p.slice(1), t))), y), [1, 0]);
 * fit.x; // ≈ [2.0, 0.3], with fit.standardErrors beside it
 */
export function leastSquares(
  residuals: VectorFn,
  x0: TensorLike,
  options: LeastSquaresOptions & { jacobian: "sparse" },
): LeastSquaresResult<SparseJacobian>;
export function leastSquares(
  residuals: VectorFn,
  x0: TensorLike,
  options?: LeastSquaresOptions & { jacobian?: "dense" | undefined },
): LeastSquaresResult;
export function leastSquares(
  residuals: VectorFn,
  x0: TensorLike,
  options: LeastSquaresOptions = {},
): LeastSquaresResult<Jacobian | SparseJacobian> {
  const method = options.method ?? "lm";
  const sparse = options.jacobian === "sparse";
  const what = `leastSquares (${method}${sparse ? ", sparse" : ""})`;
  const problem = new Residuals(residuals, x0, what, options.jit ?? true);
  const progress = new Progress(options.trace, what, options.label, ["½‖r‖²", "max |Jᵀr|", "step"]);
  const x = Float64Array.from(asTensor(x0).data);
  const r = problem.residuals(x);
  problem.checkFinite(x, r, 0);
  const fit = (sparse ? sparseFit : denseFit)(problem, x, r, options, progress);
  progress.finish();
  return new LeastSquaresResult<Jacobian | SparseJacobian>({
    method,
    ...fit,
    evaluations: problem.evaluations,
    path: progress.iterates(problem.shape),
    trace: progress.trace,
  });
}
