/**
 * Eigenvalues against known spectra: rotations (e^{±iθ}), companion matrices of polynomials with
 * known roots, diagonal and triangular matrices; eigh on random symmetric matrices (orthonormal
 * eigenvectors that reconstruct A, eigenvalues against the singular values of an SPD matrix and
 * against eigvals), its derivatives, batches, vmap and jit.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import {
  add,
  det,
  eigh,
  eigvals,
  eye,
  grad,
  jit,
  matmul,
  mul,
  randn,
  singularValues,
  stack,
  tensor,
  vmap,
} from "cotangent";

const TOL = { rtol: 1e-10, atol: 1e-10 };

/** The companion matrix of the monic polynomial with these roots (coefficients from the roots). */
function companion(roots: number[]): Tensor {
  let c = [1]; // coefficients, highest degree first
  for (const r of roots) c = [...c, 0].map((v, i) => v - (i > 0 ? r * c[i - 1] : 0));
  const n = roots.length;
  const rows = Array.from({ length: n }, (_r, i) =>
    Array.from({ length: n }, (_c, j) => (i === 0 ? -c[j + 1] : i === j + 1 ? 1 : 0)),
  );
  return tensor(rows);
}

function randomSymmetric(n: number, seed: number): Tensor {
  const a = randn([n, n], { seed });
  return mul(add(a, a.T), 0.5);
}

describe("eigvals", () => {
  it.each([0.3, 1, 2.5])("a rotation by %f has eigenvalues cos θ ± i sin θ", (theta) => {
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const { re, im } = eigvals(
      tensor([
        [c, -s],
        [s, c],
      ]),
    );
    expect(re).toBeAllclose(tensor([c, c]), TOL);
    expect(im).toBeAllclose(tensor([-s, s]), TOL);
  });

  it("a 3-D rotation: 1 and the pair e^{±iθ}", () => {
    const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
    const { re, im } = eigvals(
      tensor([
        [c, -s, 0],
        [s, c, 0],
        [0, 0, 1],
      ]),
    );
    expect(re).toBeAllclose(tensor([1, c, c]), TOL);
    expect(im).toBeAllclose(tensor([0, -s, s]), TOL);
  });

  it("companion matrices: the roots of their polynomials", () => {
    const { re, im } = eigvals(companion([4, -1, 2.5, 0.5, -3, 1.5]));
    expect(re).toBeAllclose(tensor([4, 2.5, 1.5, 0.5, -1, -3]), { rtol: 1e-9, atol: 1e-9 });
    expect(im).toBeAllclose(tensor([0, 0, 0, 0, 0, 0]), { rtol: 1e-9, atol: 1e-9 });
    // x⁴ − 1: ±1, ±i (coefficients written out: complex roots)
    const quartic = tensor([
      [0, 0, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    const q = eigvals(quartic);
    expect(q.re).toBeAllclose(tensor([1, 0, 0, -1]), TOL);
    expect(q.im).toBeAllclose(tensor([0, -1, 1, 0]), TOL);
  });

  it("a triangular matrix: its diagonal; a batch: each matrix's own", () => {
    const tri = tensor([
      [3, 1, 4],
      [0, -2, 5],
      [0, 0, 7],
    ]);
    expect(eigvals(tri).re).toBeAllclose(tensor([7, 3, -2]), TOL);
    const batch = eigvals(stack([tri, eye(3)]));
    expect(batch.re).toBeAllclose(
      tensor([
        [7, 3, -2],
        [1, 1, 1],
      ]),
      TOL,
    );
  });

  it("agrees with eigh on a random symmetric matrix", () => {
    const a = randomSymmetric(6, 2);
    const { re, im } = eigvals(a);
    expect(re).toBeAllclose(tensor(Array.from(eigh(a).w.data).reverse()), TOL);
    expect(im).toBeAllclose(tensor([0, 0, 0, 0, 0, 0]), TOL);
  });

  it.each([5, 8, 12])(
    "a random %i×%i matrix: the eigenvalues sum to the trace, multiply to the det",
    (n) => {
      const a = randn([n, n], { seed: 40 + n });
      const { re, im } = eigvals(a);
      let [pr, pi] = [1, 0];
      re.data.forEach((x, k) => ([pr, pi] = [pr * x - pi * im.data[k], pr * im.data[k] + pi * x]));
      const trace = Array.from({ length: n }, (_v, i) => a.data[i * n + i]).reduce((s, v) => s + v);
      expect(re.sum()).toBeAllclose(tensor(trace), TOL);
      expect(im.sum()).toBeAllclose(tensor(0), TOL);
      expect(tensor([pr, pi])).toBeAllclose(tensor([det(a).item(), 0]), { rtol: 1e-9, atol: 1e-9 });
    },
  );

  it("is refused under a transformation, pointing to eigh", () => {
    expect(() => grad((a: Tensor) => eigvals(a).re.sum())(eye(2))).toThrow(/use eigh/);
    expect(() => eigvals(tensor([[1, 2, 3]]))).toThrow("eigvals: expected square matrices");
  });
});

describe("eigh", () => {
  it.each([2, 5, 12])("a random symmetric %i×%i matrix: V diag(w) Vᵀ = A, VᵀV = I", (n) => {
    const a = randomSymmetric(n, n);
    const { w, v } = eigh(a);
    expect(matmul(mul(v, w), v.T)).toBeAllclose(a, TOL);
    expect(matmul(v.T, v)).toBeAllclose(eye(n), TOL);
    const sorted = Array.from(w.data);
    expect(sorted).toEqual([...sorted].sort((x, y) => x - y));
  });

  it("an SPD matrix: eigenvalues are its singular values", () => {
    const b = randn([7, 7], { seed: 9 });
    const spd = add(matmul(b, b.T), eye(7));
    const w = Array.from(eigh(spd).w.data).reverse();
    expect(tensor(w)).toBeAllclose(singularValues(spd), TOL);
  });

  it("decomposes (A + Aᵀ)/2 and is differentiable: grad of the largest eigenvalue is v vᵀ", () => {
    const a = tensor([
      [2, 1],
      [1, 2],
    ]);
    expect(eigh(a).w).toBeAllclose(tensor([1, 3]), TOL);
    expect(
      eigh(
        tensor([
          [2, 0],
          [2, 2],
        ]),
      ).w,
    ).toBeAllclose(tensor([1, 3]), TOL);
    const g = grad((m: Tensor) => eigh(m).w.max())(a);
    expect(g).toBeAllclose(
      tensor([
        [0.5, 0.5],
        [0.5, 0.5],
      ]),
      TOL,
    );
  });

  it("batches, vmap and jit give the per-matrix decomposition", () => {
    const mats = [1, 2, 3].map((s) => randomSymmetric(4, 20 + s));
    const batched = eigh(stack(mats)).w;
    expect(vmap((m: Tensor) => eigh(m).w)(stack(mats))).toBeAllclose(batched, TOL);
    mats.forEach((m, i) => expect(batched.data.subarray(i * 4, i * 4 + 4)).toEqual(eigh(m).w.data));
    expect(jit((m: Tensor) => eigh(m).v)(mats[0])).toBeAllclose(eigh(mats[0]).v, TOL);
  });
});
