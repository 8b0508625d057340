/**
 * What a solver returns and how it shows itself: `OptimizeResult` (x, value, gradient, counts,
 * whether and why it stopped, the path of iterates) with a one-paragraph summary as its text,
 * and `Progress`, which pushes value, ‖∇f‖ and the step to a live trace each iteration.
 */
import { LiveTrace, trace as startTrace } from "../display.js";
import { Tensor } from "../tensor/tensor.js";
import type { Vec } from "./vec.js";

/** `trace` option of the solvers: true for a new live trace, or a trace to push to. */
export type TraceOption = boolean | LiveTrace | undefined;

/** The iterates recorded up to this many numbers in all (then the path stops growing). */
const PATH_LIMIT = 4_000_000;

/** Records a solver's progress: the live trace (if asked for) and the path of iterates. */
export class Progress {
  readonly trace: LiveTrace | undefined;
  private readonly path: Vec[] = [];
  private readonly prefix: string;
  private readonly owned: boolean;
  private full = false;

  constructor(
    option: TraceOption,
    title: string,
    label: string | undefined,
    private readonly names: readonly [string, string, string] = ["value", "‖∇f‖", "step"],
  ) {
    this.owned = option === true;
    this.trace = option instanceof LiveTrace ? option : this.owned ? startTrace(title) : undefined;
    this.prefix = label === undefined ? "" : `${label} `;
  }

  /** One iteration: the iterate, f, ‖∇f‖ and the step length ‖xₖ₊₁ − xₖ‖ that led to it. */
  push(iteration: number, x: Vec, value: number, gradNorm: number, step: number): void {
    if (!this.full && (this.path.length + 1) * x.length <= PATH_LIMIT) this.path.push(x.slice());
    else this.full = true;
    const p = this.prefix;
    const [v, g, s] = this.names;
    this.trace?.push(iteration, {
      [`${p}${v}`]: value,
      [`${p}${g}`]: gradNorm,
      [`${p}${s}`]: step,
    });
  }

  /** The iterates as rows of a [k, ...shape] tensor. */
  iterates(shape: readonly number[]): Tensor {
    const size = this.path[0]?.length ?? 0;
    const data = new Float64Array(this.path.length * size);
    this.path.forEach((x, i) => data.set(x, i * size));
    return new Tensor(data, [this.path.length, ...shape]);
  }

  /** Marks a trace this solver started as finished (a shared trace is the caller's to finish). */
  finish(): void {
    if (this.owned) this.trace?.finish();
  }
}

/** The fields of an `OptimizeResult`. */
export interface OptimizeFields {
  method: string;
  x: Tensor;
  value: number;
  grad: Tensor;
  iterations: number;
  evaluations: number;
  hessianEvaluations: number;
  converged: boolean;
  message: string;
  path: Tensor;
  /** For "newton": the dense Hessian or Hessian-vector products solved by conjugate gradients. */
  hessian?: "exact" | "hvp-cg" | undefined;
  trace?: LiveTrace | undefined;
}

/** The result of `minimize`: where it stopped, why, and how it got there. */
export class OptimizeResult implements OptimizeFields {
  readonly method!: string;
  /** The last iterate, shaped like x0. */
  readonly x!: Tensor;
  /** f(x). */
  readonly value!: number;
  /** ∇f(x), shaped like x0. */
  readonly grad!: Tensor;
  /** Iterations (steps taken). */
  readonly iterations!: number;
  /** Evaluations of f with its gradient (one compiled pass each). */
  readonly evaluations!: number;
  /** Hessians or Hessian-vector products computed. */
  readonly hessianEvaluations!: number;
  /** Whether the gradient test was met. */
  readonly converged!: boolean;
  /** Why the solver stopped, in words. */
  readonly message!: string;
  /** The iterates x₀, x₁, …, as rows of a tensor of shape [iterations + 1, ...x0.shape]. */
  readonly path!: Tensor;
  readonly hessian?: "exact" | "hvp-cg" | undefined;
  /** The live trace it pushed to, when asked for. */
  readonly trace?: LiveTrace | undefined;

  constructor(fields: OptimizeFields) {
    Object.assign(this, fields);
  }

  /** A short summary: method, outcome, counts, f and ‖∇f‖. */
  toString(): string {
    let g = 0;
    for (const v of this.grad.data) g = Math.max(g, Math.abs(v));
    const how = this.hessian === undefined ? "" : `, Hessian: ${this.hessian}`;
    return (
      `${this.method}: ${this.converged ? "converged" : "stopped"} after ${this.iterations} ` +
      `iterations, ${this.evaluations} evaluations${how} — ${this.message}\n` +
      `  f = ${this.value.toPrecision(6)}, max |∇f| = ${g.toExponential(2)}, x = ${this.x.toString()}`
    );
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
