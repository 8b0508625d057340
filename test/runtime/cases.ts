/**
 * The one list of primitive cases (as JAX's `lax_test_util.lax_ops()`), read by the derivative
 * checks (primitives.test.ts), the compiler's checks (jit.test.ts) and the sparsity rules
 * (extras/sparse-rules.test.ts). Together the cases reach every primitive of the enum; both the
 * derivative and the compiler suites check that they do.
 */
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { sample } from "./helpers.js";

export type Domain = "any" | "pos" | "away" | "small";

export interface PrimitiveCase {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  shapes: number[][];
  /** The inputs' domain: one for all, or one per input. */
  domain?: Domain | Domain[];
  /** Piecewise-constant ops: derivatives are checked to be exactly zero instead. */
  zero?: boolean;
  /** Not checked at order 2 (the singular vectors are held constant there). */
  order1?: boolean;
  /** No derivative rule for this output: only the forward value is compared (jit). */
  forwardOnly?: boolean;
  /** Derivatives that differ from finite differences by design (stopGradient inside). */
  stopsGradient?: boolean;
  /** Reverse mode is refused with this error (whileLoop); forward mode is checked. */
  reverseRefused?: RegExp;
}

const spd = (x: Tensor): Tensor => x.matmul(x.T).add(ct.eye(x.shape[0]).mul(3));
const condMask = ct.tensor([1, 0, 1]);

