/**
 * Forward mode: a JVP tracer carries a primal and a tangent (null = a symbolic zero). The rules
 * are written in traced ops, so forward mode nests with itself and with the other transforms.
 */
import type { ParamsOf } from "./primitive.js";
import { NO_PARAMS, Primitive } from "./primitive.js";
import type { Tensor } from "./tensor.js";
import { Trace, Tracer, bind } from "./core.js";
import * as ops from "./ops.js";
import {
  addMaybe,
  bcast,
  div,
  eighFactors,
  mul,
  neg,
  tieWeights,
  prodOthers,
  symmetrized,
  winnerMask,
  zerosLike,
} from "./rule-helpers.js";
import { eye } from "./creation.js";
import { jvpScan, jvpWhile } from "./loop-rules.js";

export type JvpRule<P extends Primitive> = (
  primals: Tensor[],
  tangents: (Tensor | null)[],
  params: ParamsOf<P>,
  out: Tensor,
) => Tensor | null;

export class JVPTracer extends Tracer {
  constructor(
    readonly trace: JVPTrace,
    readonly primal: Tensor,
    readonly tangent: Tensor | null,
  ) {
    super(primal.shape);
  }
  concrete(): Tensor {
    return this.primal instanceof Tracer ? this.primal.concrete() : this.primal;
  }
}

export class JVPTrace extends Trace {
  lift(x: Tensor): Tracer {
    return new JVPTracer(this, x, null);
  }
  process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor {
    const ts = inputs as JVPTracer[];
    const primals = ts.map((t) => t.primal);
    const tangents = ts.map((t) => t.tangent);
    const out = bind(prim, primals, params);
    if (tangents.every((t) => t === null)) return out;
    const tangent = jvpRules[prim](primals, tangents, params, out);
    return tangent === null ? out : new JVPTracer(this, out, tangent);
  }
}

/** A rule for an elementwise unary op: tangent = t · f′(x), f′ from the primal and output. */
function chainUnary(deriv: (x: Tensor, out: Tensor) => Tensor): JvpRule<Primitive> {
  return ([x], [t], _p, out) => mul(t!, deriv(x, out));
}

/** The same linear primitive applied to the tangent. */
function linear<P extends Primitive>(prim: P): JvpRule<P> {
  return (_x, [t], params) => bind(prim, [t!], params);
}

const scaled = (t: Tensor | null, by: () => Tensor): Tensor | null =>
  t === null ? null : mul(t, by());

function reduceChooser(): (
  p: Tensor[],
  t: (Tensor | null)[],
  params: { axes: number[] },
  out: Tensor,
) => Tensor {
  // d max = Σ t · [x = max] / #ties
  return ([x], [t], { axes }, out) =>
    bind(Primitive.Sum, [mul(t!, tieWeights(x, out, axes))], { axes });
}

function minMax(
  op: "gt" | "lt",
): (p: Tensor[], t: (Tensor | null)[], params: unknown, out: Tensor) => Tensor | null {
  return ([a, b], [ta, tb], _p, out) => {
    const mask = winnerMask(a, b, op);
    const da = ta === null ? null : bcast(mul(ta, mask), out.shape);
    const db = tb === null ? null : bcast(mul(tb, ops.sub(1, mask)), out.shape);
    return addMaybe(da, db);
  };
}

