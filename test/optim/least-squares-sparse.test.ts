/**
 * leastSquares with a sparse Jacobian: the same fit as the dense path on a small problem, the
 * incomplete Cholesky factor exact on a banded pattern, and the 1-D Bratu problem at
 * n = 100,000 solved to ‖r‖ ≤ 1e-8 (the time printed, never asserted).
 */
import { describe, expect, it } from "vitest";
import { SparseJacobian, concat, exp, leastSquares, mul, sub, tensor, zeros } from "cotangent";
import type { Tensor } from "cotangent";
import {
  NormalPattern,
  incompleteCholesky,
  solveDamped,
  columnNorms2,
  mulJt,
  type Csr,
} from "../../src/optim/sparse-normal.js";

/**
 * The 1-D Bratu problem −u″ = λ eᵘ on (0, 1), u(0) = u(1) = 0, by central differences on n
 * interior points, each equation multiplied by the spacing h: rᵢ = (2uᵢ − uᵢ₋₁ − uᵢ₊₁)/h − hλeᵘⁱ.
 */
function bratu(n: number, lambda = 1): (u: Tensor) => Tensor {
  const h = 1 / (n + 1);
  const zero = zeros([1]);
  return (u: Tensor) => {
    const left = concat([zero, u.slice([0, n - 1])]);
    const right = concat([u.slice([1, n]), zero]);
    const laplacian = sub(sub(mul(u, 2), left), right);
    return sub(mul(laplacian, 1 / h), mul(exp(u), h * lambda));
  };
}

const norm = (t: Tensor): number => Math.sqrt(t.data.reduce((s, v) => s + v * v, 0));

describe("leastSquares, jacobian: sparse", () => {
  it("fits what the dense path fits (an overdetermined banded problem)", () => {
    const n = 30;
    const target = tensor(Array.from({ length: n }, (_, i) => Math.sin(i / 3)));
    // r = [u − target; 10 (u₍ᵢ₊₁₎ − uᵢ²)]: m = 2n − 1 residuals, two nonzeros per row
    const r = (u: Tensor): Tensor =>
      concat([
        sub(u, target),
        mul(sub(u.slice([1, n]), mul(u.slice([0, n - 1]), u.slice([0, n - 1]))), 10),
      ]);
    const x0 = zeros([n]);
    const dense = leastSquares(r, x0);
    const sparse = leastSquares(r, x0, { jacobian: "sparse" });
    expect(sparse.converged, sparse.message).toBe(true);
    expect(sparse.x).toBeAllclose(dense.x, { rtol: 1e-8, atol: 1e-10 });
    expect(sparse.jacobian).toBeInstanceOf(SparseJacobian);
    expect(sparse.jacobian.toDense()).toBeAllclose(dense.jacobian, { rtol: 1e-10, atol: 1e-12 });
    expect(sparse.standardErrors).toBeUndefined();
    expect(sparse.linearSolver).toMatch(/conjugate gradients preconditioned by IC\(0\)/);
  });

  it("IC(0) is the exact Cholesky factor of a banded JᵀJ, so CG takes one step", () => {
    // J: 6×4, rows with up to two neighbouring columns
    const rows = [[0], [0, 1], [1, 2], [2, 3], [3], [1, 2]];
    const rowPtr = Int32Array.from([0, ...rows.map((_, i) => rows.slice(0, i + 1).flat().length)]);
    const colIdx = Int32Array.from(rows.flat());
    const values = Float64Array.from(colIdx, (_, p) => 1 + ((p * 7) % 5) / 3);
    const j: Csr = { m: 6, n: 4, rowPtr, colIdx, values };
    const pattern = new NormalPattern(j);
    const a = pattern.assemble(values);
    const l = incompleteCholesky(pattern, a)!;
    // L Lᵀ against the assembled lower triangle, entry by entry
    const dense = (v: Float64Array): number[][] => {
      const out = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
      for (let i = 0; i < 4; i++)
        for (let p = pattern.ptr[i]; p < pattern.ptr[i + 1]; p++) out[i][pattern.idx[p]] = v[p];
      return out;
    };
    const L = dense(l);
    const A = dense(a);
    for (let i = 0; i < 4; i++)
      for (let k = 0; k <= i; k++) {
        let s = 0;
        for (let q = 0; q < 4; q++) s += L[i][q] * L[k][q];
        expect(s).toBeCloseTo(A[i][k], 12);
      }
    const g = mulJt(j, Float64Array.from([1, -2, 0.5, 3, -1, 2]));
    const solve = solveDamped(pattern, j, columnNorms2(j), g, 1e-3, 1e-12, 50);
    expect(solve.iterations).toBeLessThanOrEqual(2);
    expect(solve.relativeResidual).toBeLessThan(1e-12);
  });

  it("solves the 1-D Bratu problem at n = 100,000 to ‖r‖ ≤ 1e-8", () => {
    const n = 100_000;
    const r = bratu(n);
    const started = performance.now();
    const fit = leastSquares(r, zeros([n]), { jacobian: "sparse", residualTol: 1e-8 });
    const seconds = (performance.now() - started) / 1000;
    const residual = norm(r(fit.x));
    console.log(
      `Bratu n = ${n}: ‖r‖ = ${residual.toExponential(2)} in ${seconds.toFixed(2)} s, ` +
        `${fit.iterations} iterations, ${fit.evaluations} evaluations; ${fit.linearSolver}`,
    );
    expect(fit.converged, fit.message).toBe(true);
    expect(residual).toBeLessThanOrEqual(1e-8);
    // the lower branch of Bratu (λ = 1): u(½) ≈ 0.1404
    expect(fit.x.data[n / 2 - 1]).toBeCloseTo(0.1404, 3);
    expect(fit.jacobian.nnz).toBe(3 * n - 2);
  }, 600_000);
});
