/**
 * The derivative of each differentiable elementwise primitive, written once and read by both the
 * JVP table (g = the tangent) and the VJP table (g = the cotangent), as JAX's `ad.defjvp2`: an
 * elementwise derivative is diagonal, so the same product g · f′ serves both directions. Each
 * entry is linear in g and is given the primal inputs and the output; written in traced ops, so
 * it can be differentiated again. Broadcasting is left to the tables (JVP: to the output's shape;
 * VJP: summed back to each input's shape by the backward pass).
 */
import { Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ops from "../ops.js";
import { div, mul, neg, winnerMask } from "./rule-helpers.js";

/** g · f′(x), f′ from the primal input x and the output. */
export type UnaryDerivative = (g: Tensor, x: Tensor, out: Tensor) => Tensor;

/** g · ∂f/∂a and g · ∂f/∂b of a binary primitive f(a, b) = out. */
export type BinaryDerivative = readonly [
  (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => Tensor,
  (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => Tensor,
];

export type UnaryElementwise =
  | Primitive.Neg
  | Primitive.Exp
  | Primitive.Log
  | Primitive.Log1p
  | Primitive.Expm1
  | Primitive.Sin
  | Primitive.Cos
  | Primitive.Tan
  | Primitive.Tanh
  | Primitive.Sigmoid
  | Primitive.Softplus
  | Primitive.Relu
  | Primitive.Sqrt
  | Primitive.Abs;

export type BinaryElementwise =
  | Primitive.Add
  | Primitive.Sub
  | Primitive.Mul
  | Primitive.Div
  | Primitive.Pow
  | Primitive.Maximum
  | Primitive.Minimum;

const times =
  (deriv: (x: Tensor, out: Tensor) => Tensor): UnaryDerivative =>
  (g, x, out) =>
    mul(g, deriv(x, out));

export const unaryDerivatives: { [P in UnaryElementwise]: UnaryDerivative } = {
  [Primitive.Neg]: (g) => neg(g),
  // d eˣ = eˣ dx
  [Primitive.Exp]: times((_x, out) => out),
  [Primitive.Log]: (g, x) => div(g, x),
  [Primitive.Log1p]: (g, x) => div(g, ops.add(x, 1)),
  // d expm1 = eˣ dx = (expm1 + 1) dx
  [Primitive.Expm1]: times((_x, out) => ops.add(out, 1)),
  [Primitive.Sin]: times((x) => ops.cos(x)),
  [Primitive.Cos]: times((x) => neg(ops.sin(x))),
  // d tan = (1 + tan²) dx
  [Primitive.Tan]: times((_x, out) => ops.add(1, ops.square(out))),
  // d tanh = (1 − tanh²) dx
  [Primitive.Tanh]: times((_x, out) => ops.sub(1, ops.square(out))),
  // d σ = σ (1 − σ) dx
  [Primitive.Sigmoid]: times((_x, out) => mul(out, ops.sub(1, out))),
  // d softplus = σ(x) dx
  [Primitive.Softplus]: times((x) => ops.sigmoid(x)),
  // d relu = [x > 0] dx (0 at x = 0, as JAX)
  [Primitive.Relu]: times((x) => ops.greater(x, 0)),
  // d √x = dx / (2 √x)
  [Primitive.Sqrt]: (g, _x, out) => div(g, ops.mul(out, 2)),
  // d |x| = sign(x) dx
  [Primitive.Abs]: times((x) => ops.sign(x)),
};

/** Balanced at ties (½ each, as JAX): `op` "gt" for maximum, "lt" for minimum. */
function chooser(op: "gt" | "lt"): BinaryDerivative {
  return [(g, a, b) => mul(g, winnerMask(a, b, op)), (g, a, b) => mul(g, winnerMask(b, a, op))];
}

export const binaryDerivatives: { [P in BinaryElementwise]: BinaryDerivative } = {
  [Primitive.Add]: [(g) => g, (g) => g],
  [Primitive.Sub]: [(g) => g, (g) => neg(g)],
  // d(ab) = da b + a db
  [Primitive.Mul]: [(g, _a, b) => mul(g, b), (g, a) => mul(g, a)],
  // d(a/b) = da / b − db · (a/b) / b
  [Primitive.Div]: [(g, _a, b) => div(g, b), (g, _a, b, out) => neg(div(mul(g, out), b))],
  // d xʸ = y x^(y−1) dx + log(x) xʸ dy, with the dx term 0 where y = 0 and the dy term 0 where x = 0
  [Primitive.Pow]: [(g, x, y) => mul(g, powDx(x, y)), (g, x, _y, out) => mul(g, powDy(x, out))],
  [Primitive.Maximum]: chooser("gt"),
  [Primitive.Minimum]: chooser("lt"),
};

/**
 * One rule per elementwise primitive of the two tables above, made by `unary` and `binary` from
 * the primitive: how the JVP and VJP tables take all their elementwise rows from here.
 */
export function elementwiseRules<R>(
  unary: (prim: UnaryElementwise) => R,
  binary: (prim: BinaryElementwise) => R,
): Record<UnaryElementwise | BinaryElementwise, R> {
  const rules = {} as Record<UnaryElementwise | BinaryElementwise, R>;
  for (const prim of Object.keys(unaryDerivatives) as UnaryElementwise[]) rules[prim] = unary(prim);
  for (const prim of Object.keys(binaryDerivatives) as BinaryElementwise[])
    rules[prim] = binary(prim);
  return rules;
}

/** ∂xʸ/∂x = y x^(y−1), 0 where y = 0. */
function powDx(x: Tensor, y: Tensor): Tensor {
  const d = ops.mul(y, ops.pow(x, ops.sub(y, 1)));
  return ops.where(ops.equal(y, 0), 0, d);
}

/** ∂xʸ/∂y = log(x) xʸ, 0 where x = 0. */
function powDy(x: Tensor, out: Tensor): Tensor {
  return ops.where(ops.equal(x, 0), 0, ops.mul(ops.log(x), out));
}
