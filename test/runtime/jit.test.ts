/**
 * jit against eager evaluation: every primitive (forward and through grad), the benchmark
 * functions, composition both ways, the cache (one trace per input signature), buffer reuse,
 * pytrees, and the errors.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { Primitive, grad, hessian, jacobian, jit, setPrimitiveObserver, vmap } from "cotangent";
import { rosenbrock, sample } from "./helpers.js";

type Domain = "any" | "pos" | "away" | "small";
type Fn = (...xs: Tensor[]) => Tensor;

interface Case {
  name: string;
  f: Fn;
  shapes: number[][];
  domain?: Domain;
  /** Only the forward value is compared (no derivative rule for this output). */
  forwardOnly?: boolean;
}

const spd = (x: Tensor): Tensor => x.matmul(x.T).add(ct.eye(x.shape[0]).mul(3));
const mask = ct.tensor([1, 0, 1]);

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
  { name: "sigmoid", f: (x) => ct.sigmoid(x.mul(4)), shapes: [[7]] },
  { name: "softplus", f: (x) => ct.softplus(x.mul(30)), shapes: [[7]] },
  { name: "relu", f: (x) => ct.relu(x), shapes: [[6]], domain: "away" },
  { name: "sqrt", f: (x) => ct.sqrt(x), shapes: [[4]], domain: "pos" },
  { name: "abs", f: (x) => ct.abs(x), shapes: [[6]], domain: "away" },
  { name: "sign", f: (x) => ct.sign(x).mul(x), shapes: [[6]], domain: "away" },
  { name: "add broadcast", f: (a, b) => ct.add(a, b), shapes: [[2, 3], [3]] },
  {
    name: "sub outer broadcast",
    f: (a, b) => ct.sub(a, b),
    shapes: [
      [3, 1],
      [1, 4],
    ],
  },
  { name: "mul scalar", f: (a, b) => ct.mul(a, b), shapes: [[], [2, 3]] },
  { name: "div broadcast", f: (a, b) => ct.div(a, b.abs().add(0.5)), shapes: [[2, 3], [3]] },
  { name: "pow", f: (a, b) => ct.pow(a, b), shapes: [[2, 3], [3]], domain: "pos" },
  { name: "pow 2 and 3", f: (a) => ct.pow(a, 2).add(ct.pow(a, 3)), shapes: [[4]] },
  { name: "maximum", f: (a, b) => ct.maximum(a, b), shapes: [[2, 3], [3]] },
  { name: "minimum", f: (a, b) => ct.minimum(a, b), shapes: [[3], [2, 3]] },
  { name: "where", f: (a, b) => ct.where(mask, a, b), shapes: [[2, 3], [3]] },
  {
    name: "where traced",
    f: (a, b) => ct.where(ct.greater(a, b), a, b.mul(2)),
    shapes: [[4], [4]],
  },
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
  { name: "max axis 0", f: (x) => ct.max(x, 0), shapes: [[3, 4]] },
  { name: "min all", f: (x) => ct.min(x), shapes: [[3, 4]] },
  { name: "prod last axis", f: (x) => ct.prod(x, -1), shapes: [[2, 3]], domain: "away" },
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
  { name: "logSoftmax axis 0", f: (x) => ct.logSoftmax(x, 0), shapes: [[3, 2]] },
  { name: "norm", f: (x) => ct.norm(x), shapes: [[2, 3]] },
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
    name: "matmul batched",
    f: (a, b) => ct.matmul(a, b),
    shapes: [
      [2, 2, 3],
      [3, 2],
    ],
  },
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
  { name: "inv", f: (a) => ct.inv(spd(a)), shapes: [[3, 3]] },
  { name: "det batched", f: (a) => ct.det(a), shapes: [[2, 2, 2]] },
  { name: "singularValues", f: (a) => ct.singularValues(a), shapes: [[3, 2]] },
  { name: "svd u", f: (a) => ct.svd(a).u, shapes: [[3, 2]], forwardOnly: true },
  { name: "svd vt", f: (a) => ct.svd(a).vt, shapes: [[2, 3]], forwardOnly: true },
  { name: "eigh", f: (a) => ct.eigh(a).w.mul(ct.eigh(a).v.sum(0)), shapes: [[3, 3]] },
  { name: "stopGradient", f: (x) => ct.stopGradient(x.mul(x)).mul(x), shapes: [[3]] },
  {
    name: "scan",
    f: (a, xs) => {
      const [c, ys] = ct.scan((c: Tensor, x: Tensor) => [ct.sin(c.mul(x)), c.mul(x)], a, xs);
      return ct.concat([c, ys.reshape([-1])]);
    },
    shapes: [[2], [3, 2]],
  },
  {
    name: "whileLoop",
    f: (a) =>
      ct.whileLoop(
        (x: Tensor) => ct.less(x.sum(), 20),
        (x: Tensor) => x.mul(1.5),
        a.abs().add(1),
      ),
    shapes: [[2]],
    forwardOnly: true,
  },
];

