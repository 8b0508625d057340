import { describe, expect, it } from "vitest";
import { mul, sin, sum, tensor, exp, matmul, type Tensor, checkGrad } from "cotangent";

describe("checkGrad", () => {
  it("passes on correct derivatives, full Jacobians", () => {
    const f = (x: Tensor) => mul(sin(x), exp(x));
    const report = checkGrad(f, tensor([0.3, -1.2, 2.0]));
    expect(report.mode).toBe("full");
    expect(report.ok).toBe(true);
    expect(report.maxRelError).toBeLessThan(1e-6);
  });
  it("handles several arguments and numbers", () => {
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
});
