import { describe, expect, it } from "vitest";
import {
  checkGrad,
  cos,
  customVjp,
  exp,
  matmul,
  mul,
  randn,
  sin,
  sum,
  tanh,
  tensor,
  type Tensor,
} from "cotangent";

describe("checkGrad", () => {
  it("passes on correct derivatives, comparing full Jacobians when small", () => {
    const report = checkGrad((x: Tensor) => mul(sin(x), exp(x)), tensor([0.3, -1.2, 2.0]));
    expect(report.mode).toBe("full");
    expect(report.ok).toBe(true);
    // 3×3 forward vs differences, 3×3 reverse vs differences, 3 adjoint identities
    expect(report.compared).toBe(9 + 9 + 3);
    expect(report.maxRelError).toBeLessThan(1e-6);
  });

  it("handles several arguments, numbers and options", () => {
    const f = (a: Tensor, b: number) => sum(mul(matmul(a, a), b));
    const report = checkGrad(
      f,
      tensor([
        [1, 2],
        [3, 4],
      ]),
      0.5,
      { rtol: 1e-5 },
    );
    expect(report.ok).toBe(true);
  });

  it("takes pytree arguments (objects of tensors)", () => {
    const loss = (p: { w: Tensor; b: Tensor }) => sum(tanh(matmul(p.w, tensor([1, -2])).add(p.b)));
    const report = checkGrad(loss, { w: randn([3, 2], { seed: 2 }), b: tensor([0.1, 0.2, 0.3]) });
    expect(report.mode).toBe("full");
    expect(report.ok).toBe(true);
    // 9 inputs × 1 output, twice, plus 3 directions
    expect(report.compared).toBe(9 + 9 + 3);
  });

  it("uses random directions for large problems", () => {
    const x = randn([500], { seed: 3 });
    const report = checkGrad((v: Tensor) => tanh(mul(v, cos(v))), x);
    expect(report.mode).toBe("directions");
    expect(report.ok).toBe(true);
  });

  it("catches a deliberately wrong customVjp and says where", () => {
    // f(x) = x², but the backward rule claims 3x instead of 2x.
    const square = customVjp(
      (x: Tensor) => mul(x, x),
      (x: Tensor) => [mul(x, x), x] as const,
      (x: Tensor, ct: Tensor) => [mul(mul(x, 3), ct)],
    );
    const report = checkGrad((x: Tensor) => square(x), tensor([1, 2]));
    expect(report.ok).toBe(false);
    expect(report.worst?.check).toBe("reverse vs finite differences");
    expect(report.worst?.output).toBe(1);
    expect(report.worst?.input).toBe(1);
    expect(report.worst?.actual).toBeCloseTo(6, 10);
    expect(report.worst?.expected).toBeCloseTo(4, 6);
    expect(report.maxAbsError).toBeGreaterThanOrEqual(2 - 1e-6);
  });

  it("catches a wrong reverse rule in large problems through the adjoint identity", () => {
    const double = customVjp(
      (x: Tensor) => mul(x, 2),
      (x: Tensor) => [mul(x, 2), null] as const,
      (_r: null, ct: Tensor) => [mul(ct, -2)],
    );
    const report = checkGrad((x: Tensor) => double(x), randn([200], { seed: 1 }));
    expect(report.mode).toBe("directions");
    expect(report.ok).toBe(false);
    expect(report.worst?.check).toBe("⟨J t, c⟩ vs ⟨t, Jᵀ c⟩");
  });
});
