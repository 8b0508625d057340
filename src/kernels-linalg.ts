/**
 * Small dense linear-algebra kernels behind the Solve, Det and Svd primitives, on batches of
 * row-major matrices: LU with partial pivoting, and a one-sided Jacobi SVD (accurate for the
 * small and medium matrices the views show).
 */
import type { Data } from "./kernels.js";

/** LU of one n×n matrix in place (row-major), returns the pivot rows and the permutation sign. */
function luInPlace(a: Data, n: number): { piv: Int32Array; sign: number; singular: boolean } {
  const piv = new Int32Array(n);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
    }
    const pivot = a[k * n + k];
    if (pivot === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return { piv, sign, singular };
}

/** X = A⁻¹B for a batch: a [count, n, n], b [count, n, k]. Throws on an exactly singular A. */
export function solve(a: Data, b: Data, count: number, n: number, k: number): Data {
  const out: Data = new Float64Array(count * n * k);
  for (let t = 0; t < count; t++) {
    const lu: Data = a.slice(t * n * n, (t + 1) * n * n);
    const { piv, singular } = luInPlace(lu, n);
    if (singular) throw new Error(`solve: the ${n}×${n} matrix is singular`);
    const x = out.subarray(t * n * k, (t + 1) * n * k);
    x.set(b.subarray(t * n * k, (t + 1) * n * k));
    for (let i = 0; i < n; i++) {
      const p = piv[i];
      if (p !== i) {
        for (let j = 0; j < k; j++) {
          const tmp = x[i * k + j];
          x[i * k + j] = x[p * k + j]!;
          x[p * k + j] = tmp;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < i; r++) {
        const f = lu[i * n + r];
        if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= f * x[r * k + j];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let r = i + 1; r < n; r++) {
        const f = lu[i * n + r];
        if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= f * x[r * k + j];
      }
      const d = lu[i * n + i];
      for (let j = 0; j < k; j++) x[i * k + j] /= d;
    }
  }
  return out;
}

export function det(a: Data, count: number, n: number): Data {
  const out: Data = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const lu: Data = a.slice(t * n * n, (t + 1) * n * n);
    const { sign } = luInPlace(lu, n);
    let d = sign;
    for (let i = 0; i < n; i++) d *= lu[i * n + i];
    out[t] = d;
  }
  return out;
}

export interface SvdResult {
  /** [count, m, r], [count, r], [count, r, n] with r = min(m, n); s decreasing. */
  u: Data;
  s: Data;
  vt: Data;
}

/** Thin SVD of a batch of m×n matrices by one-sided Jacobi rotations. */
export function svd(a: Data, count: number, m: number, n: number): SvdResult {
  const r = Math.min(m, n);
  const u: Data = new Float64Array(count * m * r);
  const s: Data = new Float64Array(count * r);
  const vt: Data = new Float64Array(count * r * n);
  for (let t = 0; t < count; t++) {
    const one = svdOne(a.subarray(t * m * n, (t + 1) * m * n), m, n);
    u.set(one.u, t * m * r);
    s.set(one.s, t * r);
    vt.set(one.vt, t * r * n);
  }
  return { u, s, vt };
}

function svdOne(a: Data, m: number, n: number): SvdResult {
  // One-sided Jacobi on the tall orientation W (rows ≥ cols), stored by columns (each column a
  // contiguous run of `rows` entries) so that every rotation streams through memory.
  const tall = m >= n;
  const rows = tall ? m : n;
  const cols = tall ? n : m;
  const w: Data = new Float64Array(rows * cols); // w[j * rows + i] = W[i, j]
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) w[tall ? j * rows + i : i * rows + j] = a[i * n + j];
  const v: Data = new Float64Array(cols * cols); // v[j * cols + i] = V[i, j]
  for (let i = 0; i < cols; i++) v[i * cols + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        const po = p * rows;
        const qo = q * rows;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < rows; i++) {
          const x = w[po + i];
          const y = w[qo + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const tan = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tan * tan);
        const sn = c * tan;
        rotate(w, po, qo, rows, c, sn);
        rotate(v, p * cols, q * cols, cols, c, sn);
      }
    }
    if (off < 1e-15) break;
  }
  const norms = Array.from({ length: cols }, (_, j) => {
    let acc = 0;
    for (let i = 0; i < rows; i++) acc += w[j * rows + i] ** 2;
    return Math.sqrt(acc);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const r = cols;
  const left: Data = new Float64Array(rows * r); // row-major rows × r: W's normalised columns
  const right: Data = new Float64Array(cols * r); // row-major cols × r: V's columns
  const s: Data = new Float64Array(r);
  order.forEach((j, k) => {
    const sigma = norms[j];
    s[k] = sigma;
    for (let i = 0; i < rows; i++)
      left[i * r + k] = sigma > 0 ? w[j * rows + i] / sigma : i === k ? 1 : 0;
    for (let i = 0; i < cols; i++) right[i * r + k] = v[j * cols + i];
  });
  // tall: A = left·diag(s)·rightᵀ; wide (Aᵀ = left·diag(s)·rightᵀ): A = right·diag(s)·leftᵀ
  const u: Data = tall ? left : right;
  const vMat = tall ? right : left; // n × r
  const vt: Data = new Float64Array(r * n);
  for (let k = 0; k < r; k++) for (let j = 0; j < n; j++) vt[k * n + j] = vMat[j * r + k];
  return { u, s, vt };
}

/** Rotates the contiguous runs at offsets p and q (length n) by (c, s). */
function rotate(x: Data, p: number, q: number, n: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const a = x[p + i];
    const b = x[q + i];
    x[p + i] = c * a - s * b;
    x[q + i] = s * a + c * b;
  }
}
