import { describe, expect, it } from "vitest";
import { svd, tensor } from "cotangent";
import { summarySingularValues as singularValues } from "../../kernel/display/runtime.js";

/** A reproducible pseudo-random matrix (LCG), entries in [-1, 1). */
function matrix(rows: number, cols: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: rows * cols }, () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return (state / 2 ** 32) * 2 - 1;
  });
}

function reference(data: Float64Array, rows: number, cols: number): number[] {
  const rowsOf = Array.from({ length: rows }, (_, i) =>
    Array.from(data.subarray(i * cols, (i + 1) * cols)),
  );
  // the full SVD (one-sided Jacobi) is an independent check of the values-only solver
  return Array.from(svd(tensor(rowsOf)).s.data);
}

describe("singular values for the Jacobian summary", () => {
  it.each([
    [1, 1],
    [3, 3],
    [5, 2],
    [2, 7],
    [12, 12],
    [30, 17],
  ])("match the full SVD's values on a random %d×%d matrix", (rows, cols) => {
    const data = matrix(rows, cols, rows * 31 + cols);
    const expected = reference(data, rows, cols);
    const sigma = singularValues(data, rows, cols);
    expect(sigma).toBeAllclose(expected, { rtol: 1e-10, atol: 1e-12 * expected[0] });
    for (let k = 1; k < sigma.length; k++) expect(sigma[k]).toBeLessThanOrEqual(sigma[k - 1]);
  });

  it("finds exact zeros of a rank-deficient matrix and a zero matrix", () => {
    // rank 1: outer product of (1, 2, 3) and (4, 5): σ₁ = ‖u‖‖v‖
    const data = Float64Array.from([4, 5, 8, 10, 12, 15]);
    const sigma = singularValues(data, 3, 2);
    expect(sigma[0]).toBeCloseTo(Math.sqrt(14) * Math.sqrt(41), 12);
    expect(Math.abs(sigma[1])).toBeLessThan(1e-13);
    expect(singularValues(new Float64Array(6), 2, 3)).toEqual([0, 0]);
  });

  it("keeps small singular values that AᵀA would lose", () => {
    // diag(1, 1e-10): squaring gives 1e-20, below ε relative to 1
    expect(singularValues(Float64Array.from([1, 0, 0, 1e-10]), 2, 2)).toBeAllclose([1, 1e-10], {
      rtol: 1e-8,
    });
  });

  it("names a mismatch between data and shape", () => {
    expect(() => singularValues(new Float64Array(5), 2, 3)).toThrow(
      "5 values do not fill a 2×3 matrix",
    );
  });
});