function inputs(c: Case, seed: number): Tensor[] {
  return c.shapes.map((s, i) => sample(s, c.domain ?? "any", seed + i));
}

/** A scalar of f's output with a nontrivial cotangent. */
const scalarOf =
  (f: Fn): Fn =>
  (...xs) =>
    ct.sum(ct.sin(f(...xs)));

const TOL = { rtol: 1e-12, atol: 1e-12 };

describe("jit: every primitive", () => {
  const seen = new Set<Primitive>();

  it.each(cases.map((c) => [c.name, c] as const))("%s: jit(f) and jit(grad(f))", (_n, c) => {
    const xs = inputs(c, 7);
    const previous = setPrimitiveObserver((p) => seen.add(p));
    let eager: Tensor;
    let eagerGrads: Tensor[] = [];
    const argnums = xs.map((_, i) => i);
    const g = grad(scalarOf(c.f), { argnums });
    try {
      eager = c.f(...xs);
      if (!c.forwardOnly) eagerGrads = g(...xs);
    } finally {
      setPrimitiveObserver(previous);
    }
    expect(jit(c.f)(...xs)).toBeAllclose(eager, TOL);
    if (c.forwardOnly) return;
    const jitted = jit(g)(...xs);
    jitted.forEach((gi, i) => expect(gi).toBeAllclose(eagerGrads[i], { rtol: 1e-10, atol: 1e-12 }));
  });

  it("the table reaches every primitive", () => {
    const missing = Object.values(Primitive).filter((p) => !seen.has(p));
    expect(missing).toEqual([]);
  });
});

function residuals(x: Tensor): Tensor {
  const n = x.shape[0];
  const a = ct.slice(x, [0, n - 1]);
  const b = ct.slice(x, [1, n]);
  return ct.concat([ct.mul(ct.sub(b, ct.mul(a, a)), 10), ct.sub(1, a)]);
}

const elementwise = (x: Tensor): Tensor => ct.add(ct.mul(x.sin(), ct.mul(x, x)), x.neg().exp());

