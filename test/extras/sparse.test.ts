import { describe, expect, it } from "vitest";
import {
  concat,
  exp,
  jacobian,
  linspace,
  matmul,
  mul,
  randn,
  sin,
  slice,
  sparseJacobian,
  sub,
  sum,
  tensor,
  type Tensor,
} from "cotangent";

/** Rosenbrock residuals: r(x) = [10 (x[1:] − x[:-1]²), 1 − x[:-1]]. */
function residuals(x: Tensor): Tensor {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  const b = slice(x, [1, n]);
  return concat([mul(sub(b, mul(a, a)), 10), sub(1, a)]);
}

/** A random banded map: y_i = Σ_{|k| ≤ w} c_{i,k} · sin(x_{i+k}) · x_i (with bandwidth w). */
function banded(width: number, n: number, seed: number): (x: Tensor) => Tensor {
  const coeffs = randn([2 * width + 1, n], { seed });
  return (x: Tensor) => {
    let y = mul(x, 0);
    for (let k = -width; k <= width; k++) {
      const lo = Math.max(0, -k);
      const hi = Math.min(n, n - k);
      const shifted = concat([
        tensor(new Float64Array(lo)),
        sin(slice(x, [lo + k, hi + k])),
        tensor(new Float64Array(n - hi)),
      ]);
      y = y.add(mul(mul(shifted, x), slice(coeffs, k + width)));
    }
    return y;
  };
}

describe("sparseJacobian", () => {
  it("equals the dense Jacobian on Rosenbrock residuals with two colours", () => {
    const x = linspace(-1.2, 1.2, 9);
    const s = sparseJacobian(residuals, x);
    expect(s.outShape).toEqual([16]);
    expect(s.inShape).toEqual([9]);
    expect(s.nnz).toBe(3 * 8);
    expect(s.colors).toBe(2);
    expect(s.toDense()).toBeAllclose(jacobian(residuals)(x), { rtol: 1e-14 });
    expect(s.get(0, 0)).toBeCloseTo(-20 * -1.2, 12);
    expect(s.get(0, 5)).toBe(0);
  });

  it.each([
    [1, 30, 11],
    [2, 40, 12],
    [3, 25, 13],
  ])("equals dense on a random banded problem (half-width %i, n = %i)", (width, n, seed) => {
    const f = banded(width, n, seed);
    const x = randn([n], { seed: seed + 100 });
    const s = sparseJacobian(f, x);
    expect(s.toDense()).toBeAllclose(jacobian(f)(x), { rtol: 1e-12, atol: 1e-14 });
    // a band of half-width w has 2w + 1 diagonals: that many colours suffice and are needed
    expect(s.colors).toBe(2 * width + 1);
    // the pattern is exactly the band (structural nonzeros)
    const bandEntries = Array.from(
      { length: n },
      (_, i) => Math.min(n - 1, i + width) - Math.max(0, i - width) + 1,
    );
    expect(s.nnz).toBe(bandEntries.reduce((a, b) => a + b, 0));
  });

  it("takes a handful of passes for n = 100,000 (diagonal and banded)", () => {
    const x = linspace(-1, 1, 100_000);
    const diagonal = sparseJacobian((v: Tensor) => mul(sin(v), exp(v)), x);
    expect(diagonal.colors).toBe(1);
    expect(diagonal.nnz).toBe(100_000);
    expect(diagonal.get(5, 5)).toBeCloseTo(
      Math.exp(x.data[5]) * (Math.sin(x.data[5]) + Math.cos(x.data[5])),
      12,
    );
    const r = sparseJacobian(residuals, x);
    expect(r.colors).toBe(2);
    expect(r.nnz).toBe(3 * 99_999);
    expect(r.get(99_998, 99_999)).toBe(10);
    expect(r.get(99_999 + 7, 7)).toBe(-1);
  });

  it("handles reductions, matmul and broadcasting conservatively", () => {
    const A = randn([3, 4], { seed: 5 });
    const f = (x: Tensor) =>
      concat([
        matmul(A, slice(x, [0, 4])),
        sum(x, undefined, true),
        mul(slice(x, [4, 6]), x.slice(0)),
      ]);
    const x = randn([6], { seed: 6 });
    const s = sparseJacobian(f, x);
    expect(s.toDense()).toBeAllclose(jacobian(f)(x), { rtol: 1e-12 });
    expect(s.get(0, 4)).toBe(0);
    expect(s.rowPtr[1] - s.rowPtr[0]).toBe(4);
  });

  it("is what jacobian(f, { sparse: true }) returns", () => {
    const x = linspace(-1, 1, 50);
    const s = jacobian(residuals, { sparse: true })(x);
    expect(s.colors).toBe(2);
    expect(s.toDense()).toBeAllclose(jacobian(residuals)(x), { rtol: 1e-14 });
  });

  it("keeps matrix input and output shapes (rows and columns flattened row-major)", () => {
    const x = randn([3, 4], { seed: 8 });
    const f = (m: Tensor) => mul(sin(m), slice(m, null, [0, 1]));
    const s = sparseJacobian(f, x);
    expect(s.inShape).toEqual([3, 4]);
    expect(s.outShape).toEqual([3, 4]);
    expect(s.toDense().shape).toEqual([3, 4, 3, 4]);
    expect(s.toDense()).toBeAllclose(jacobian(f)(x), { rtol: 1e-13 });
    // row (1, 2) depends on x[1, 2] and x[1, 0]
    expect(s.colIdx.subarray(s.rowPtr[6], s.rowPtr[7])).toEqual(new Int32Array([4, 6]));
  });

  it("gives an empty pattern for a constant function", () => {
    const s = sparseJacobian(() => tensor([1, 2]), tensor([3, 4, 5]));
    expect(s.nnz).toBe(0);
    expect(s.colors).toBe(0);
    expect(s.toDense()).toBeAllclose([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
