/** The transforms through the public API: hand-computed values, shapes, pytrees, options, errors. */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import {
  Jacobian,
  customVjp,
  exp,
  grad,
  hessian,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  matmul,
  mul,
  concat,
  sin,
  solve,
  stopGradient,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  vjp,
  vmap,
} from "cotangent";

describe("hand-computed derivatives", () => {
  it("grad of x³ and its higher orders (nesting)", () => {
    const f = (x: Tensor): Tensor => mul(x, mul(x, x));
    expect(grad(f)(2)).toBeCloseTo(12, 12);
    expect(grad(grad(f))(2)).toBeCloseTo(12, 12);
    expect(grad(grad(grad(f)))(2)).toBeCloseTo(6, 12);
    expect(grad(grad(grad(grad(f))))(2)).toBeCloseTo(0, 12);
  });

  it("a number in gives a number out; a tensor in gives a tensor out", () => {
    expect(typeof grad((x) => sin(x))(1)).toBe("number");
    const g = grad((x) => sum(sin(x)))(tensor([0, 1]));
    expect(g).toBeAllclose([1, Math.cos(1)]);
    expect(g.shape).toEqual([2]);
  });

  it("grad of a closure over an outer variable (no perturbation confusion)", () => {
    // d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x
    const outer = grad((x: Tensor) => mul(x, grad((y: Tensor) => mul(x, y))(tensor(3))));
    expect(outer(tensor(5))).toBeAllclose(10);
  });

  it("logistic regression gradient by hand", () => {
    const X = tensor([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ]);
    const y = tensor([1, 0, 1]);
    const w = tensor([0.1, -0.2]);
    const loss = (w: Tensor): Tensor => {
      const p = matmul(X, w).sigmoid();
      return y
        .mul(p.log())
        .add(y.neg().add(1).mul(p.neg().add(1).log()))
        .sum()
        .neg();
    };
    const p = matmul(X, w).sigmoid();
    const expected = matmul(X.T, p.sub(y));
    expect(grad(loss)(w)).toBeAllclose(expected, { rtol: 1e-12 });
  });
});

