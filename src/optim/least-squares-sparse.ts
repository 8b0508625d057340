/**
 * The sparse Gauss–Newton model of `leastSquares(…, { jacobian: "sparse" })`: J in compressed
 * rows from `SparseResidualJacobian`, g = Jᵀr, and the damped step by conjugate gradients
 * preconditioned with IC(0) of JᵀJ + μD (`sparse-normal.ts`); memory O(nnz · row length).
 */
import { SparseResidualJacobian } from "./sparse-residuals.js";
import type { Csr } from "./sparse-normal.js";
import { NormalPattern, columnNorms2, mulJ, mulJt, solveDamped } from "./sparse-normal.js";
import type { Model, ModelAt } from "./least-squares.js";
import type { Residuals } from "./residuals.js";
import { dot, type Vec } from "./vec.js";

export interface SparseModel extends Model {
  j: Csr;
}

/** Counts of the linear solves, for the result. */
export interface SparseStats {
  cgIterations: number;
  solves: number;
  colors: number;
}

/**
 * The model factory for the sparse path: the pattern of J (and of JᵀJ) found once at x₀, the
 * values at each iterate. CG stops at relative residual `cgTol` (default 1e-10) or `cgMaxIter`
 * iterations (default 200).
 */
export function sparseModel(
  problem: Residuals,
  x0: Vec,
  options: {
    cgTol?: number | undefined;
    cgMaxIter?: number | undefined;
    jit?: boolean | undefined;
  },
): { at: ModelAt<SparseModel>; stats: SparseStats; jacobian: SparseResidualJacobian } {
  const jacobian = new SparseResidualJacobian(problem.f, problem.tensor(x0), options.jit ?? true);
  const stats: SparseStats = { cgIterations: 0, solves: 0, colors: jacobian.colors };
  let pattern: NormalPattern | undefined;
  const tol = options.cgTol ?? 1e-10;
  const maxIter = options.cgMaxIter ?? 200;
  const at: ModelAt<SparseModel> = (x, r) => {
    problem.jacobianEvaluations += 1;
    const j = jacobian.at(problem.tensor(x));
    pattern ??= new NormalPattern(j);
    const normal = pattern;
    const d = columnNorms2(j);
    const g = mulJt(j, r);
    return {
      x,
      r,
      cost: 0.5 * dot(r, r),
      g,
      j,
      step: (mu) => {
        const solve = solveDamped(normal, j, d, g, Math.max(mu, 1e-300), tol, maxIter);
        stats.cgIterations += solve.iterations;
        stats.solves += 1;
        return solve.h.every((v) => Number.isFinite(v)) ? solve.h : null;
      },
      // L(0) − L(h) = −gᵀh − ½‖J h‖² (exact for any h, so an inexact CG step is judged fairly)
      predicted: (h) => {
        const jh = mulJ(j, h);
        return -dot(g, h) - 0.5 * dot(jh, jh);
      },
    };
  };
  return { at, stats, jacobian };
}
