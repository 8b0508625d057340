/**
 * Forward mode: a JVP tracer carries a primal and a tangent (null = a symbolic zero). The rules
 * are written in traced ops, so forward mode nests with itself and with the other transforms.
 */
import type { ParamsOf } from "../primitives/primitive.js";
import { NO_PARAMS, Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import { Trace, Tracer, bind } from "../core.js";
import * as ops from "../ops.js";
import {
  addMaybe,
  bcast,
  eighFactors,
  mul,
  neg,
  tieWeights,
  prodOthers,
  symmetrized,
  zerosLike,
} from "./rule-helpers.js";
import type { BinaryElementwise, UnaryElementwise } from "./derivatives.js";
import { binaryDerivatives, elementwiseRules, unaryDerivatives } from "./derivatives.js";
import { eye } from "../tensor/creation.js";
import { jvpScan, jvpWhile } from "../loops/rules.js";

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

/** An elementwise unary primitive: tangent = t · f′(x), from the derivative table. */
function unary(prim: UnaryElementwise): JvpRule<Primitive> {
  const deriv = unaryDerivatives[prim];
  return ([x], [t], _p, out) => deriv(t!, x, out);
}

/** An elementwise binary primitive: ta · ∂f/∂a + tb · ∂f/∂b, broadcast to the output's shape. */
function binary(prim: BinaryElementwise): JvpRule<Primitive> {
  const [da, db] = binaryDerivatives[prim];
  return ([a, b], [ta, tb], _p, out) =>
    bcast(
      addMaybe(ta === null ? null : da(ta, a, b, out), tb === null ? null : db(tb, a, b, out))!,
      out.shape,
    );
}

/** The same linear primitive applied to the tangent. */
function linear<P extends Primitive>(prim: P): JvpRule<P> {
  return (_x, [t], params) => bind(prim, [t!], params);
}

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

export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  ...elementwiseRules(unary, binary),
  [Primitive.Sign]: () => null,
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
  // random bits are piecewise constant in the key and the counter
  [Primitive.Threefry2x32]: () => null,
  [Primitive.Scan]: (primals, tangents, params) => jvpScan(primals, tangents, params),
  [Primitive.While]: (primals, tangents, params) => jvpWhile(primals, tangents, params),
};