describe("non-square Jacobians: jacfwd, jacrev and finite differences agree in value and orientation", () => {
  // f: R² → R³ and g: R³ → R²
  const f = (x: Tensor): Tensor =>
    tensor([1, 0, 0])
      .mul(x.slice(0).mul(x.slice(1)))
      .add(tensor([0, 1, 0]).mul(x.slice(0).sin()))
      .add(tensor([0, 0, 1]).mul(x.slice(1).exp()));
  const g = (x: Tensor): Tensor =>
    matmul(
      tensor([
        [1, 2, 3],
        [0, -1, 1],
      ]),
      x.square(),
    );
  const fd = (h: (x: Tensor) => Tensor, x: Tensor): number[][] => {
    const y = h(x);
    const rows: number[][] = Array.from({ length: y.size }, () => []);
    for (let j = 0; j < x.size; j++) {
      const e = tensor(Array.from({ length: x.size }, (_, k) => (k === j ? 1e-6 : 0)));
      const d = h(x.add(e))
        .sub(h(x.sub(e)))
        .div(2e-6).data;
      for (let i = 0; i < y.size; i++) rows[i].push(d[i]);
    }
    return rows;
  };

  it("3×2: rows are outputs, columns are inputs", () => {
    const x = tensor([0.7, -1.3]);
    const expected = [
      [-1.3, 0.7],
      [Math.cos(0.7), 0],
      [0, Math.exp(-1.3)],
    ];
    for (const J of [jacfwd(f)(x), jacrev(f)(x), jacobian(f)(x)]) {
      expect(J).toBeInstanceOf(Jacobian);
      expect(J.shape).toEqual([3, 2]);
      expect(J.outShape).toEqual([3]);
      expect(J.inShape).toEqual([2]);
      expect(J).toBeAllclose(expected, { rtol: 1e-12 });
    }
    expect(jacrev(f)(x)).toBeAllclose(fd(f, x), { rtol: 1e-7, atol: 1e-9 });
  });

  it("2×3", () => {
    const x = tensor([0.5, 2, -1]);
    const expected = [
      [2 * 0.5, 2 * 2 * 2, 3 * 2 * -1],
      [0, -1 * 2 * 2, 2 * -1],
    ];
    for (const J of [jacfwd(g)(x), jacrev(g)(x), jacobian(g)(x)]) {
      expect(J.shape).toEqual([2, 3]);
      expect(J).toBeAllclose(expected, { rtol: 1e-12 });
    }
    expect(jacfwd(g)(x)).toBeAllclose(fd(g, x), { rtol: 1e-7, atol: 1e-9 });
  });

  it("n-d shapes: J has shape [...y, ...x]", () => {
    const W = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const h = (x: Tensor): Tensor => matmul(W, x).tanh(); // [3,2]@[2,4] → [3,4]
    const x = tensor([
      [0.1, 0.2, 0.3, 0.4],
      [-0.1, 0, 0.1, 0.2],
    ]);
    const Jr = jacrev(h)(x);
    const Jf = jacfwd(h)(x);
    expect(Jr.shape).toEqual([3, 4, 2, 4]);
    expect(Jr).toBeAllclose(Jf, { rtol: 1e-12 });
    // ∂y[i,k]/∂x[j,l] = (1 − y²)[i,k] W[i,j] δ(k,l)
    const y = h(x).data;
    expect(Jr.data[((1 * 4 + 2) * 2 + 0) * 4 + 2]).toBeCloseTo((1 - y[1 * 4 + 2] ** 2) * 3, 12);
    expect(Jr.data[((1 * 4 + 2) * 2 + 0) * 4 + 1]).toBe(0);
  });

  it("hessian is the Jacobian of the gradient", () => {
    const x = tensor([1, 2, 3]);
    const rosen = (x: Tensor): Tensor => {
      const a = x.slice(":-1");
      const b = x.slice("1:");
      return sum(b.sub(a.square()).square().mul(100).add(a.neg().add(1).square()));
    };
    const H = hessian(rosen)(x);
    expect(H).toBeInstanceOf(Jacobian);
    expect(H.outShape).toEqual([3]);
    expect(H.inShape).toEqual([3]);
    // analytic Rosenbrock Hessian
    const h = (i: number, j: number): number => {
      const v = [1, 2, 3];
      if (i === j) {
        let d = 0;
        if (i < 2) d += 1200 * v[i] ** 2 - 400 * v[i + 1] + 2;
        if (i > 0) d += 200;
        return d;
      }
      if (Math.abs(i - j) === 1) return -400 * v[Math.min(i, j)];
      return 0;
    };
    expect(H).toBeAllclose(
      [0, 1, 2].map((i) => [0, 1, 2].map((j) => h(i, j))),
      { rtol: 1e-12 },
    );
    expect(jacrev(jacrev(rosen))(x)).toBeAllclose(H, { rtol: 1e-12 });
    expect(jacfwd(jacfwd(rosen))(x)).toBeAllclose(H, { rtol: 1e-12 });
  });
});

describe("the seed's identities", () => {
  it("grad f = vjp(f, x)[1](1)", () => {
    const f = (x: Tensor): Tensor => sum(tanh(x).mul(x.exp()));
    const x = tensor([0.3, -0.5, 1.2]);
    const [, pullback] = vjp(f, x);
    expect(grad(f)(x)).toBeAllclose(pullback(1)[0], { rtol: 1e-14 });
    expect(grad(f)(x)).toBeAllclose(pullback(tensor(1))[0], { rtol: 1e-14 });
  });

  it("the VJP of a composition is the nested stage pullbacks", () => {
    const A = tensor([
      [1, -2, 0.5],
      [0.3, 1, 2],
    ]);
    const f1 = (x: Tensor): Tensor => sin(x); // R³ → R³
    const f2 = (x: Tensor): Tensor => matmul(A, x); // R³ → R²
    const f3 = (x: Tensor): Tensor => exp(x).mul(x); // R² → R²
    const F = (x: Tensor): Tensor => f3(f2(f1(x)));
    const x = tensor([0.2, -0.4, 0.9]);
    const v = tensor([1.5, -0.5]);
    const x1 = f1(x);
    const x2 = f2(x1);
    const v3 = vjp(f3, x2)[1](v)[0];
    const v2 = vjp(f2, x1)[1](v3)[0];
    const v1 = vjp(f1, x)[1](v2)[0];
    expect(vjp(F, x)[1](v)[0]).toBeAllclose(v1, { rtol: 1e-13 });
    // and equals Jᵀ v with the product of the stage Jacobians
    const J = matmul(matmul(jacobian(f3)(x2), jacobian(f2)(x1)), jacobian(f1)(x));
    expect(matmul(J.T, v)).toBeAllclose(v1, { rtol: 1e-13 });
  });

  it("the pullback can be called many times without re-running f", () => {
    let calls = 0;
    const f = (x: Tensor): Tensor => {
      calls += 1;
      return sin(x);
    };
    const [, pullback] = vjp(f, tensor([1, 2]));
    const a = pullback(tensor([1, 0]))[0];
    const b = pullback(tensor([0, 1]))[0];
    expect(calls).toBe(1);
    expect(a).toBeAllclose([Math.cos(1), 0]);
    expect(b).toBeAllclose([0, Math.cos(2)]);
  });
});

