/** Transformations composed with each other, and the primitive observer's view of them. */
import { describe, expect, it } from "vitest";
import type { Phase, Tensor } from "cotangent";
import {
  Primitive,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  setPrimitiveObserver,
  sin,
  sum,
  tensor,
  vjp,
  vmap,
} from "cotangent";

describe("nested transformations", () => {
  const f = (x: Tensor): Tensor => sum(sin(x).mul(x.square()));
  const x = tensor([0.4, -1.1, 2]);
  // f = Σ sin(x) x²: ∂f/∂xᵢ = cos xᵢ xᵢ² + 2 xᵢ sin xᵢ
  const df = (v: number): number => Math.cos(v) * v * v + 2 * v * Math.sin(v);
  const d2f = (v: number): number => -Math.sin(v) * v * v + 4 * v * Math.cos(v) + 2 * Math.sin(v);

  it("vmap of grad and grad of a vmapped sum agree with the formula", () => {
    const xs = tensor([[0.4], [-1.1], [2]]);
    expect(vmap(grad(f))(xs)).toBeAllclose([[df(0.4)], [df(-1.1)], [df(2)]], { rtol: 1e-12 });
    expect(grad((v: Tensor) => sum(vmap(f)(v)))(xs)).toBeAllclose(
      [[df(0.4)], [df(-1.1)], [df(2)]],
      {
        rtol: 1e-12,
      },
    );
  });

  it("every pairing of modes gives the same Hessian", () => {
    const expected = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? d2f(x.data[i]) : 0)));
    expect(hessian(f)(x)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
    expect(jacrev(jacrev(f))(x)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
    expect(jacfwd(jacfwd(f))(x)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
    expect(jacrev(jacfwd(f))(x)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
    // forward-over-reverse Hessian-vector product
    const v = tensor([1, 2, 3]);
    expect(jvp(grad(f), [x], [v])[1]).toBeAllclose(
      [0, 1, 2].map((i) => d2f(x.data[i]) * v.data[i]),
      { rtol: 1e-12 },
    );
  });

  it("customVjp's backward runs batched under jacrev", () => {
    const scaled = customVjp(
      (x: Tensor) => x.mul(3),
      (x: Tensor) => [x.mul(3), null] as const,
      (_r, ct) => [ct.mul(5)],
    );
    expect(jacrev(scaled)(tensor([1, 2]))).toBeAllclose([
      [5, 0],
      [0, 5],
    ]);
    expect(jacfwd(scaled)(tensor([1, 2]))).toBeAllclose([
      [3, 0],
      [0, 3],
    ]);
  });
});

describe("the primitive observer", () => {
  it("sees forward and backward applications with their phase, and nothing once removed", () => {
    const seen: [Primitive, Phase][] = [];
    const previous = setPrimitiveObserver((prim, _inputs, _output, phase) =>
      seen.push([prim, phase]),
    );
    try {
      const [, pullback] = vjp((v: Tensor) => sin(v), tensor([1, 2]));
      expect(seen).toEqual([[Primitive.Sin, "forward"]]);
      pullback(tensor([1, 1]));
      const backward = seen.slice(1);
      expect(backward).toContainEqual([Primitive.Cos, "backward"]);
      expect(backward).toContainEqual([Primitive.Mul, "backward"]);
      expect(backward.every(([, phase]) => phase === "backward")).toBe(true);
    } finally {
      setPrimitiveObserver(previous);
    }
    const count = seen.length;
    sin(tensor(1));
    expect(seen.length).toBe(count);
  });
});
