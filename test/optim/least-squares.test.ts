/**
 * leastSquares on NIST StRD Misra1a from both certified starting points (data and certified
 * values checked against scipy by scripts/optim/nist_misra1a.py), Gauss–Newton beside LM, the
 * standard errors, and findRoot with its Jacobian.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Jacobian,
  exp,
  findRoot,
  leastSquares,
  mul,
  neg,
  square,
  stack,
  sub,
  tensor,
  concat,
  sin,
} from "cotangent";
import type { Tensor } from "cotangent";

const misra = JSON.parse(
  readFileSync(new URL("./fixtures/misra1a.json", import.meta.url), "utf8"),
) as {
  x: number[];
  y: number[];
  starts: number[][];
  certified: { b: number[]; sd: number[]; rss: number };
};
const xs = tensor(misra.x);
const ys = tensor(misra.y);
/** r(b) = b₁ (1 − exp(−b₂ x)) − y */
const residuals = (b: Tensor): Tensor =>
  sub(mul(b.slice(0), sub(1, exp(neg(mul(b.slice(1), xs))))), ys);

const relative = (actual: Tensor, expected: number[]): number =>
  Math.max(...(actual.toArray() as number[]).map((v, i) => Math.abs(v / expected[i] - 1)));

describe("leastSquares on NIST StRD Misra1a", () => {
  misra.starts.forEach((start, i) => {
    it(`Levenberg–Marquardt from start ${i + 1} (${start.join(", ")}) reaches the certified values`, () => {
      const fit = leastSquares(residuals, start);
      expect(fit.converged, fit.message).toBe(true);
      expect(relative(fit.x, misra.certified.b)).toBeLessThan(1e-8);
      expect(Math.abs(2 * fit.cost - misra.certified.rss)).toBeLessThan(1e-10);
      expect(relative(fit.standardErrors!, misra.certified.sd)).toBeLessThan(1e-6);
      expect(fit.jacobian).toBeInstanceOf(Jacobian);
      expect(fit.jacobian.shape).toEqual([14, 2]);
      expect(fit.path.shape).toEqual([fit.iterations + 1, 2]);
      expect(String(fit)).toMatch(/^lm: converged after \d+ iterations/);
    });
  });

  it("Gauss–Newton from the second start reaches them too", () => {
    const fit = leastSquares(residuals, misra.starts[1], { method: "gauss-newton" });
    expect(fit.converged, fit.message).toBe(true);
    expect(relative(fit.x, misra.certified.b)).toBeLessThan(1e-8);
  });

  it("names the iteration and the primitive of non-finite residuals", () => {
    expect(() => leastSquares((b: Tensor) => mul(b, tensor([Infinity, 1])), [1, 2])).toThrow(
      /iteration 0.*not finite.*mul/s,
    );
  });
});

describe("findRoot", () => {
  it("Newton finds √2 on a 2×2 system and keeps the Jacobian", () => {
    const f = (v: Tensor): Tensor =>
      stack([sub(square(v.slice(0)), 2), sub(v.slice(1), v.slice(0))]);
    const r = findRoot(f, [1, 0], { method: "newton" });
    expect(r.converged, r.message).toBe(true);
    expect(relative(r.x, [Math.SQRT2, Math.SQRT2])).toBeLessThan(1e-10);
    expect(r.iterations).toBeLessThan(8);
    expect(r.jacobian.toArray()).toEqual([
      [2 * (r.x.toArray() as number[])[0], 0],
      [-1, 1],
    ]);
  });

  it("solves a nonlinear system in n = 50 (a discretised pendulum)", () => {
    const n = 50;
    const h = 1 / (n + 1);
    const f = (u: Tensor): Tensor => {
      const padded = concat([tensor([0]), u, tensor([1])]);
      const lap = sub(padded.slice([0, n]).add(padded.slice([2, n + 2])), mul(2, u));
      return sub(lap, mul(h * h, sin(u)));
    };
    const r = findRoot(f, new Float64Array(n));
    expect(r.converged, r.message).toBe(true);
    expect(Math.max(...(r.value.toArray() as number[]).map(Math.abs))).toBeLessThanOrEqual(1e-10);
  });

  it("names both shapes when f is not square", () => {
    expect(() => findRoot((x: Tensor) => concat([x, x]), [1, 2, 3])).toThrow(/\[3\].*\[6\]/);
  });
});