describe("pytrees, argnums and hasAux", () => {
  it("arrays of numbers are containers of scalars", () => {
    const g = grad((xs: Tensor[]) => xs[0].mul(xs[1]))([3, 4]);
    expect(g).toEqual([4, 3]);
  });

  it("objects nest; the gradient has the input's structure", () => {
    const params = { w: tensor([1, 2]), b: 0.5 };
    const loss = (p: { w: Tensor; b: Tensor }): Tensor => sum(p.w.square()).add(p.b.mul(3));
    const g = grad(loss)(params);
    expect(g.w).toBeAllclose([2, 4]);
    expect(g.b).toBe(3);
  });

  it("argnums as a number and as an array", () => {
    const f = (x: Tensor, y: Tensor): Tensor => x.mul(y.square());
    // arguments that are not differentiated are passed through as given
    expect(grad(f, { argnums: 1 })(tensor(2), 3)).toBeCloseTo(12, 12);
    expect(grad(f, { argnums: [0, 1] })(2, 3)).toEqual([9, 12]);
    expect(() => grad(f, { argnums: 2 })(2, 3)).toThrow(
      /argnums 2 is out of range for a call with 2 argument/,
    );
  });

  it("hasAux shapes as in JAX", () => {
    const f = (x: Tensor) => [sum(x.square()), { n: x.size }] as const;
    const [g, aux] = grad(f, { hasAux: true })(tensor([1, 2]));
    expect(g).toBeAllclose([2, 4]);
    expect(aux).toEqual({ n: 2 });
    const [[value, aux2], g2] = valueAndGrad(f, { hasAux: true })(tensor([1, 2]));
    expect(value).toBeAllclose(5);
    expect(aux2).toEqual({ n: 2 });
    expect(g2).toBeAllclose([2, 4]);
  });

  it("valueAndGrad gives [value, grad]", () => {
    const [v, g] = valueAndGrad((x) => sum(x.exp()))(tensor([0, 1]));
    expect(v).toBeAllclose(1 + Math.E);
    expect(g).toBeAllclose([1, Math.E]);
  });

  it("vjp and jvp with structured outputs", () => {
    const f = (x: Tensor) => ({ a: x.sin(), b: [sum(x)] });
    const x = tensor([0.1, 0.2]);
    const [y, pullback] = vjp(f, x);
    expect(y.a).toBeAllclose(x.sin());
    const [ct] = pullback({ a: tensor([1, 0]), b: [tensor(2)] });
    expect(ct).toBeAllclose([Math.cos(0.1) + 2, 2]);
    const [, dy] = jvp(f, [x], [tensor([1, 1])]);
    expect(dy.a).toBeAllclose(x.cos());
    expect(dy.b[0]).toBeAllclose(2);
  });

  it("Jacobians nest: output structure outside, input structure inside", () => {
    const f = (p: { u: Tensor; v: Tensor }) => [p.u.mul(p.v), sum(p.u)];
    const J = jacrev(f)({ u: tensor([1, 2]), v: tensor([3, 4]) });
    const Jf = jacfwd(f)({ u: tensor([1, 2]), v: tensor([3, 4]) });
    expect(J[0].u).toBeAllclose([
      [3, 0],
      [0, 4],
    ]);
    expect(J[0].v).toBeAllclose([
      [1, 0],
      [0, 2],
    ]);
    expect(J[1].u).toBeAllclose([1, 1]);
    expect(J[1].v).toBeAllclose([0, 0]);
    expect(Jf[0].u).toBeAllclose(J[0].u);
    expect(Jf[1].v).toBeAllclose(J[1].v);
  });
});

