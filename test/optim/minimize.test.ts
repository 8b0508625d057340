/**
 * minimize: BFGS, L-BFGS, Newton (exact and Hessian-vector products) and gradient descent on
 * Rosenbrock, Beale and a convex quadratic in n = 1,000, to ‖∇f‖ ≤ 1e-8; the iteration counts sit
 * beside scipy 1.17's (test/optim/fixtures/scipy.json, from scripts/optim/scipy_fixtures.py).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  add,
  concat,
  minimize,
  mul,
  pow,
  slice,
  sin,
  square,
  sub,
  sum,
  tensor,
  arange,
  dot,
  trace,
  log,
} from "cotangent";
import type { MinimizeMethod, Tensor, OptimizeResult } from "cotangent";

interface ScipyRun {
  iterations: number;
  evaluations: number;
  success: boolean;
}
const scipy = JSON.parse(
  readFileSync(new URL("./fixtures/scipy.json", import.meta.url), "utf8"),
) as { problems: Record<string, Record<string, ScipyRun>> };

const rosen = (x: Tensor): Tensor => {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  const b = slice(x, [1, n]);
  return sum(add(mul(100, square(sub(b, square(a)))), square(sub(1, a))));
};
const beale = (p: Tensor): Tensor => {
  const [x, y] = [p.slice(0), p.slice(1)];
  const term = (c: number, k: number): Tensor => square(add(sub(c, x), mul(x, pow(y, k))));
  return add(add(term(1.5, 1), term(2.25, 2)), term(2.625, 3));
};
const N = 1000;
const d = add(1, mul(9 / N, arange(N)));
const rhs = sin(add(arange(N), 1));
/** ½ Σ dᵢ xᵢ² + ½ Σ (xᵢ₊₁ − xᵢ)² − Σ sin(i + 1) xᵢ */
const quadratic = (x: Tensor): Tensor => {
  const diff = sub(slice(x, [1, N]), slice(x, [0, N - 1]));
  return sub(add(mul(0.5, sum(mul(d, square(x)))), mul(0.5, sum(square(diff)))), dot(rhs, x));
};

const gradNorm = (r: OptimizeResult): number => Math.sqrt(sum(square(r.grad)).item());
const maxAbsError = (x: Tensor, target: number[]): number =>
  Math.max(...(x.toArray() as number[]).map((v, i) => Math.abs(v - target[i])));

const problems: { name: string; f: (x: Tensor) => Tensor; x0: number[]; xStar?: number[] }[] = [
  { name: "rosenbrock", f: rosen, x0: [-1.2, 1], xStar: [1, 1] },
  { name: "beale", f: beale, x0: [1, 1], xStar: [3, 0.5] },
];

describe("minimize to ‖∇f‖ ≤ 1e-8", () => {
  for (const { name, f, x0, xStar } of problems) {
    for (const method of ["bfgs", "lbfgs", "newton"] as MinimizeMethod[]) {
      it(`${method} on ${name} from (${x0.join(", ")})`, () => {
        const r = minimize(f, x0, { method, tol: 1e-8, norm: 2 });
        expect(r.converged, r.message).toBe(true);
        expect(gradNorm(r)).toBeLessThanOrEqual(1e-8);
        expect(maxAbsError(r.x, xStar!)).toBeLessThan(1e-7);
        const theirs = scipy.problems[name][method];
        // the same order of effort as scipy's (its Newton is Newton-CG with its own stopping rule)
        expect(r.iterations).toBeLessThanOrEqual(3 * theirs.iterations + 10);
        expect(r.path.shape).toEqual([r.iterations + 1, 2]);
        expect(r.path.toArray()).toContainEqual(x0);
      });
    }
  }

  it("gd descends Rosenbrock slowly but surely", () => {
    const r = minimize(rosen, [-1.2, 1], { method: "gd", tol: 1e-4, maxIter: 50_000 });
    expect(r.converged, r.message).toBe(true);
    expect(r.iterations).toBeGreaterThan(100);
    expect(maxAbsError(r.x, [1, 1])).toBeLessThan(1e-3);
  });

  for (const method of ["bfgs", "lbfgs", "newton"] as MinimizeMethod[]) {
    it(`${method} on the convex quadratic in n = 1,000`, () => {
      const r = minimize(quadratic, new Float64Array(N), { method, tol: 1e-8, norm: 2 });
      expect(r.converged, r.message).toBe(true);
      expect(gradNorm(r)).toBeLessThanOrEqual(1e-8);
      if (method === "newton") {
        expect(r.hessian).toBe("hvp-cg");
        expect(r.iterations).toBeLessThanOrEqual(15);
      }
      expect(r.iterations).toBeLessThanOrEqual(
        3 * scipy.problems.quadratic1000[method].iterations + 10,
      );
    });
  }

  it("newton with the exact Hessian says so, and takes few steps", () => {
    const r = minimize(rosen, [-1.2, 1], { method: "newton", tol: 1e-10 });
    expect(r.hessian).toBe("exact");
    expect(r.iterations).toBeLessThan(30);
    expect(r.hessianEvaluations).toBe(r.iterations);
  });
});

describe("minimize shows and explains itself", () => {
  it("pushes value, ‖∇f‖ and step to a shared trace, per solver label", () => {
    const t = trace("Rosenbrock");
    const a = minimize(rosen, [-1.2, 1], { method: "bfgs", trace: t, label: "bfgs" });
    const b = minimize(rosen, [-1.2, 1], { method: "lbfgs", trace: t, label: "lbfgs" });
    expect([...t.series.keys()]).toEqual(
      expect.arrayContaining(["bfgs value", "bfgs ‖∇f‖", "bfgs step", "lbfgs value"]),
    );
    expect(t.steps.length).toBe(a.iterations + b.iterations + 2);
    expect(String(a)).toMatch(/^bfgs: converged after \d+ iterations, \d+ evaluations/);
  });

  it("stops at maxIter and says so", () => {
    const r = minimize(rosen, [-1.2, 1], { method: "gd", maxIter: 5 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(5);
    expect(r.message).toMatch(/maxIter = 5/);
  });

  it("names the iteration and the primitive of a non-finite value", () => {
    expect(() => minimize((x: Tensor) => sum(log(x)), [-1, 2])).toThrow(
      /iteration 0.*not finite.*log/s,
    );
  });

  it("takes any shape and runs f that reads values eagerly", () => {
    const f = (x: Tensor): Tensor => {
      const scale = x.data.length; // reads a value: cannot be traced
      return sum(square(sub(x, scale)));
    };
    const r = minimize(
      f,
      tensor([
        [0, 0],
        [0, 0],
      ]),
      { tol: 1e-10 },
    );
    expect(r.x.shape).toEqual([2, 2]);
    expect(maxAbsError(r.x.reshape([4]), [4, 4, 4, 4])).toBeLessThan(1e-9);
    expect(concat([r.x.reshape([4])]).shape).toEqual([4]);
  });
});
