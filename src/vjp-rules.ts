/**
 * Reverse-mode rules: one cotangent per input (null = zero), each with the input's exact shape
 * (broadcasting is summed back). Written in traced ops, so a backward pass can itself be
 * differentiated (higher-order derivatives) or batched (jacrev).
 */
import type { ParamsOf } from "./primitive.js";
import { NO_PARAMS, Primitive } from "./primitive.js";
import type { Tensor } from "./tensor.js";
import { bind } from "./core.js";
import * as ops from "./ops.js";
import { eye } from "./creation.js";
import { powDx, powDy } from "./jvp.js";
import {
  div,
  eighFactors,
  keepShape,
  mul,
  neg,
  prodOthers,
  sumToShape,
  symmetrized,
  tieWeights,
  winnerMask,
} from "./rule-helpers.js";
import { inversePerm } from "./shape.js";
import { vjpScan, vjpWhile } from "./loop-rules.js";

export type VjpRule<P extends Primitive> = (
  ct: Tensor,
  primals: Tensor[],
  out: Tensor,
  params: ParamsOf<P>,
  /** needs[i]: whether input i is differentiated (rules may skip the others). */
  needs: boolean[],
) => (Tensor | null)[];

/** Elementwise unary: x̄ = ȳ · f′(x). */
function unary(deriv: (x: Tensor, out: Tensor) => Tensor): VjpRule<Primitive> {
  return (ct, [x], out) => [mul(ct, deriv(x, out))];
}

/** Elementwise binary: ā = unbroadcast(ȳ · ∂f/∂a), b̄ likewise. */
function binary(
  da: (a: Tensor, b: Tensor, out: Tensor) => Tensor,
  db: (a: Tensor, b: Tensor, out: Tensor) => Tensor,
): VjpRule<Primitive> {
  return (ct, [a, b], out, _p, needs) => [
    needs[0] ? sumToShape(mul(ct, da(a, b, out)), a.shape) : null,
    needs[1] ? sumToShape(mul(ct, db(a, b, out)), b.shape) : null,
  ];
}

const none = (): (Tensor | null)[] => [null];

function chooser(): (
  ct: Tensor,
  primals: Tensor[],
  out: Tensor,
  params: { axes: number[] },
) => Tensor[] {
  // x̄ = ȳ · [x = max] / #ties
  return (ct, [x], out, { axes }) => [
    mul(ops.reshape(ct, keepShape(x.shape, axes)), tieWeights(x, out, axes)),
  ];
}

