/** Linear algebra values: solve, inv, det, svd against hand-computed results and identities. */
import { describe, expect, it } from "vitest";
import {
  det,
  eye,
  grad,
  inv,
  matmul,
  mul,
  randn,
  singularValues,
  solve,
  svd,
  tensor,
} from "cotangent";

describe("linear algebra", () => {
  it("solve, inv and det of a 2×2 by hand", () => {
    const A = tensor([
      [4, 7],
      [2, 6],
    ]);
    expect(det(A)).toBeAllclose(10, { rtol: 1e-14 });
    expect(inv(A)).toBeAllclose(
      [
        [0.6, -0.7],
        [-0.2, 0.4],
      ],
      { rtol: 1e-14 },
    );
    expect(solve(A, tensor([1, 2]))).toBeAllclose([-0.8, 0.6], { rtol: 1e-14 });
    // d det / dA = det · A⁻ᵀ
    expect(grad(det)(A)).toBeAllclose(mul(10, inv(A).T), { rtol: 1e-13 });
  });

  it("batched solve broadcasts the matrices", () => {
    const A = randn([3, 3], { seed: 4 }).add(eye(3).mul(4));
    const B = randn([2, 3, 2], { seed: 5 });
    const X = solve(A, B);
    expect(X.shape).toEqual([2, 3, 2]);
    expect(matmul(A, X)).toBeAllclose(B, { rtol: 1e-12, atol: 1e-12 });
  });

  it.each([
    [4, 3],
    [3, 5],
    [6, 6],
  ])("svd of a %i×%i matrix reconstructs it with orthonormal factors", (m, n) => {
    const A = randn([m, n], { seed: m * 10 + n });
    const { u, s, vt } = svd(A);
    const r = Math.min(m, n);
    expect(u.shape).toEqual([m, r]);
    expect(vt.shape).toEqual([r, n]);
    expect(matmul(mul(u, s), vt)).toBeAllclose(A, { rtol: 1e-12, atol: 1e-12 });
    expect(matmul(u.T, u)).toBeAllclose(eye(r), { atol: 1e-12 });
    expect(matmul(vt, vt.T)).toBeAllclose(eye(r), { atol: 1e-12 });
    const values = Array.from(s.data);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(singularValues(A)).toBeAllclose(s);
  });

  it("singular values of a diagonal matrix", () => {
    expect(
      singularValues(
        tensor([
          [3, 0],
          [0, -5],
        ]),
      ),
    ).toBeAllclose([5, 3], { rtol: 1e-14 });
  });

  it("a singular matrix is named in the error", () => {
    expect(() =>
      solve(
        tensor([
          [1, 2],
          [2, 4],
        ]),
        tensor([1, 1]),
      ),
    ).toThrow("solve: the 2×2 matrix is singular");
  });
});
