import { describe, expect, it } from "vitest";
import {
  checkGrad,
  det,
  eye,
  grad,
  inv,
  matmul,
  randn,
  singularValues,
  solve,
  sum,
  svd,
  tensor,
  transpose,
  type Tensor,
} from "cotangent";

// Hand-computed: A = [[4, 3], [6, 3]], det = 4·3 − 3·6 = −6, A⁻¹ = (1/−6)·[[3, −3], [−6, 4]].
const A = tensor([
  [4, 3],
  [6, 3],
]);

describe("linear algebra (hand-computed)", () => {
  it("det, inv and solve of a 2×2 matrix", () => {
    expect(det(A).item()).toBeCloseTo(-6, 12);
    expect(inv(A)).toBeAllclose([
      [-0.5, 0.5],
      [1, -2 / 3],
    ]);
    // A x = [10, 12] → x = A⁻¹ b = [−5 + 6, 10 − 8] = [1, 2]
    expect(solve(A, [10, 12])).toBeAllclose([1, 2]);
    expect(solve(A, tensor([[10], [12]]))).toBeAllclose([[1], [2]]);
  });

  it("det of a 3×3 matrix needing a pivot (zero in the corner)", () => {
    const B = tensor([
      [0, 2, 1],
      [1, 0, 3],
      [4, 1, 0],
    ]);
    // 0·(0·0 − 3·1) − 2·(1·0 − 3·4) + 1·(1·1 − 0·4) = 24 + 1 = 25
    expect(det(B).item()).toBeCloseTo(25, 12);
    expect(matmul(B, inv(B))).toBeAllclose(eye(3), { atol: 1e-14 });
  });

  it("singular values of a diagonal-like matrix and a rank-one matrix", () => {
    // [[3, 0], [0, −4], [0, 0]] has singular values 4, 3
    expect(
      singularValues(
        tensor([
          [3, 0],
          [0, -4],
          [0, 0],
        ]),
      ),
    ).toBeAllclose([4, 3]);
    // u vᵀ with |u| = √2, |v| = 5: one singular value √2·5, the other 0
    const rankOne = tensor([
      [3, 4],
      [3, 4],
    ]);
    expect(singularValues(rankOne)).toBeAllclose([5 * Math.SQRT2, 0], { atol: 1e-12 });
  });

  it("svd reconstructs the matrix with orthonormal factors", () => {
    const M = randn([5, 3], { seed: 4 });
    const { u, s, vt } = svd(M);
    expect(u.shape).toEqual([5, 3]);
    expect(vt.shape).toEqual([3, 3]);
    expect(matmul(u.mul(s), vt)).toBeAllclose(M, { atol: 1e-12 });
    expect(matmul(transpose(u), u)).toBeAllclose(eye(3), { atol: 1e-12 });
    const values = s.data;
    expect(values[0] >= values[1] && values[1] >= values[2]).toBe(true);
  });

  it("explains shape errors", () => {
    expect(() => det(tensor([1, 2, 3]))).toThrow(/det/);
    expect(() => solve(A, [1, 2, 3])).toThrow(/solve: shapes \[2,2\] and \[3\] do not align/);
  });
});

describe("linear algebra derivatives", () => {
  it("d det = det · tr(A⁻¹ dA): the gradient of det is det · A⁻ᵀ", () => {
    const g = grad((m: Tensor) => det(m))(A);
    expect(g).toBeAllclose(transpose(inv(A)).mul(-6), { rtol: 1e-12 });
  });

  it("d A⁻¹ = −A⁻¹ dA A⁻¹: the gradient of sum(inv(A)) is −A⁻ᵀ 1 1ᵀ A⁻ᵀ", () => {
    const g = grad((m: Tensor) => sum(inv(m)))(A);
    const Ait = transpose(inv(A));
    const ones = tensor([
      [1, 1],
      [1, 1],
    ]);
    expect(g).toBeAllclose(matmul(matmul(Ait, ones), Ait).neg(), { rtol: 1e-12 });
  });

  it.each([
    ["det", (m: Tensor) => det(m)],
    ["inv", (m: Tensor) => inv(m)],
    ["solve (matrix)", (m: Tensor) => solve(m, tensor([1, -2, 0.5]))],
    ["singular values", (m: Tensor) => singularValues(m)],
  ])("%s passes checkGrad on a random well-conditioned matrix", (_name, f) => {
    const M = randn([3, 3], { seed: 9 }).add(eye(3).mul(3));
    const report = checkGrad(f, M);
    expect(report.ok).toBe(true);
  });

  it("solve passes checkGrad with respect to both arguments", () => {
    const M = randn([3, 3], { seed: 10 }).add(eye(3).mul(3));
    const report = checkGrad((m: Tensor, b: Tensor) => solve(m, b), M, tensor([1, 2, 3]));
    expect(report.ok).toBe(true);
  });
});
