/** explore(): views by shape, sliders and labels, frames against independent transforms. */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import {
  Explorer,
  add,
  explore,
  grad,
  greater,
  hessian,
  jacobian,
  mul,
  sin,
  slice,
  slider,
  square,
  sub,
  sum,
  tensor,
  LiveTrace,
} from "cotangent";

const rosenbrock = (x: Tensor): Tensor => {
  const a = slice(x, 0);
  const b = slice(x, 1);
  return add(square(sub(1, a)), mul(100, square(sub(b, square(a)))));
};

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 9);
};

describe("explore: the Jacobian view", () => {
  const f = (x: Tensor): Tensor => mul(sin(x), x);

  it("is chosen for ℝ³ → ℝ³, with sliders from inputs and frames equal to jacobian(f)", () => {
    const e = explore(f, tensor([0.5, -1, 2]), {
      inputs: { 0: slider(-3, 3), 2: slider(0, 4, { step: 0.01, label: "x₂" }) },
    });
    expect(e).toBeInstanceOf(Explorer);
    expect(e.view).toBe("jacobian");
    expect([e.n, e.m]).toEqual([3, 3]);
    expect(e.inputs).toEqual([
      { index: 0, label: "x[0]", min: -3, max: 3, step: 0.02 },
      { index: 2, label: "x₂", min: 0, max: 4, step: 0.01 },
    ]);
    const x = [1.5, -1, 3.25];
    const frame = e.frameAt(x);
    if (frame.kind !== "jacobian") throw new Error("expected a Jacobian frame");
    close(frame.jacobian, jacobian(f)(tensor(x)).data);
    close(frame.value, f(tensor(x)).data);
    close(e.x.data, x);
    close(e.value.data, f(tensor(x)).data);
    expect(e.notes).toEqual([]);
  });

  it("steps default sliders by 1, 2 or 5 × 10ᵏ, so round starting points lie on their grid", () => {
    const e = explore(f, tensor([0.5, -1, 2]), {
      inputs: { 0: slider(-3, 3), 1: slider(-3, 3), 2: slider(-10, 7) },
    });
    const steps = e.inputs.map((input) => input.step);
    expect(steps).toEqual([0.02, 0.02, 0.05]);
    // a range input snaps its value to min + k·step: -1, 0.5 and 2 need k to be a whole number
    for (const [input, x] of [
      [e.inputs[0], 0.5],
      [e.inputs[1], -1],
      [e.inputs[2], 2],
    ] as const) {
      const k = (x - input.min) / input.step;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    }
  });

  it("labels pytree coordinates with leaf paths and accepts leaf-path keys", () => {
    const g = (p: { w: Tensor; b: Tensor }): Tensor => add(sum(mul(p.w, p.w)), p.b);
    const e = explore(
      g,
      {
        w: tensor([
          [1, 2],
          [3, 4],
        ]),
        b: 0.5,
      },
      { inputs: { b: slider(-1, 1) } },
    );
    expect(e.labels).toEqual(["w[0,0]", "w[0,1]", "w[1,0]", "w[1,1]", "b"]);
    expect(e.inputs.map((i) => i.label)).toEqual(["b"]);
    expect(e.view).toBe("jacobian");
    const frame = e.frameAt([1, 2, 3, 5, 0]);
    if (frame.kind !== "jacobian") throw new Error("expected a Jacobian frame");
    close(frame.jacobian, [2, 4, 6, 10, 1]);
    const x = e.x;
    expect(x.b).toBe(0);
    close(x.w.data, [1, 2, 3, 5]);
  });

  it("gives sliders to the first 16 of 40 coordinates and says so", () => {
    const e = explore((x: Tensor) => sum(square(x)), tensor(new Float64Array(40)));
    expect(e.inputs).toHaveLength(16);
    expect(e.notes.join(" ")).toMatch(/16 of 40/);
  });

  it("rejects unknown input keys and points of the wrong length", () => {
    expect(() => explore(f, tensor([1, 2]), { inputs: { z: slider(0, 1) } })).toThrow(/"z"/);
    const e = explore(f, tensor([1, 2]));
    expect(() => e.frameAt([1])).toThrow(/2 coordinates/);
    expect(() => e.frameAt([1, NaN])).toThrow(/finite/);
  });
});