export const primitiveCases: PrimitiveCase[] = [
  { name: "neg", f: (x) => ct.neg(x), shapes: [[2, 3]] },
  { name: "exp", f: (x) => ct.exp(x), shapes: [[2, 3]] },
  { name: "log", f: (x) => ct.log(x), shapes: [[4]], domain: "pos" },
  { name: "log1p", f: (x) => ct.log1p(x), shapes: [[4]], domain: "pos" },
  { name: "expm1", f: (x) => ct.expm1(x), shapes: [[4]] },
  { name: "sin", f: (x) => ct.sin(x), shapes: [[2, 2]] },
  { name: "cos", f: (x) => ct.cos(x), shapes: [[2, 2]] },
  { name: "tan", f: (x) => ct.tan(x), shapes: [[5]], domain: "small" },
  { name: "tanh", f: (x) => ct.tanh(x), shapes: [[5]] },
  { name: "sigmoid", f: (x) => ct.sigmoid(x), shapes: [[5]] },
  { name: "sigmoid both branches", f: (x) => ct.sigmoid(x.mul(4)), shapes: [[7]] },
  { name: "softplus", f: (x) => ct.softplus(x), shapes: [[5]] },
  { name: "softplus both branches", f: (x) => ct.softplus(x.mul(30)), shapes: [[7]] },
  { name: "relu", f: (x) => ct.relu(x), shapes: [[6]], domain: "away" },
  { name: "sqrt", f: (x) => ct.sqrt(x), shapes: [[4]], domain: "pos" },
  { name: "abs", f: (x) => ct.abs(x), shapes: [[6]], domain: "away" },
  { name: "sign", f: (x) => ct.sign(x), shapes: [[6]], domain: "away", zero: true },
  { name: "sign times x", f: (x) => ct.sign(x).mul(x), shapes: [[6]], domain: "away" },
  { name: "square", f: (x) => ct.square(x), shapes: [[3]] },
  { name: "add broadcast", f: (a, b) => ct.add(a, b), shapes: [[2, 3], [3]] },
  {
    name: "sub outer broadcast",
    f: (a, b) => ct.sub(a, b),
    shapes: [
      [3, 1],
      [1, 4],
    ],
  },
  {
    name: "mul",
    f: (a, b) => ct.mul(a, b),
    shapes: [
      [2, 3],
      [2, 3],
    ],
  },
  { name: "mul broadcast scalar", f: (a, b) => ct.mul(a, b), shapes: [[], [2, 3]] },
  {
    name: "div broadcast",
    f: (a, b) => ct.div(a, b),
    shapes: [[2, 3], [3]],
    domain: ["any", "pos"],
  },
  { name: "pow", f: (a, b) => ct.pow(a, b), shapes: [[2, 3], [3]], domain: ["pos", "any"] },
  { name: "pow constant exponent", f: (a) => ct.pow(a, 3), shapes: [[4]] },
  { name: "pow 2 and 3", f: (a) => ct.pow(a, 2).add(ct.pow(a, 3)), shapes: [[4]] },
  { name: "maximum", f: (a, b) => ct.maximum(a, b), shapes: [[2, 3], [3]] },
  { name: "minimum", f: (a, b) => ct.minimum(a, b), shapes: [[3], [2, 3]] },
  { name: "where", f: (a, b) => ct.where(condMask, a, b), shapes: [[2, 3], [3]] },
  {
    name: "where traced",
    f: (a, b) => ct.where(ct.greater(a, b), a, b.mul(2)),
    shapes: [[4], [4]],
  },
  { name: "compare", f: (a, b) => ct.greater(a, b), shapes: [[4], [4]], zero: true },
  {
    name: "compare all",
    f: (a, b) =>
      ct
        .less(a, b)
        .add(ct.equal(a, a))
        .add(ct.notEqual(a, b))
        .add(ct.lessEqual(a, b))
        .add(ct.greaterEqual(a, b))
        .mul(a),
    shapes: [[5], [5]],
  },
  { name: "sum axis", f: (x) => ct.sum(x, 1), shapes: [[2, 3, 2]] },
  { name: "sum all keepdims", f: (x) => ct.sum(x, undefined, true), shapes: [[2, 3]] },
  { name: "mean axes", f: (x) => ct.mean(x, [0, 2]), shapes: [[2, 3, 2]] },
  { name: "max axis", f: (x) => ct.max(x, 0), shapes: [[3, 4]] },
  { name: "min all", f: (x) => ct.min(x), shapes: [[3, 4]] },
  { name: "prod axis", f: (x) => ct.prod(x, -1), shapes: [[2, 3]], domain: "away" },
  {
    name: "long reductions (unrolled)",
    f: (x) =>
      ct
        .max(x, 1)
        .add(ct.min(x, 1))
        .add(ct.prod(x.mul(0.1).add(1), 1))
        .add(x.sum()),
    shapes: [[2, 37]],
  },
  { name: "logsumexp", f: (x) => ct.logsumexp(x, 1), shapes: [[2, 4]] },
  { name: "softmax", f: (x) => ct.softmax(x), shapes: [[2, 4]] },
  { name: "logSoftmax", f: (x) => ct.logSoftmax(x, 0), shapes: [[3, 2]] },
  { name: "norm", f: (x) => ct.norm(x), shapes: [[2, 3]] },
  { name: "norm ord 1 axis", f: (x) => ct.norm(x, 1, 1), shapes: [[2, 3]], domain: "away" },
  { name: "matrix 2-norm", f: (x) => ct.norm(x, 2, [0, 1]), shapes: [[3, 2]], order1: true },
  {
    name: "matmul",
    f: (a, b) => ct.matmul(a, b),
    shapes: [
      [2, 3],
      [3, 4],
    ],
  },
  {
    name: "matmul odd sizes (blocks and edges)",
    f: (a, b) => ct.matmul(a, b),
    shapes: [
      [5, 7],
      [7, 6],
    ],
  },
  {
    name: "matmul batched broadcast",
    f: (a, b) => ct.matmul(a, b),
    shapes: [
      [2, 2, 3],
      [3, 2],
    ],
  },
  { name: "matmul vector", f: (a, b) => ct.matmul(a, b), shapes: [[3], [3, 2]] },
  { name: "dot", f: (a, b) => ct.dot(a, b), shapes: [[4], [4]] },
  { name: "outer", f: (a, b) => ct.outer(a, b), shapes: [[2], [3]] },
  { name: "transpose", f: (x) => ct.transpose(x, [2, 0, 1]).mul(2), shapes: [[2, 3, 2]] },
  {
    name: "reshape",
    f: (x) => ct.reshape(x.exp(), [3, -1]).mul(x.reshape([3, 2])),
    shapes: [[2, 3]],
  },
  {
    name: "broadcastTo",
    f: (x) => ct.broadcastTo(x.sin(), [2, 3, 3]).mul(ct.arange(18).reshape([2, 3, 3])),
    shapes: [[3, 1]],
  },
  { name: "slice strided", f: (x) => ct.slice(x.exp(), "1:", "::2").mul(2), shapes: [[3, 5]] },
  { name: "slice index", f: (x) => ct.slice(x, 1, [0, 2]), shapes: [[3, 4]] },
  { name: "take", f: (x) => ct.take(x, [2, 0, 2], 1), shapes: [[2, 3]] },
  {
    name: "concat",
    f: (a, b) => ct.concat([a.cos(), b], 1),
    shapes: [
      [2, 1],
      [2, 3],
    ],
  },
  {
    name: "stack",
    f: (a, b) => ct.stack([a, b.exp()], 1),
    shapes: [
      [2, 2],
      [2, 2],
    ],
  },
  {
    name: "solve",
    f: (a, b) => ct.solve(spd(a), b),
    shapes: [
      [3, 3],
      [3, 2],
    ],
  },
  { name: "solve vector", f: (a, b) => ct.solve(spd(a), b), shapes: [[3, 3], [3]] },
  { name: "inv", f: (a) => ct.inv(spd(a)), shapes: [[3, 3]] },
  { name: "det", f: (a) => ct.det(a), shapes: [[3, 3]] },
  { name: "det batched", f: (a) => ct.det(a), shapes: [[2, 2, 2]] },
  { name: "singularValues", f: (a) => ct.singularValues(a), shapes: [[3, 2]], order1: true },
  { name: "singularValues wide", f: (a) => ct.singularValues(a), shapes: [[2, 4]], order1: true },
  { name: "svd u", f: (a) => ct.svd(a).u, shapes: [[3, 2]], forwardOnly: true },
  { name: "svd vt", f: (a) => ct.svd(a).vt, shapes: [[2, 3]], forwardOnly: true },
  { name: "eigh w", f: (a) => ct.eigh(a).w, shapes: [[3, 3]] },
  { name: "eigh w batched", f: (a) => ct.eigh(a).w, shapes: [[2, 3, 3]] },
  { name: "eigh v", f: (a) => ct.eigh(a).v, shapes: [[3, 3]] },
  {
    name: "scan (carry and stacked ys)",
    f: (a, xs) => {
      const [c, ys] = ct.scan((c: Tensor, x: Tensor) => [ct.sin(c.mul(x)), c.mul(x)], a, xs);
      return ct.concat([c, ys.reshape([-1])]);
    },
    shapes: [[2], [3, 2]],
  },
  {
    name: "scan reverse, closing over a value",
    f: (a, w) => {
      const [c, ys] = ct.scan((c: Tensor) => [ct.tanh(c.mul(w)), c.sum()], a, null, {
        length: 3,
        reverse: true,
      });
      return ct.concat([c, ys]);
    },
    shapes: [[2], [2]],
  },
  {
    name: "foriLoop",
    f: (a) => ct.foriLoop(0, 4, (i: Tensor, c: Tensor) => ct.sin(c.mul(i.add(1))), a),
    shapes: [[3]],
  },
  {
    name: "whileLoop (a counter in the carry)",
    f: (a) =>
      ct.whileLoop(
        ([i]: Tensor[]) => ct.less(i, 3),
        ([i, x]: Tensor[]) => [i.add(1), ct.sin(x.mul(1.5))],
        [ct.tensor(0), a],
      )[1],
    shapes: [[3]],
    reverseRefused: /whileLoop: reverse-mode differentiation .* is not supported/,
  },
  { name: "stopGradient", f: (x) => ct.stopGradient(x.mul(x)), shapes: [[3]], zero: true },
  {
    name: "stopGradient times x",
    f: (x) => ct.stopGradient(x.mul(x)).mul(x),
    shapes: [[3]],
    stopsGradient: true,
  },
  {
    // random bits from scaled inputs (taken mod 2³² as uint32 words): zero derivative
    name: "threefry2x32",
    f: (k, c) => ct.random.threefry2x32(k.mul(1e6), k.mul(3e6), c.mul(1e6), c.mul(7e6)),
    shapes: [[3], [2, 3]],
    zero: true,
  },
  {
    name: "composite",
    f: (x, w) => ct.tanh(ct.matmul(w, x)).sum(0).exp(),
    shapes: [
      [3, 2],
      [4, 3],
    ],
  },
];

/** The cases with derivative rules (all but the forward-only ones). */
export const differentiableCases = primitiveCases.filter((c) => !c.forwardOnly);

/** The cases whose derivatives are those of the function (checked by finite differences). */
export const derivativeCases = differentiableCases.filter((c) => !c.stopsGradient);

export function domainOf(c: PrimitiveCase, i: number): Domain {
  return Array.isArray(c.domain) ? c.domain[i] : (c.domain ?? "any");
}

/** Random inputs for a case, each in its domain. */
export function caseInputs(c: PrimitiveCase, seed: number): Tensor[] {
  return c.shapes.map((s, i) => sample(s, domainOf(c, i), seed + i));
}