export const vjpRules: { [P in Primitive]: VjpRule<P> } = {
  [Primitive.Neg]: (ct) => [neg(ct)],
  [Primitive.Exp]: unary((_x, out) => out),
  [Primitive.Log]: (ct, [x]) => [div(ct, x)],
  [Primitive.Log1p]: (ct, [x]) => [div(ct, ops.add(x, 1))],
  [Primitive.Expm1]: unary((_x, out) => ops.add(out, 1)),
  [Primitive.Sin]: unary((x) => ops.cos(x)),
  [Primitive.Cos]: unary((x) => neg(ops.sin(x))),
  // tan′ = 1 + tan²
  [Primitive.Tan]: unary((_x, out) => ops.add(1, ops.square(out))),
  // tanh′ = 1 − tanh²
  [Primitive.Tanh]: unary((_x, out) => ops.sub(1, ops.square(out))),
  // σ′ = σ (1 − σ)
  [Primitive.Sigmoid]: unary((_x, out) => mul(out, ops.sub(1, out))),
  // softplus′ = σ
  [Primitive.Softplus]: unary((x) => ops.sigmoid(x)),
  // relu′ = [x > 0] (0 at 0, as JAX)
  [Primitive.Relu]: unary((x) => ops.greater(x, 0)),
  // √′ = 1 / (2 √x)
  [Primitive.Sqrt]: (ct, _x, out) => [div(ct, ops.mul(out, 2))],
  // |x|′ = sign(x)
  [Primitive.Abs]: unary((x) => ops.sign(x)),
  [Primitive.Sign]: none,
  [Primitive.Add]: (ct, [a, b], _o, _p, needs) => [
    needs[0] ? sumToShape(ct, a.shape) : null,
    needs[1] ? sumToShape(ct, b.shape) : null,
  ],
  [Primitive.Sub]: (ct, [a, b], _o, _p, needs) => [
    needs[0] ? sumToShape(ct, a.shape) : null,
    needs[1] ? sumToShape(neg(ct), b.shape) : null,
  ],
  [Primitive.Mul]: binary(
    (_a, b) => b,
    (a) => a,
  ),
  // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −(a/b)/b
  [Primitive.Div]: (ct, [a, b], out, _p, needs) => [
    needs[0] ? sumToShape(div(ct, b), a.shape) : null,
    needs[1] ? sumToShape(neg(div(mul(ct, out), b)), b.shape) : null,
  ],
  [Primitive.Pow]: binary(
    (x, y) => powDx(x, y),
    (x, _y, out) => powDy(x, out),
  ),
  [Primitive.Maximum]: binary(
    (a, b) => winnerMask(a, b, "gt"),
    (a, b) => winnerMask(b, a, "gt"),
  ),
  [Primitive.Minimum]: binary(
    (a, b) => winnerMask(a, b, "lt"),
    (a, b) => winnerMask(b, a, "lt"),
  ),
  [Primitive.Compare]: () => [null, null],
  [Primitive.Where]: (ct, [c, a, b], _o, _p, needs) => [
    null,
    needs[1] ? sumToShape(ops.where(c, ct, 0), a.shape) : null,
    needs[2] ? sumToShape(ops.where(c, 0, ct), b.shape) : null,
  ],
  [Primitive.Sum]: (ct, [x], _o, { axes }) => [
    ops.broadcastTo(ops.reshape(ct, keepShape(x.shape, axes)), x.shape),
  ],
  [Primitive.ReduceMax]: chooser(),
  [Primitive.ReduceMin]: chooser(),
  // ∂Πx/∂xᵢ = Π_{j≠i} xⱼ (exact at zeros)
  [Primitive.Prod]: (ct, [x], _o, { axes }) => [
    mul(ops.reshape(ct, keepShape(x.shape, axes)), prodOthers(x, axes)),
  ],
  // Ā = C̄ Bᵀ, B̄ = Aᵀ C̄ (summed over broadcast batch axes)
  [Primitive.MatMul]: (ct, [a, b], _o, _p, needs) => [
    needs[0]
      ? sumToShape(bind(Primitive.MatMul, [ct, ops.matrixTranspose(b)], NO_PARAMS), a.shape)
      : null,
    needs[1]
      ? sumToShape(bind(Primitive.MatMul, [ops.matrixTranspose(a), ct], NO_PARAMS), b.shape)
      : null,
  ],
  // B̄ = A⁻ᵀ X̄, Ā = −B̄ Xᵀ
  [Primitive.Solve]: (ct, [a], out) => {
    const bBar = bind(Primitive.Solve, [ops.matrixTranspose(a), ct], NO_PARAMS);
    return [neg(bind(Primitive.MatMul, [bBar, ops.matrixTranspose(out)], NO_PARAMS)), bBar];
  },
  // Ā = ȳ · det A · A⁻ᵀ
  [Primitive.Det]: (ct, [a], out) => {
    const n = a.shape[a.ndim - 1];
    const at = ops.matrixTranspose(a);
    const invT = bind(Primitive.Solve, [at, ops.broadcastTo(eye(n), a.shape)], NO_PARAMS);
    const scale = ops.reshape(mul(ct, out), [...out.shape, 1, 1]);
    return [mul(scale, invT)];
  },
  // Ā = U diag(s̄) Vᵀ
  [Primitive.Svd]: (ct, [a], _o, { part }) => {
    if (part !== "s")
      throw new Error("svd: only the singular values are differentiable, not u or vt");
    const fixed = ops.stopGradient(a);
    const uu = bind(Primitive.Svd, [fixed], { part: "u" });
    const vt = bind(Primitive.Svd, [fixed], { part: "vt" });
    return [bind(Primitive.MatMul, [mul(uu, ops.expandDims(ct, -2)), vt], NO_PARAMS)];
  },
  // Ā = V diag(w̄) Vᵀ; Ā = sym(V (F ∘ Vᵀ V̄) Vᵀ)
  [Primitive.Eigh]: (ct, [a], _o, { part }) => {
    const { v, f } = eighFactors(a);
    const vt = ops.matrixTranspose(v);
    if (part === "w") return [ops.matmul(mul(v, ops.expandDims(ct, -2)), vt)];
    return [symmetrized(ops.matmul(v, ops.matmul(mul(f, ops.matmul(vt, ct)), vt)))];
  },
  [Primitive.Reshape]: (ct, [x]) => [ops.reshape(ct, x.shape)],
  [Primitive.BroadcastTo]: (ct, [x]) => [sumToShape(ct, x.shape)],
  [Primitive.Transpose]: (ct, _x, _o, { perm }) => [ops.transpose(ct, inversePerm(perm))],
  [Primitive.Slice]: (ct, [x], _o, { start, step }) => [
    bind(Primitive.Pad, [ct], { start, step, shape: x.shape.slice() }),
  ],
  [Primitive.Pad]: (ct, [x], _o, { start, step }) => [
    bind(Primitive.Slice, [ct], {
      start,
      step,
      stop: start.map((s, d) => s + (x.shape[d] - 1) * step[d] + 1),
    }),
  ],
  [Primitive.Concat]: (ct, xs, _o, { axis }, needs) => {
    let at = 0;
    return xs.map((x, i) => {
      const from = at;
      at += x.shape[axis];
      if (!needs[i]) return null;
      const start = x.shape.map((_, d) => (d === axis ? from : 0));
      const stop = x.shape.map((n, d) => (d === axis ? from + n : n));
      return bind(Primitive.Slice, [ct], { start, stop, step: x.shape.map(() => 1) });
    });
  },
  [Primitive.Take]: (ct, [x], _o, { axis, indices, indexShape }) => [
    bind(Primitive.ScatterAdd, [ct], { axis, indices, indexShape, size: x.shape[axis] }),
  ],
  [Primitive.ScatterAdd]: (ct, _x, _o, { axis, indices, indexShape }) => [
    bind(Primitive.Take, [ct], { axis, indices, indexShape }),
  ],
  [Primitive.StopGradient]: none,
  [Primitive.Scan]: (ct, primals, _o, params) => vjpScan(ct, primals, params),
  [Primitive.While]: () => vjpWhile(),
};
