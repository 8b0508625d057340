/**
 * The results of `leastSquares` and `findRoot`: one base with what both have (the iterate, the
 * final Jacobian, the counts, why it stopped, the path) and a short summary as their text.
 */
import type { LiveTrace } from "../display.js";
import type { Jacobian } from "../tensor/jacobian.js";
import type { SparseJacobian } from "../extras/sparse.js";
import type { Tensor } from "../tensor/tensor.js";

/** The fields of every solver result with a Jacobian. */
export interface SolverFields<J extends Jacobian | SparseJacobian = Jacobian> {
  method: string;
  x: Tensor;
  jacobian: J;
  iterations: number;
  evaluations: number;
  jacobianEvaluations: number;
  converged: boolean;
  message: string;
  path: Tensor;
  trace: LiveTrace | undefined;
}

/** The fields of a `LeastSquaresResult`. */
export interface LeastSquaresFields<
  J extends Jacobian | SparseJacobian = Jacobian,
> extends SolverFields<J> {
  residuals: Tensor;
  cost: number;
  standardErrors: Tensor | undefined;
  linearSolver: string;
}

/** The fields of a `RootResult`. */
export interface RootFields extends SolverFields {
  value: Tensor;
}

/** What `leastSquares` and `findRoot` return in common. */
abstract class SolverResult<J extends Jacobian | SparseJacobian> implements SolverFields<J> {
  readonly method!: string;
  /** The last iterate, shaped like x0. */
  readonly x!: Tensor;
  /**
   * ∂r/∂x (or ∂f/∂x) at x, shape [...out.shape, ...x.shape] (shows as a heatmap); a
   * `SparseJacobian` from `leastSquares` with `jacobian: "sparse"`.
   */
  readonly jacobian!: J;
  readonly iterations!: number;
  /** Evaluations of the function. */
  readonly evaluations!: number;
  readonly jacobianEvaluations!: number;
  readonly converged!: boolean;
  /** Why it stopped, in words. */
  readonly message!: string;
  /** The iterates x₀, x₁, … as rows. */
  readonly path!: Tensor;
  readonly trace!: LiveTrace | undefined;

  protected constructor(fields: SolverFields<J>) {
    Object.assign(this, fields);
  }

  /** The first line of the text: method, outcome, counts and why it stopped. */
  protected summary(): string {
    return (
      `${this.method}: ${this.converged ? "converged" : "stopped"} after ${this.iterations} iterations, ` +
      `${this.evaluations} evaluations, ${this.jacobianEvaluations} Jacobians — ${this.message}`
    );
  }

  abstract toString(): string;

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The result of `leastSquares`: the fit, its Jacobian and standard errors, and how it went. */
export class LeastSquaresResult<J extends Jacobian | SparseJacobian = Jacobian>
  extends SolverResult<J>
  implements LeastSquaresFields<J>
{
  /** r(x), shaped like the residuals. */
  readonly residuals!: Tensor;
  /** ½‖r(x)‖². */
  readonly cost!: number;
  /** √diag(s² (JᵀJ)⁻¹), s² = ‖r‖² / (m − n); undefined for m ≤ n, over 1,000 parameters or sparse. */
  readonly standardErrors!: Tensor | undefined;
  /** How the damped normal equations were solved (and, sparse, the CG iterations). */
  readonly linearSolver!: string;

  constructor(fields: LeastSquaresFields<J>) {
    super(fields);
    Object.assign(this, fields);
  }

  toString(): string {
    const se =
      this.standardErrors === undefined
        ? ""
        : `, standard errors ${this.standardErrors.toString()}`;
    return `${this.summary()}\n  ½‖r‖² = ${this.cost.toPrecision(6)}, x = ${this.x.toString()}${se}`;
  }
}

/** The result of `findRoot`: x with f(x) ≈ 0, the Jacobian there, and how it went. */
export class RootResult extends SolverResult<Jacobian> implements RootFields {
  /** f(x). */
  readonly value!: Tensor;

  constructor(fields: RootFields) {
    super(fields);
    Object.assign(this, fields);
  }

  toString(): string {
    return `${this.summary()}\n  x = ${this.x.toString()}`;
  }
}
