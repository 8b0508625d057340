/**
 * The function a solver works on, as flat Float64Arrays: its value and gradient (one compiled
 * `jit(valueAndGrad(f))`), Hessian-vector products (`jit` of the jvp of the gradient) and the
 * dense Hessian (`jit(hessian(f))`), each counted. A function that cannot be traced (it reads
 * values) runs eagerly instead. A non-finite value or gradient names the first primitive that
 * made it, found again under `withDebugNans`.
 */
import { asTensor } from "../tensor/creation.js";
import { hessian } from "../transforms/jacobians.js";
import { compiled, nonFiniteCause } from "./compiled.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { grad, jvp, valueAndGrad } from "../transforms/api.js";
import { allFinite, type Vec } from "./vec.js";

export type ScalarFn = (x: Tensor) => Tensor | number;

export class Objective {
  readonly shape: number[];
  readonly n: number;
  evaluations = 0;
  hessianEvaluations = 0;
  private readonly vg: (x: Tensor) => [Tensor, Tensor];
  private readonly hv: (x: Tensor, v: Tensor) => Tensor;
  private readonly h: (x: Tensor) => Tensor;

  constructor(
    readonly f: ScalarFn,
    x0: TensorLike,
    readonly what: string,
    useJit = true,
  ) {
    const x = asTensor(x0);
    this.shape = x.shape;
    this.n = x.size;
    const vg = valueAndGrad(f) as unknown as (t: Tensor) => [Tensor, Tensor];
    this.vg = compiled((t: Tensor) => vg(t), useJit);
    this.hv = compiled((t: Tensor, v: Tensor) => jvp(grad(f), [t], [v])[1] as Tensor, useJit);
    this.h = compiled((t: Tensor) => hessian(f)(t) as Tensor, useJit);
  }

  tensor(x: Vec): Tensor {
    return new Tensor(x, this.shape);
  }

  /** f(x) and ∇f(x); non-finite values are returned (the line search steps back from them). */
  valueAndGrad(x: Vec): { value: number; grad: Vec } {
    this.evaluations += 1;
    const [v, g] = this.vg(this.tensor(x));
    return { value: asTensor(v).item(), grad: Float64Array.from(asTensor(g).data) };
  }

  /** ∇²f(x) · v. */
  hvp(x: Vec, v: Vec): Vec {
    this.hessianEvaluations += 1;
    return Float64Array.from(this.hv(this.tensor(x), this.tensor(v)).data);
  }

  /** The dense Hessian, row-major n×n. */
  hessian(x: Vec): Vec {
    this.hessianEvaluations += 1;
    return Float64Array.from(this.h(this.tensor(x)).data);
  }

  /** Throws naming the iteration and the first non-finite primitive when value or grad is not finite. */
  checkFinite(x: Vec, value: number, g: Vec, iteration: number): void {
    if (Number.isFinite(value) && allFinite(g)) return;
    const cause = nonFiniteCause(() => valueAndGrad(this.f)(this.tensor(x)));
    const which = Number.isFinite(value) ? "the gradient" : "the value";
    throw new Error(`${this.what}: at iteration ${iteration}, ${which} of f is not finite${cause}`);
  }
}
