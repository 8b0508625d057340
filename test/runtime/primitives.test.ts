/**
 * Table-driven checks over every primitive, through the public ops: forward mode against
 * central finite differences, reverse mode against forward mode by ⟨J t, c⟩ = ⟨t, Jᵀ c⟩, the
 * same at order 2 (on the pullback as a function of x), batching (vmap against a loop, jacrev
 * against jacfwd against finite differences). An observer checks that the table reaches every
 * primitive of the enum.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { Primitive, jacfwd, jacrev, jvp, setPrimitiveObserver, stack, vjp, vmap } from "cotangent";
import type { TensorFn } from "./helpers.js";
import { fdJvp, innerProducts, randomLike, relErr, sample } from "./helpers.js";

type Domain = "any" | "pos" | "away" | "small";

interface Case {
  name: string;
  f: TensorFn;
  shapes: number[][];
  domain?: Domain | Domain[];
  /** Piecewise-constant ops: derivatives are checked to be exactly zero instead. */
  zero?: boolean;
  /** Not checked at order 2 (the singular vectors are held constant there). */
  order1?: boolean;
  /** Reverse mode is refused (whileLoop): vjp must throw that error; forward mode is checked. */
  forwardOnly?: RegExp;
}

const spd = (x: Tensor): Tensor => x.matmul(x.T).add(ct.eye(x.shape[0]).mul(3));
const condMask = ct.tensor([1, 0, 1]);

