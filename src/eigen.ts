/** The public eigenvalue ops: `eigh` (symmetric, differentiable) and `eigvals` (general). */
import type { TensorLike } from "./tensor/tensor.js";
import { Tensor } from "./tensor/tensor.js";
import { Primitive } from "./primitives/primitive.js";
import { Tracer, bind } from "./core.js";
import { asTensor } from "./tensor/creation.js";
import { fmtShape } from "./tensor/shape.js";
import { eigvals as eigvalsKernel } from "./primitives/kernels-eigen.js";

function checkSquare(op: string, a: Tensor): { n: number; batch: number[] } {
  const nd = a.ndim;
  if (nd < 2 || a.shape[nd - 1] !== a.shape[nd - 2])
    throw new Error(`${op}: expected square matrices [..., n, n], got shape ${fmtShape(a.shape)}`);
  return { n: a.shape[nd - 1], batch: a.shape.slice(0, nd - 2) };
}

/**
 * Eigenvalues (ascending, [..., n]) and orthonormal eigenvectors (the columns of v, [..., n, n])
 * of symmetric matrices: A = v·diag(w)·vᵀ. As JAX's eigh, it decomposes (A + Aᵀ)/2. Both parts are
 * differentiable, to any order, where the eigenvalues are distinct (dwᵢ = vᵢᵀ dA vᵢ); each
 * eigenvector's entry of largest magnitude is positive.
 *
 * @example
 * const { w, v } = eigh(tensor([[2, 1], [1, 2]]));
 * w; // tensor([1, 3])
 * matmul(mul(v, w), v.T); // the matrix again
 * grad((a: Tensor) => eigh(a).w.max())(tensor([[2, 1], [1, 2]])); // v₁v₁ᵀ = [[0.5, 0.5], [0.5, 0.5]]
 */
export function eigh(a: TensorLike): { w: Tensor; v: Tensor } {
  const ta = asTensor(a);
  checkSquare("eigh", ta);
  return {
    w: bind(Primitive.Eigh, [ta], { part: "w" }),
    v: bind(Primitive.Eigh, [ta], { part: "v" }),
  };
}

/**
 * Eigenvalues of general square matrices, as real and imaginary parts ([..., n] each), sorted by
 * decreasing real part, a complex conjugate pair with the negative imaginary part first. Computed
 * by Hessenberg reduction and the Francis double-shift QR iteration; not differentiable and not
 * traceable (call it outside jit, grad and vmap; for symmetric matrices use eigh).
 *
 * @example
 * const { re, im } = eigvals(tensor([[0, -1], [1, 0]])); // a rotation by 90°
 * re; // tensor([0, 0])
 * im; // tensor([-1, 1])
 */
export function eigvals(a: TensorLike): { re: Tensor; im: Tensor } {
  const ta = asTensor(a);
  if (ta instanceof Tracer) {
    throw new Error(
      "eigvals: not differentiable and not traceable (it ran under jit, grad, jvp or vmap); " +
        "for symmetric matrices use eigh, which is",
    );
  }
  const { n, batch } = checkSquare("eigvals", ta);
  const count = batch.reduce((p, d) => p * d, 1);
  const { re, im } = eigvalsKernel(ta.data, count, n);
  return { re: new Tensor(re, [...batch, n]), im: new Tensor(im, [...batch, n]) };
}
