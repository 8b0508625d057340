/**
 * The packed BFGS inverse Hessian: products and the rank-two update against the dense formula
 * H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, and the H₊ g₊ it returns against H₊ applied to g₊.
 */
import { describe, expect, it } from "vitest";
import { PackedSymmetric, updateBfgs } from "../../src/optim/bfgs-packed.js";

const n = 7;
const vec = (f: (i: number) => number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => f(i));
const dense = (h: PackedSymmetric): number[][] => {
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++, p++) out[i][j] = out[j][i] = h.data[p];
  return out;
};
const apply = (m: number[][], v: Float64Array): number[] =>
  m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

describe("packed BFGS", () => {
  it("updates as the dense BFGS formula and returns H₊ g₊", () => {
    const h = new PackedSymmetric(n, 0.5);
    const steps = [0, 1, 2].map((k) => ({
      s: vec((i) => Math.sin(i + 3 * k) + 0.1),
      y: vec((i) => Math.sin(i + 3 * k) + 0.3 * Math.cos(2 * i + k) + 0.2),
    }));
    let g = vec((i) => Math.cos(i));
    for (const { s, y } of steps) {
      const before = dense(h);
      const sy = dot(s, y);
      expect(sy).toBeGreaterThan(0);
      const gNext = vec((i) => g[i] + y[i]);
      const known = apply(before, g);
      const hg = updateBfgs(h, { s, y, sy }, gNext, g, Float64Array.from(known));
      // dense reference: V H Vᵀ + ρ s sᵀ with V = I − ρ s yᵀ
      const rho = 1 / sy;
      const v = before.map((_, i) => before.map((__, j) => (i === j ? 1 : 0) - rho * s[i] * y[j]));
      const vh = v.map((row) =>
        before[0].map((_, j) => row.reduce((acc, x, k) => acc + x * before[k][j], 0)),
      );
      const expected = vh.map((row, i) =>
        v.map((vr, j) => row.reduce((acc, x, k) => acc + x * vr[k], 0) + rho * s[i] * s[j]),
      );
      const after = dense(h);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) expect(after[i][j]).toBeCloseTo(expected[i][j], 12);
      apply(after, gNext).forEach((x, i) => expect(hg[i]).toBeCloseTo(x, 12));
      g = gNext;
    }
    // mul and mul2 agree with the dense product
    const a = vec((i) => i - 3);
    const b = vec((i) => 1 / (i + 1));
    const [ha, hb] = h.mul2(a, b);
    const m = dense(h);
    apply(m, a).forEach((x, i) => {
      expect(ha[i]).toBeCloseTo(x, 12);
      expect(h.mul(a)[i]).toBeCloseTo(x, 12);
    });
    apply(m, b).forEach((x, i) => expect(hb[i]).toBeCloseTo(x, 12));
  });
});
