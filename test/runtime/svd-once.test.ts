/** svd(): one decomposition per call, never a stale or shared result; factor identities on more shapes. */
import { describe, expect, it } from "vitest";
import { add, eye, zeros, matmul, mul, randn, singularValues, svd, tensor } from "cotangent";
import * as L from "../../src/primitives/kernels-linalg.js";

describe("svd computed once per call", () => {
  it("an input array overwritten between calls is decomposed again", () => {
    const a = Float64Array.from([3, 0, 0, 2]);
    const first = L.svd(a, 1, 2, 2);
    a.set([0, 5, 7, 0]);
    const second = L.svd(a, 1, 2, 2);
    expect(Array.from(first.s)).toEqual([3, 2]);
    expect(second.s[0]).toBeCloseTo(7, 12);
    expect(second.s[1]).toBeCloseTo(5, 12);
  });

  it("two svd() calls on one tensor return equal values in separate arrays", () => {
    const A = randn([5, 3], { seed: 11 });
    const one = svd(A);
    const two = svd(A);
    expect(two.u).toBeAllclose(one.u, { rtol: 0, atol: 0 });
    expect(two.vt).toBeAllclose(one.vt, { rtol: 0, atol: 0 });
    expect(two.u.data).not.toBe(one.u.data);
    expect(two.vt.data).not.toBe(one.vt.data);
  });

  it.each([
    ["batched tall", [2, 3, 5, 3]],
    ["batched wide", [4, 2, 5]],
    ["1×1", [1, 1]],
  ])("%s: U·diag(s)·Vᵀ = A with orthonormal factors", (_name, shape) => {
    const A = randn(shape, { seed: 3 });
    const { u, s, vt } = svd(A);
    const nd = A.ndim;
    const swapLast = (t: typeof A) => t.transpose([...Array(nd - 2).keys(), nd - 1, nd - 2]);
    const r = Math.min(A.shape[A.ndim - 2], A.shape[A.ndim - 1]);
    expect(matmul(mul(u, s.reshape([...s.shape.slice(0, -1), 1, r])), vt)).toBeAllclose(A, {
      rtol: 1e-12,
      atol: 1e-12,
    });
    expect(matmul(swapLast(u), u)).toBeAllclose(
      add(zeros([...A.shape.slice(0, -2), r, r]), eye(r)),
      { atol: 1e-12 },
    );
    expect(matmul(vt, swapLast(vt))).toBeAllclose(
      add(zeros([...A.shape.slice(0, -2), r, r]), eye(r)),
      { atol: 1e-12 },
    );
    expect(singularValues(A)).toBeAllclose(s, { rtol: 1e-12, atol: 1e-12 });
  });

  it("a rank-deficient matrix has a zero singular value and still reconstructs", () => {
    const A = tensor([
      [1, 2, 3],
      [2, 4, 6],
      [1, 0, 1],
    ]);
    const { u, s, vt } = svd(A);
    expect(s.data[2]).toBeCloseTo(0, 12);
    expect(s.data[0]).toBeGreaterThanOrEqual(s.data[1]);
    expect(matmul(mul(u, s), vt)).toBeAllclose(A, { rtol: 1e-12, atol: 1e-12 });
    expect(matmul(u.T, u)).toBeAllclose(eye(3), { atol: 1e-12 });
  });
});