export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  [Primitive.Neg]: linear(Primitive.Neg),
  // d eˣ = eˣ dx
  [Primitive.Exp]: chainUnary((_x, out) => out),
  [Primitive.Log]: ([x], [t]) => div(t!, x),
  [Primitive.Log1p]: ([x], [t]) => div(t!, ops.add(x, 1)),
  // d expm1 = eˣ dx = (expm1 + 1) dx
  [Primitive.Expm1]: chainUnary((_x, out) => ops.add(out, 1)),
  [Primitive.Sin]: chainUnary((x) => ops.cos(x)),
  [Primitive.Cos]: chainUnary((x) => neg(ops.sin(x))),
  // d tan = (1 + tan²) dx
  [Primitive.Tan]: chainUnary((_x, out) => ops.add(1, ops.square(out))),
  // d tanh = (1 − tanh²) dx
  [Primitive.Tanh]: chainUnary((_x, out) => ops.sub(1, ops.square(out))),
  // d σ = σ (1 − σ) dx
  [Primitive.Sigmoid]: chainUnary((_x, out) => mul(out, ops.sub(1, out))),
  // d softplus = σ(x) dx
  [Primitive.Softplus]: chainUnary((x) => ops.sigmoid(x)),
  // d relu = [x > 0] dx (0 at x = 0, as JAX)
  [Primitive.Relu]: chainUnary((x) => ops.greater(x, 0)),
  // d √x = dx / (2 √x)
  [Primitive.Sqrt]: (_x, [t], _p, out) => div(t!, ops.mul(out, 2)),
  // d |x| = sign(x) dx
  [Primitive.Abs]: chainUnary((x) => ops.sign(x)),
  [Primitive.Sign]: () => null,
  [Primitive.Add]: (_x, [ta, tb], _p, out) => bcast(addMaybe(ta, tb)!, out.shape),
  [Primitive.Sub]: (_x, [ta, tb], _p, out) =>
    bcast(addMaybe(ta, tb === null ? null : neg(tb))!, out.shape),
  // d(ab) = da b + a db
  [Primitive.Mul]: ([a, b], [ta, tb], _p, out) =>
    bcast(
      addMaybe(
        scaled(ta, () => b),
        scaled(tb, () => a),
      )!,
      out.shape,
    ),
  // d(a/b) = da / b − db · (a/b) / b
  [Primitive.Div]: ([, b], [ta, tb], _p, out) =>
    bcast(
      addMaybe(ta === null ? null : div(ta, b), tb === null ? null : neg(div(mul(tb, out), b)))!,
      out.shape,
    ),
  // d xʸ = y x^(y−1) dx + log(x) xʸ dy, with the dx term 0 where y = 0 and the dy term 0 where x = 0
  [Primitive.Pow]: ([x, y], [tx, ty], _p, out) => {
    const dx = tx === null ? null : mul(tx, powDx(x, y));
    const dy = ty === null ? null : mul(ty, powDy(x, out));
    return bcast(addMaybe(dx, dy)!, out.shape);
  },
  [Primitive.Maximum]: minMax("gt"),
  [Primitive.Minimum]: minMax("lt"),
  [Primitive.Compare]: () => null,
  [Primitive.Where]: ([c, a, b], [, ta, tb], _p, out) => {
    if (ta === null && tb === null) return null;
    return ops.where(c, ta ?? zerosLike(a), tb ?? zerosLike(b)).broadcastTo(out.shape);
  },
  [Primitive.Sum]: linear(Primitive.Sum),
  [Primitive.ReduceMax]: reduceChooser(),
  [Primitive.ReduceMin]: reduceChooser(),
  // d Π x = Σ dxᵢ · Π_{j≠i} xⱼ (exact at zeros)
  [Primitive.Prod]: ([x], [t], { axes }) =>
    bind(Primitive.Sum, [mul(t!, prodOthers(x, axes))], { axes }),
  [Primitive.MatMul]: ([a, b], [ta, tb]) =>
    addMaybe(
      ta === null ? null : bind(Primitive.MatMul, [ta, b], NO_PARAMS),
      tb === null ? null : bind(Primitive.MatMul, [a, tb], NO_PARAMS),
    ),
  // dX = A⁻¹ (dB − dA X)
  [Primitive.Solve]: ([a], [ta, tb], _p, out) => {
    const rhs = addMaybe(
      tb,
      ta === null ? null : neg(bind(Primitive.MatMul, [ta, out], NO_PARAMS)),
    )!;
    return bind(Primitive.Solve, [a, rhs], NO_PARAMS);
  },
  // d det A = det A · tr(A⁻¹ dA)
  [Primitive.Det]: ([a], [t], _p, out) => {
    const n = a.shape[a.ndim - 1];
    const m = bind(Primitive.Solve, [a, t!], NO_PARAMS);
    return mul(out, ops.sum(ops.mul(m, eye(n)), [-2, -1]));
  },
  // dσᵢ = uᵢᵀ dA vᵢ
  // dσᵢ = uᵢᵀ dA vᵢ (u and v held constant: exact at order 1)
  [Primitive.Svd]: ([a], [t], { part }) => {
    if (part !== "s")
      throw new Error("svd: only the singular values are differentiable, not u or vt");
    const fixed = ops.stopGradient(a);
    const uu = bind(Primitive.Svd, [fixed], { part: "u" });
    const v = ops.matrixTranspose(bind(Primitive.Svd, [fixed], { part: "vt" }));
    return ops.sum(ops.mul(uu, ops.matmul(t!, v)), -2);
  },
  // dw = diag(Vᵀ S V), dV = V (F ∘ Vᵀ S V) with S = sym(dA), F_ij = 1/(w_j − w_i) off the diagonal
  [Primitive.Eigh]: ([a], [t], { part }) => {
    const { w, v, f } = eighFactors(a);
    const rotated = ops.matmul(ops.matrixTranspose(v), ops.matmul(symmetrized(t!), v));
    if (part === "w") return ops.sum(ops.mul(rotated, eye(w.shape[w.ndim - 1])), -2);
    return ops.matmul(v, ops.mul(f, rotated));
  },
  [Primitive.Reshape]: linear(Primitive.Reshape),
  [Primitive.BroadcastTo]: linear(Primitive.BroadcastTo),
  [Primitive.Transpose]: linear(Primitive.Transpose),
  [Primitive.Slice]: linear(Primitive.Slice),
  [Primitive.Pad]: linear(Primitive.Pad),
  [Primitive.Concat]: (xs, ts, params) =>
    bind(
      Primitive.Concat,
      ts.map((t, i) => t ?? zerosLike(xs[i])),
      params,
    ),
  [Primitive.Take]: linear(Primitive.Take),
  [Primitive.ScatterAdd]: linear(Primitive.ScatterAdd),
  [Primitive.StopGradient]: () => null,
  [Primitive.Scan]: (primals, tangents, params) => jvpScan(primals, tangents, params),
  [Primitive.While]: (primals, tangents, params) => jvpWhile(primals, tangents, params),
};

/** ∂xʸ/∂x = y x^(y−1), 0 where y = 0. */
export function powDx(x: Tensor, y: Tensor): Tensor {
  const d = ops.mul(y, ops.pow(x, ops.sub(y, 1)));
  return ops.where(ops.equal(y, 0), 0, d);
}

/** ∂xʸ/∂y = log(x) xʸ, 0 where x = 0. */
export function powDy(x: Tensor, out: Tensor): Tensor {
  return ops.where(ops.equal(x, 0), 0, ops.mul(ops.log(x), out));
}