describe("explore: the curve view", () => {
  const f = (t: Tensor): Tensor => mul(sin(t), square(t));

  it("is chosen for ℝ → ℝ: value, slope and second derivative at the point", () => {
    const e = explore(f, 0.5, { domain: [-3, 3] });
    expect(e.view).toBe("curve");
    expect(e.inputs).toEqual([{ index: 0, label: "x", min: -3, max: 3, step: 0.02 }]);
    const frame = e.frameAt([1.25]);
    if (frame.kind !== "curve") throw new Error("expected a curve frame");
    const t = tensor(1.25);
    expect(frame.value).toBeCloseTo(f(t).item(), 12);
    expect(frame.slope).toBeCloseTo(grad(f)(t).item(), 12);
    expect(frame.second).toBeCloseTo(grad(grad(f))(t).item(), 12);
    expect(e.x).toBe(1.25);
  });

  it("computes the curve, f′ and f″ once over ≥ 200 points of the domain", () => {
    const e = explore(f, 0.5, { domain: [-3, 3] });
    const s = e.static;
    if (s?.kind !== "curve") throw new Error("expected the static curve");
    expect(s.xs.length).toBeGreaterThanOrEqual(200);
    const k = 37;
    const t = tensor(s.xs[k]);
    expect(s.f[k]).toBeCloseTo(f(t).item(), 12);
    expect(s.df[k]).toBeCloseTo(grad(f)(t).item(), 12);
    expect(s.d2f[k]).toBeCloseTo(grad(grad(f))(t).item(), 12);
  });

  it("falls back to eager for an f that cannot be traced, said once", () => {
    const branchy = (t: Tensor): Tensor => (greater(t, 0).item() ? square(t) : mul(-1, t));
    const e = explore(branchy, 0.5, { domain: [-1, 1] });
    expect(e.notes).toHaveLength(1);
    expect(e.notes[0]).toMatch(/eagerly/);
    const frame = e.frameAt([-0.5]);
    if (frame.kind !== "curve") throw new Error("expected a curve frame");
    expect(frame.slope).toBe(-1);
    expect(e.frameAt([0.75])).toMatchObject({ slope: 1.5 });
    expect(e.notes).toHaveLength(1);
    const s = e.static;
    if (s?.kind !== "curve") throw new Error("expected the static curve");
    expect(s.f[0]).toBeCloseTo(1, 12);
    expect(s.f[s.f.length - 1]).toBeCloseTo(1, 12);
  });
});

describe("explore: the surface view", () => {
  it("is chosen for ℝ² → ℝ: gradient, Hessian, eigen-directions and the Newton step", () => {
    const e = explore(rosenbrock, tensor([-1.2, 1]), {
      domain: [
        [-2, 2],
        [-1, 3],
      ],
    });
    expect(e.view).toBe("surface");
    expect(e.inputs.map((i) => [i.min, i.max])).toEqual([
      [-2, 2],
      [-1, 3],
    ]);
    const x = tensor([0.3, 0.7]);
    const frame = e.frameAt([0.3, 0.7]);
    if (frame.kind !== "surface") throw new Error("expected a surface frame");
    close(frame.grad, grad(rosenbrock)(x).data);
    const h = hessian(rosenbrock)(x).data;
    close(frame.hessian, h);
    const [l0, l1] = frame.eigen.values;
    expect(l0).toBeLessThanOrEqual(l1);
    for (let k = 0; k < 2; k++) {
      const v = frame.eigen.vectors[k];
      const hv = [h[0] * v[0] + h[1] * v[1], h[2] * v[0] + h[3] * v[1]];
      close(hv, [frame.eigen.values[k] * v[0], frame.eigen.values[k] * v[1]]);
      expect(Math.hypot(v[0], v[1])).toBeCloseTo(1, 12);
    }
    const step = frame.newton!;
    const g = frame.grad;
    close([h[0] * step[0] + h[1] * step[1], h[2] * step[0] + h[3] * step[1]], [-g[0], -g[1]]);
  });

  it("computes the contour grid (≥ 100×100) once, row = y", () => {
    const e = explore(rosenbrock, tensor([-1.2, 1]), {
      domain: [
        [-2, 2],
        [-1, 3],
      ],
    });
    const s = e.static;
    if (s?.kind !== "surface") throw new Error("expected the contour grid");
    expect(s.xs.length).toBeGreaterThanOrEqual(100);
    expect(s.ys.length).toBeGreaterThanOrEqual(100);
    expect(s.values.length).toBe(s.xs.length * s.ys.length);
    const [i, j] = [13, 71];
    const expected = rosenbrock(tensor([s.xs[i], s.ys[j]])).item();
    expect(s.values[j * s.xs.length + i]).toBeCloseTo(expected, 9);
  });

  it("says null for the Newton step where H is singular, and reads a live trace as the path", () => {
    const flat = (x: Tensor): Tensor => sum(x);
    const t = new LiveTrace("path");
    t.push(0, { x: 0.5, y: 1 }).push(1, { x: 0.25, y: 0.5 });
    const e = explore(flat, tensor([0, 0]), { view: "surface", path: t });
    expect(e.first).toMatchObject({ kind: "surface", newton: null, grad: [1, 1] });
    expect(e.path()).toEqual([
      [0.5, 1],
      [0.25, 0.5],
    ]);
    t.push(2, { x: 0, y: 0 });
    expect(e.path()).toHaveLength(3);
  });
});