interface Params {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

const xs = ct.randn([8, 5], { seed: 3 });
const oneHot = ct.eye(3).take([0, 2, 1, 1, 0, 2, 2, 0], 0);
const loss = (p: Params): Tensor => {
  const h = ct.relu(ct.add(ct.matmul(xs, p.w1), p.b1));
  const logits = ct.add(ct.matmul(h, p.w2), p.b2);
  return ct.mul(ct.sum(ct.mul(ct.logSoftmax(logits), oneHot)), -1 / 8);
};
const params: Params = {
  w1: ct.randn([5, 4], { seed: 4 }),
  b1: ct.randn([4], { seed: 5 }),
  w2: ct.randn([4, 3], { seed: 6 }),
  b2: ct.randn([3], { seed: 7 }),
};

describe("jit: the benchmark functions", () => {
  const x = ct.randn([50], { seed: 9 });
  it.each([
    ["rosenbrock", rosenbrock],
    ["grad(rosenbrock)", grad(rosenbrock)],
    ["hessian(rosenbrock)", hessian(rosenbrock)],
    ["jacobian(residuals)", jacobian(residuals)],
    ["jacobian(elementwise)", jacobian(elementwise)],
  ] as const)("%s", (_n, f) => {
    expect(jit(f as Fn)(x)).toBeAllclose((f as Fn)(x), { rtol: 1e-12, atol: 1e-12 });
  });

  it("the MLP loss and its gradient (a pytree of parameters)", () => {
    expect(jit(loss)(params)).toBeAllclose(loss(params), TOL);
    const eager = grad(loss)(params);
    const jitted = jit(grad(loss))(params);
    for (const k of ["w1", "b1", "w2", "b2"] as const)
      expect(jitted[k]).toBeAllclose(eager[k], { rtol: 1e-12, atol: 1e-14 });
  });
});

describe("jit: composition, cache, buffers, pytrees, errors", () => {
  it("grad(jit(f)) and vmap(jit(f)) run f under the outer transformation", () => {
    const x = ct.randn([6], { seed: 11 });
    expect(grad(jit(rosenbrock))(x)).toBeAllclose(grad(rosenbrock)(x), TOL);
    const batch = ct.randn([3, 6], { seed: 12 });
    expect(vmap(jit(rosenbrock))(batch)).toBeAllclose(vmap(rosenbrock)(batch), TOL);
  });

  it("a jitted function closing over an outer tracer runs as is", () => {
    const x = ct.tensor([2, 3]);
    const outer = (v: Tensor) => ct.sum(jit((c: Tensor) => ct.mul(v, c).sin())(ct.tensor(3)));
    expect(grad(outer)(x)).toBeAllclose(ct.mul(ct.cos(x.mul(3)), 3), TOL);
  });

  it("jit(jacobian(f)) and jit(hessian(f)) return Jacobians, for the notebook's views", () => {
    const x = ct.randn([4], { seed: 14 });
    const J = jit(jacobian(residuals))(x);
    expect(J instanceof ct.Jacobian).toBe(true);
    expect([J.outShape, J.inShape]).toEqual([[6], [4]]);
    expect(J).toBeAllclose(jacobian(residuals)(x), TOL);
    const H = jit(hessian(rosenbrock))(x);
    expect(H instanceof ct.Jacobian).toBe(true);
    expect([H.outShape, H.inShape]).toEqual([[4], [4]]);
    const both = jit((v: Tensor) => ({ J: jacobian(elementwise)(v), y: elementwise(v) }))(x);
    expect(both.J instanceof ct.Jacobian).toBe(true);
    expect(both.y instanceof ct.Jacobian).toBe(false);
  });

  it("keeps the scalar constants -0 and 0 apart when merging common subexpressions", () => {
    // 1/(x·-0) + 1/(x·0) = -∞ + ∞ = NaN; merging -0 into 0 would give ∞
    const f = (x: Tensor) => ct.div(1, ct.mul(x, -0)).add(ct.div(1, ct.mul(x, 0)));
    const x = ct.ones([2]);
    expect(Array.from(f(x).data)).toEqual([NaN, NaN]);
    expect(Array.from(jit(f)(x).data)).toEqual([NaN, NaN]);
  });

  it("jit(vmap(f)) compiles the batched computation", () => {
    const batch = ct.randn([3, 6], { seed: 13 });
    expect(jit(vmap(grad(rosenbrock)))(batch)).toBeAllclose(vmap(grad(rosenbrock))(batch), TOL);
  });

  it("traces once per input signature and again for a new shape or a number leaf", () => {
    let traces = 0;
    const f = jit((x: Tensor, s: Tensor | number) => {
      traces += 1;
      return ct.mul(x.exp(), s);
    });
    const x = ct.randn([4], { seed: 14 });
    expect(f(x, 2)).toBeAllclose(ct.mul(x.exp(), 2), TOL);
    expect(f(x.mul(3), 5)).toBeAllclose(ct.mul(x.mul(3).exp(), 5), TOL);
    expect(traces).toBe(1);
    f(ct.randn([5], { seed: 15 }), 2);
    expect(traces).toBe(2);
    f(x, ct.tensor(2));
    expect(traces).toBe(3);
  });

  it("outputs survive later calls (intermediate buffers are reused, outputs are fresh)", () => {
    // exp(x) and the matmul feed later loops through buffers kept by the program
    const g = (x: Tensor) => ct.matmul(ct.exp(x), x.T).add(ct.sum(x.sin())).tanh();
    const f = jit(g);
    const x1 = ct.randn([4, 6], { seed: 16 });
    const y1 = f(x1);
    expect(y1).toBeAllclose(g(x1), TOL);
    const copy = ct.tensor(Array.from(y1.data)).reshape(y1.shape);
    const y2 = f(ct.randn([4, 6], { seed: 17 }));
    expect(y2).not.toBeAllclose(y1);
    expect(y1).toBeAllclose(copy, { rtol: 0, atol: 0 });
  });

  it("takes and returns pytrees; numbers out come back as 0-d tensors", () => {
    const f = jit((p: { a: Tensor; b: [Tensor, number] }) => ({
      s: ct.add(p.a, p.b[0]),
      pair: [ct.mul(p.a, p.b[1]), 3] as const,
      same: p.a,
    }));
    const a = ct.tensor([1, 2]);
    const out = f({ a, b: [ct.tensor([3, 4]), 2] });
    expect(out.s).toBeAllclose(ct.tensor([4, 6]));
    expect(out.pair[0]).toBeAllclose(ct.tensor([2, 4]));
    expect(out.pair[1]).toBeAllclose(ct.tensor(3));
    expect(out.same).toBeAllclose(a);
  });

  it("reading a traced value is a clear error", () => {
    const f = jit((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()));
    expect(() => f(ct.randn([1000], { seed: 18 }))).toThrow(
      /jit: f read the value of a traced tensor of shape \[\].*use where\(\)/,
    );
    expect(() => jit((x: Tensor) => ct.tensor(Array.from(x.data)))(ct.zeros([3]))).toThrow(
      /traced tensor of shape \[3\]/,
    );
  });

  it("a shape error inside f names the op and the shapes", () => {
    const f = jit((a: Tensor, b: Tensor) => ct.add(a, b));
    expect(() => f(ct.zeros([2, 3]), ct.zeros([4]))).toThrow(/add.*\[2,3\].*\[4\]/);
  });

  it("runs f as is under withDebugNans, so the error names the primitive", () => {
    const f = jit((x: Tensor) => ct.log(x));
    expect(() => ct.withDebugNans(() => f(ct.tensor([-1])))).toThrow(/log/);
  });
});
