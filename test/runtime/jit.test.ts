/**
 * jit against eager evaluation: every primitive (forward and through grad), the benchmark
 * functions, composition both ways, the cache (one trace per input signature), buffer reuse,
 * pytrees, and the errors.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { Primitive, grad, hessian, jacobian, jit, setPrimitiveObserver, vmap } from "cotangent";
import { rosenbrock } from "./helpers.js";
import { caseInputs as inputs, primitiveCases as cases } from "./cases.js";

type Fn = (...xs: Tensor[]) => Tensor;

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
      if (!c.forwardOnly && !c.reverseRefused) eagerGrads = g(...xs);
    } finally {
      setPrimitiveObserver(previous);
    }
    expect(jit(c.f)(...xs)).toBeAllclose(eager, TOL);
    if (c.forwardOnly || c.reverseRefused) return;
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