describe("stopGradient, customVjp, vmap", () => {
  it("stopGradient blocks the derivative", () => {
    expect(grad((x) => stopGradient(x).mul(x))(3)).toBe(3);
  });

  it("customVjp replaces the backward pass; forward mode differentiates f", () => {
    const clipped = customVjp(
      (x: Tensor) => x.sin(),
      (x: Tensor) => [x.sin(), x] as const,
      (x, ct) => [ct.mul(x.cos()).maximum(-0.1).minimum(0.1)],
    );
    const x = tensor([0, 3]);
    expect(grad((x) => sum(clipped(x)))(x)).toBeAllclose([0.1, -0.1]);
    expect(jvp(clipped, [x], [tensor([1, 1])])[1]).toBeAllclose(x.cos());
  });

  it("vmap maps over the leading axis", () => {
    const f = (x: Tensor, y: Tensor): Tensor => matmul(x, y).sum();
    const xs = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    const ys = tensor([
      [1, 1],
      [2, -1],
    ]);
    expect(vmap(f)(xs, ys)).toBeAllclose([10, 1]);
    expect(vmap(grad((x: Tensor) => sum(x.square())))(ys)).toBeAllclose(ys.mul(2));
  });
});

describe("errors name the op and the shapes", () => {
  it.each([
    [
      "matmul",
      () => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])),
      "matmul: shapes [1,3] and [1,2] do not align",
    ],
    [
      "add",
      () => tensor([1, 2, 3]).add(tensor([1, 2])),
      "add: shapes [3] and [2] cannot be broadcast together",
    ],
    [
      "reshape",
      () => tensor([1, 2, 3]).reshape([2, 2]),
      "reshape: cannot reshape a tensor of shape [3] (3 entries) into [2,2]",
    ],
    [
      "sum axis",
      () => sum(tensor([1, 2]), 1),
      "sum: axis 1 is out of range for a tensor with 1 dimensions",
    ],
    [
      "slice index",
      () => tensor([1, 2]).slice(5),
      "slice: index 5 is out of range for axis 0 of length 2",
    ],
    [
      "take index",
      () => tensor([1, 2]).take([2]),
      "take: index 2 is out of range for an axis of length 2",
    ],
    [
      "grad of a vector",
      () => grad((x) => x.mul(2))(tensor([1, 2])),
      "grad: f must return a scalar, but it returned a tensor of shape [2]; use vjp(f, x)",
    ],
    [
      "pullback shape",
      () => vjp((x: Tensor) => x.mul(2), tensor([1, 2]))[1](tensor([1, 2, 3])),
      "vjp: cotangent of shape [3] for an output of shape [2]",
    ],
    ["ragged", () => tensor([[1, 2], [3]]), "tensor: ragged nested array at values[1]"],
    [
      "solve",
      () => solve(tensor([[1, 2, 3]]), tensor([1])),
      "solve: expected square matrices [..., n, n], got shape [1,3]",
    ],
    [
      "concat",
      () => concat([tensor([[1, 2]]), tensor([[1, 2, 3]])]),
      "concat: shapes [1,2] and [1,3] differ outside axis 0",
    ],
    [
      "jvp tangent",
      () => jvp((x: Tensor) => x, [tensor([1, 2])], [tensor([1])]),
      "jvp: tangent of shape [1] for a primal of shape [2]",
    ],
    ["item", () => tensor([1, 2]).item(), "item: tensor of shape [2] has 2 entries, not 1"],
    [
      "batched data",
      () => vmap((x: Tensor) => tensor(x.data[0]))(tensor([[1], [2]])),
      "cannot read the values of a batched tensor of shape [1]",
    ],
  ])("%s", (_name, run, message) => {
    expect(run).toThrow(message);
  });
});

describe("prod at zeros", () => {
  it.each([
    [
      [0, 2, 3],
      [6, 0, 0],
    ],
    [
      [0, 0, 3],
      [0, 0, 0],
    ],
    [
      [4, 2, 3],
      [6, 12, 8],
    ],
  ])("grad of prod at %j is the product of the others", (x, expected) => {
    expect(grad((v) => v.prod())(tensor(x))).toBeAllclose(expected);
    expect(jacfwd((v: Tensor) => v.prod())(tensor(x))).toBeAllclose(expected);
  });

  it("along an axis, and its Hessian at a zero", () => {
    const x = tensor([
      [0, 2],
      [3, 4],
    ]);
    expect(grad((v) => v.prod(1).sum())(x)).toBeAllclose([
      [2, 0],
      [4, 3],
    ]);
    // Π of [0, 2, 3]: ∂²/∂x₀∂x₁ = x₂ = 3, ∂²/∂x₁∂x₂ = x₀ = 0
    expect(hessian((v) => v.prod())(tensor([0, 2, 3]))).toBeAllclose([
      [0, 3, 2],
      [3, 0, 0],
      [2, 0, 0],
    ]);
  });
});
