/**
 * Reverse-mode rules: one cotangent per input (null = zero), each with the input's shape or one
 * it broadcasts to (the backward pass sums broadcast axes back, once, for every rule). Written in traced ops, so a backward pass can itself be
 * differentiated (higher-order derivatives) or batched (jacrev).
 */
import type { ParamsOf } from "../primitives/primitive.js";
import { NO_PARAMS, Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import { bind } from "../core.js";
import * as ops from "../ops.js";
import { eye } from "../tensor/creation.js";
import type { BinaryElementwise, UnaryElementwise } from "./derivatives.js";
import { binaryDerivatives, elementwiseRules, unaryDerivatives } from "./derivatives.js";
import { eighFactors, mul, neg, prodOthers, symmetrized, tieWeights } from "./rule-helpers.js";
import { inversePerm, keepDimsShape } from "../tensor/shape.js";
import { vjpScan, vjpWhile } from "../loops/rules.js";

export type VjpRule<P extends Primitive> = (
  ct: Tensor,
  primals: Tensor[],
  out: Tensor,
  params: ParamsOf<P>,
  /** needs[i]: whether input i is differentiated (rules may skip the others). */
  needs: boolean[],
) => (Tensor | null)[];

/** An elementwise unary primitive: x̄ = ȳ · f′(x), from the derivative table. */
function unary(prim: UnaryElementwise): VjpRule<Primitive> {
  const deriv = unaryDerivatives[prim];
  return (ct, [x], out) => [deriv(ct, x, out)];
}

/** An elementwise binary primitive: ā = ȳ · ∂f/∂a, b̄ = ȳ · ∂f/∂b (add: [ȳ, ȳ]). */
function binary(prim: BinaryElementwise): VjpRule<Primitive> {
  const [da, db] = binaryDerivatives[prim];
  return (ct, [a, b], out, _p, needs) => [
    needs[0] ? da(ct, a, b, out) : null,
    needs[1] ? db(ct, a, b, out) : null,
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
    mul(ops.reshape(ct, keepDimsShape(x.shape, axes)), tieWeights(x, out, axes)),
  ];
}

export const vjpRules: { [P in Primitive]: VjpRule<P> } = {
  ...elementwiseRules(unary, binary),
  [Primitive.Sign]: none,
  [Primitive.Compare]: () => [null, null],
  [Primitive.Where]: (ct, [c], _o, _p, needs) => [
    null,
    needs[1] ? ops.where(c, ct, 0) : null,
    needs[2] ? ops.where(c, 0, ct) : null,
  ],
  [Primitive.Sum]: (ct, [x], _o, { axes }) => [
    ops.broadcastTo(ops.reshape(ct, keepDimsShape(x.shape, axes)), x.shape),
  ],
  [Primitive.ReduceMax]: chooser(),
  [Primitive.ReduceMin]: chooser(),
  // ∂Πx/∂xᵢ = Π_{j≠i} xⱼ (exact at zeros)
  [Primitive.Prod]: (ct, [x], _o, { axes }) => [
    mul(ops.reshape(ct, keepDimsShape(x.shape, axes)), prodOthers(x, axes)),
  ],
  // Ā = C̄ Bᵀ, B̄ = Aᵀ C̄ (broadcast batch axes summed back by the backward pass)
  [Primitive.MatMul]: (ct, [a, b], _o, _p, needs) => [
    needs[0] ? bind(Primitive.MatMul, [ct, ops.matrixTranspose(b)], NO_PARAMS) : null,
    needs[1] ? bind(Primitive.MatMul, [ops.matrixTranspose(a), ct], NO_PARAMS) : null,
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
  // summed back to the input's shape by the backward pass
  [Primitive.BroadcastTo]: (ct) => [ct],
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
  [Primitive.Threefry2x32]: () => [null, null, null, null],
  [Primitive.Scan]: (ct, primals, _o, params) => vjpScan(ct, primals, params),
  [Primitive.While]: () => vjpWhile(),
};
