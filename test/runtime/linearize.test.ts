/** linearize against jvp: same value, same tangents, and the primal computation never re-runs. */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { jvp, linearize } from "cotangent";
import { rosenbrock } from "./helpers.js";

const TOL = { rtol: 1e-12, atol: 1e-12 };

describe("linearize", () => {
  it.each([
    ["rosenbrock", rosenbrock, [6]],
    ["softmax·matmul", (x: Tensor) => ct.softmax(ct.matmul(x, x.T)), [3, 4]],
    ["elementwise", (x: Tensor) => ct.add(ct.mul(x.sin(), ct.mul(x, x)), x.neg().exp()), [5]],
    ["grad(rosenbrock)", ct.grad(rosenbrock), [6]],
  ] as const)("%s: value and J·t equal jvp for several tangents", (_n, f, shape) => {
    const x = ct.randn([...shape], { seed: 1 });
    const [y, fJvp] = linearize(f, x);
    expect(y).toBeAllclose(f(x), TOL);
    for (const seed of [2, 3]) {
      const t = ct.randn([...shape], { seed });
      const [, yDot] = jvp(f, [x], [t]);
      expect(fJvp(t)).toBeAllclose(yDot, { rtol: 1e-10, atol: 1e-12 });
    }
  });

  it("two arguments and pytree outputs", () => {
    const f = (a: Tensor, b: Tensor) => ({ s: ct.mul(a, b).exp(), d: ct.sub(a, 2) });
    const a = ct.randn([3], { seed: 4 });
    const b = ct.randn([3], { seed: 5 });
    const [y, fJvp] = linearize(f, a, b);
    const ta = ct.randn([3], { seed: 6 });
    const tb = ct.randn([3], { seed: 7 });
    const [y2, dy] = jvp(f, [a, b], [ta, tb]);
    expect(y.s).toBeAllclose(y2.s, TOL);
    const out = fJvp(ta, tb);
    expect(out.s).toBeAllclose(dy.s, TOL);
    expect(out.d).toBeAllclose(dy.d, TOL);
  });

  it("never re-runs f", () => {
    let calls = 0;
    const [, fJvp] = linearize(
      (x: Tensor) => {
        calls += 1;
        return ct.tanh(x).mul(x);
      },
      ct.randn([4], { seed: 8 }),
    );
    fJvp(ct.ones([4]));
    fJvp(ct.zeros([4]));
    expect(calls).toBe(1);
  });

  it("a tangent of the wrong shape is a clear error", () => {
    const [, fJvp] = linearize((x: Tensor) => x.exp(), ct.zeros([3]));
    expect(() => fJvp(ct.zeros([4]))).toThrow(
      /linearize: tangent of shape \[4\] for a primal of shape \[3\]/,
    );
  });
});