const cases: Case[] = [
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
  { name: "softplus", f: (x) => ct.softplus(x), shapes: [[5]] },
  { name: "relu", f: (x) => ct.relu(x), shapes: [[6]], domain: "away" },
  { name: "sqrt", f: (x) => ct.sqrt(x), shapes: [[4]], domain: "pos" },
  { name: "abs", f: (x) => ct.abs(x), shapes: [[6]], domain: "away" },
  { name: "sign", f: (x) => ct.sign(x), shapes: [[6]], domain: "away", zero: true },
  { name: "square", f: (x) => ct.square(x), shapes: [[3]] },
  { name: "add broadcast", f: (a, b) => ct.add(a, b), shapes: [[2, 3], [3]] },
  {
    name: "sub broadcast",
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
  { name: "maximum", f: (a, b) => ct.maximum(a, b), shapes: [[2, 3], [3]] },
  { name: "minimum", f: (a, b) => ct.minimum(a, b), shapes: [[3], [2, 3]] },
  { name: "where", f: (a, b) => ct.where(condMask, a, b), shapes: [[2, 3], [3]] },
  { name: "compare", f: (a, b) => ct.greater(a, b), shapes: [[4], [4]], zero: true },
  { name: "sum axis", f: (x) => ct.sum(x, 1), shapes: [[2, 3, 2]] },
  { name: "sum all keepdims", f: (x) => ct.sum(x, undefined, true), shapes: [[2, 3]] },
  { name: "mean axes", f: (x) => ct.mean(x, [0, 2]), shapes: [[2, 3, 2]] },
  { name: "max axis", f: (x) => ct.max(x, 0), shapes: [[3, 4]] },
  { name: "min all", f: (x) => ct.min(x), shapes: [[3, 4]] },
  { name: "prod axis", f: (x) => ct.prod(x, -1), shapes: [[2, 3]], domain: "away" },
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
  { name: "transpose", f: (x) => ct.transpose(x, [2, 0, 1]), shapes: [[2, 3, 2]] },
  { name: "reshape", f: (x) => ct.reshape(x, [3, -1]).mul(x.reshape([3, 2])), shapes: [[2, 3]] },
  {
    name: "broadcastTo",
    f: (x) => ct.broadcastTo(x, [2, 3, 3]).mul(ct.arange(18).reshape([2, 3, 3])),
    shapes: [[3, 1]],
  },
  { name: "slice strided", f: (x) => ct.slice(x, "1:", "::2").mul(2), shapes: [[3, 5]] },
  { name: "slice index", f: (x) => ct.slice(x, 1, [0, 2]), shapes: [[3, 4]] },
  { name: "take", f: (x) => ct.take(x, [2, 0, 2], 1), shapes: [[2, 3]] },
  {
    name: "concat",
    f: (a, b) => ct.concat([a, b], 1),
    shapes: [
      [2, 1],
      [2, 3],
    ],
  },
  {
    name: "stack",
    f: (a, b) => ct.stack([a, b], 1),
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
  { name: "eigh w", f: (a) => ct.eigh(a).w, shapes: [[3, 3]] },
  { name: "eigh w batched", f: (a) => ct.eigh(a).w, shapes: [[2, 3, 3]] },
  { name: "eigh v", f: (a) => ct.eigh(a).v, shapes: [[3, 3]] },
  { name: "stopGradient", f: (x) => ct.stopGradient(x.mul(x)), shapes: [[3]], zero: true },
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
    forwardOnly: /whileLoop: reverse-mode differentiation .* is not supported/,
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

function inputs(c: Case, seed: number): Tensor[] {
  return c.shapes.map((s, i) => {
    const d = Array.isArray(c.domain) ? c.domain[i] : (c.domain ?? "any");
    return sample(s, d, seed + i);
  });
}

/** The pullback in direction c as a function of the inputs: x ↦ Jᵀ(x) c (first input's part). */
function pullbackFn(f: TensorFn, xs: Tensor[]): TensorFn {
  const c = randomLike(f(...xs));
  return (...ys: Tensor[]) => vjp(f, ...ys)[1](c)[0];
}

function fdJacobian(f: TensorFn, xs: Tensor[], k: number): Tensor {
  const y = f(...xs);
  const cols: Tensor[] = [];
  for (let j = 0; j < xs[k].size; j++) {
    const ts = xs.map((x, i) =>
      i === k
        ? ct.zeros([x.size]).add(ct.eye(x.size).slice(j)).reshape(x.shape)
        : ct.zeros(x.shape),
    );
    cols.push(fdJvp(f, xs, ts).reshape([y.size]));
  }
  return ct.stack(cols, 1).reshape([...y.shape, ...xs[k].shape]);
}

describe("every primitive, through the ops", () => {
  const seen = new Set<Primitive>();

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: jvp vs finite differences, vjp vs jvp",
    (_name, c) => {
      const previous = setPrimitiveObserver((p) => seen.add(p));
      try {
        const xs = inputs(c, 11);
        const ts = xs.map(randomLike);
        const [, yDot] = jvp(c.f, xs, ts);
        if (c.zero) {
          expect(yDot).toBeAllclose(ct.zeros(yDot.shape));
          const [, pullback] = vjp(c.f, ...xs);
          for (const g of pullback(randomLike(yDot))) expect(g).toBeAllclose(ct.zeros(g.shape));
          return;
        }
        expect(yDot).toBeAllclose(fdJvp(c.f, xs, ts), { rtol: 1e-6, atol: 1e-7 });
        if (c.forwardOnly) {
          expect(() => vjp(c.f, ...xs)[1](randomLike(yDot))).toThrow(c.forwardOnly);
          return;
        }
        const { forward, reverse } = innerProducts(c.f, xs);
        expect(relErr(forward, reverse)).toBeLessThan(1e-10);
      } finally {
        setPrimitiveObserver(previous);
      }
    },
  );

  it.each(
    cases.filter((c) => !c.zero && !c.order1 && !c.forwardOnly).map((c) => [c.name, c] as const),
  )("%s: order 2 (the pullback differentiated both ways)", (_name, c) => {
    const xs = inputs(c, 23);
    const g = pullbackFn(c.f, xs);
    const ts = xs.map(randomLike);
    const [, gDot] = jvp(g, xs, ts);
    expect(gDot).toBeAllclose(fdJvp(g, xs, ts), { rtol: 1e-6, atol: 1e-6 });
    const { forward, reverse } = innerProducts(g, xs);
    expect(relErr(forward, reverse)).toBeLessThan(1e-9);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: batching (vmap, jacrev, jacfwd)",
    (_name, c) => {
      const xs = inputs(c, 37);
      // vmap over the first argument against a loop
      const batch = [0, 1, 2].map((k) => inputs(c, 50 + k)[0]);
      const mapped = vmap((x0: Tensor) => c.f(x0, ...xs.slice(1)))(stack(batch));
      expect(mapped).toBeAllclose(stack(batch.map((x0) => c.f(x0, ...xs.slice(1)))), {
        rtol: 1e-12,
        atol: 1e-12,
      });
      // Jacobians for every argument
      const argnums = xs.map((_, i) => i);
      const jf = jacfwd(c.f, { argnums })(...xs) as Tensor[];
      const jr = c.forwardOnly ? jf : (jacrev(c.f, { argnums })(...xs) as Tensor[]);
      xs.forEach((_, k) => {
        expect(jr[k]).toBeAllclose(jf[k], { rtol: 1e-10, atol: 1e-12 });
        if (!c.zero) expect(jr[k]).toBeAllclose(fdJacobian(c.f, xs, k), { rtol: 1e-6, atol: 1e-7 });
      });
    },
  );

  it("the table reaches every primitive", () => {
    const missing = Object.values(Primitive).filter((p) => !seen.has(p));
    expect(missing).toEqual([]);
  });
});
