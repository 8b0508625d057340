/** The results of `leastSquares` and `findRoot`, with a short summary as their text. */
import type { LiveTrace } from "../display.js";
import type { Jacobian } from "../tensor/jacobian.js";
import type { SparseJacobian } from "../extras/sparse.js";
import type { Tensor } from "../tensor/tensor.js";

/** The fields of a `LeastSquaresResult`. */
export interface LeastSquaresFields<J extends Jacobian | SparseJacobian = Jacobian> {
  method: string;
  x: Tensor;
  residuals: Tensor;
  cost: number;
  jacobian: J;
  standardErrors: Tensor | undefined;
  linearSolver: string;
  iterations: number;
  evaluations: number;
  jacobianEvaluations: number;
  converged: boolean;
  message: string;
  path: Tensor;
  trace: LiveTrace | undefined;
}

const summary = (r: {
  method: string;
  converged: boolean;
  iterations: number;
  evaluations: number;
  jacobianEvaluations: number;
  message: string;
}): string =>
  `${r.method}: ${r.converged ? "converged" : "stopped"} after ${r.iterations} iterations, ` +
  `${r.evaluations} evaluations, ${r.jacobianEvaluations} Jacobians — ${r.message}`;

/** The result of `leastSquares`: the fit, its Jacobian and standard errors, and how it went. */
export class LeastSquaresResult<
  J extends Jacobian | SparseJacobian = Jacobian,
> implements LeastSquaresFields<J> {
  readonly method!: string;
  /** The fitted parameters, shaped like x0. */
  readonly x!: Tensor;
  /** r(x), shaped like the residuals. */
  readonly residuals!: Tensor;
  /** ½‖r(x)‖². */
  readonly cost!: number;
  /**
   * ∂r/∂x at the fit, shape [...residuals.shape, ...x.shape] (shows as a heatmap); a
   * `SparseJacobian` with `jacobian: "sparse"`.
   */
  readonly jacobian!: J;
  /** √diag(s² (JᵀJ)⁻¹), s² = ‖r‖² / (m − n); undefined for m ≤ n or more than 1,000 parameters. */
  readonly standardErrors!: Tensor | undefined;
  /** How the damped normal equations were solved (and, sparse, the CG iterations). */
  readonly linearSolver!: string;
  readonly iterations!: number;
  /** Evaluations of the residuals. */
  readonly evaluations!: number;
  readonly jacobianEvaluations!: number;
  readonly converged!: boolean;
  /** Why it stopped, in words. */
  readonly message!: string;
  /** The iterates x₀, x₁, … as rows. */
  readonly path!: Tensor;
  readonly trace!: LiveTrace | undefined;

  constructor(fields: LeastSquaresFields<J>) {
    Object.assign(this, fields);
  }

  toString(): string {
    const se =
      this.standardErrors === undefined
        ? ""
        : `, standard errors ${this.standardErrors.toString()}`;
    return `${summary(this)}\n  ½‖r‖² = ${this.cost.toPrecision(6)}, x = ${this.x.toString()}${se}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The fields of a `RootResult`. */
export interface RootFields {
  method: string;
  x: Tensor;
  value: Tensor;
  jacobian: Jacobian;
  iterations: number;
  evaluations: number;
  jacobianEvaluations: number;
  converged: boolean;
  message: string;
  path: Tensor;
  trace: LiveTrace | undefined;
}

/** The result of `findRoot`: x with f(x) ≈ 0, the Jacobian there, and how it went. */
export class RootResult implements RootFields {
  readonly method!: string;
  readonly x!: Tensor;
  /** f(x). */
  readonly value!: Tensor;
  /** ∂f/∂x at x (shows as a heatmap). */
  readonly jacobian!: Jacobian;
  readonly iterations!: number;
  readonly evaluations!: number;
  readonly jacobianEvaluations!: number;
  readonly converged!: boolean;
  readonly message!: string;
  readonly path!: Tensor;
  readonly trace!: LiveTrace | undefined;

  constructor(fields: RootFields) {
    Object.assign(this, fields);
  }

  toString(): string {
    return `${summary(this)}\n  x = ${this.x.toString()}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
