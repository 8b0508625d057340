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

interface SvdCacheEntry {
  input: Float64Array;
  count: number;
  m: number;
  n: number;
  result: SvdResult;
}

/**
 * The last decomposition of each input array, so that the parts u and vt of one `svd()` call (two
 * bindings of the same primitive on the same tensor) share one decomposition. Keyed by the data
 * object; a copy of the input guards against an array that was overwritten since (pooled buffers).
 * An entry serves one reuse and is then dropped, so no output array is shared by two tensors.
 */
const svdCache = new WeakMap<Data, SvdCacheEntry>();

/** Thin SVD of a batch of m×n matrices, computed once per input array (see svdCache). */
export function svd(a: Data, count: number, m: number, n: number): SvdResult {
  const hit = svdCache.get(a);
  if (hit && hit.count === count && hit.m === m && hit.n === n && sameEntries(hit.input, a)) {
    svdCache.delete(a); // u is taken by the first part, vt by the second: hand each array out once
    return hit.result;
  }
  const result = svdUncached(a, count, m, n);
  svdCache.set(a, { input: Float64Array.from(a), count, m, n, result });
  return result;
}

function sameEntries(x: Float64Array, y: Data): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** Thin SVD of a batch of m×n matrices by one-sided Jacobi rotations. */
function svdUncached(a: Data, count: number, m: number, n: number): SvdResult {
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
  completeNullColumns(left, s, rows, r);
  // tall: A = left·diag(s)·rightᵀ; wide (Aᵀ = left·diag(s)·rightᵀ): A = right·diag(s)·leftᵀ
  const u: Data = tall ? left : right;
  const vMat = tall ? right : left; // n × r
  const vt: Data = new Float64Array(r * n);
  for (let k = 0; k < r; k++) for (let j = 0; j < n; j++) vt[k * n + j] = vMat[j * r + k];
  return { u, s, vt };
}

/**
 * Columns of `left` (row-major rows × r) whose singular value is negligible carry only rounding
 * noise: replace each by a unit vector orthogonal to the columns before it, so Uᵀ·U = I also for a
 * rank-deficient matrix (the product U·diag(s)·Vᵀ is unchanged up to that negligible value).
 */
function completeNullColumns(left: Data, s: Data, rows: number, r: number): void {
  const tiny = Math.max(s[0] ?? 0, Number.MIN_VALUE) * rows * 1e-14;
  for (let k = 0; k < r; k++) {
    if (s[k] > tiny) continue;
    for (let t = 0; t < rows; t++) {
      const col = new Float64Array(rows);
      col[t] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let q = 0; q < k; q++) {
          let dot = 0;
          for (let i = 0; i < rows; i++) dot += left[i * r + q] * col[i];
          for (let i = 0; i < rows; i++) col[i] -= dot * left[i * r + q];
        }
      }
      let sq = 0;
      for (let i = 0; i < rows; i++) sq += col[i] * col[i];
      const norm = Math.sqrt(sq);
      if (norm < 0.5) continue;
      for (let i = 0; i < rows; i++) left[i * r + k] = col[i] / norm;
      break;
    }
  }
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

/**
 * Singular values only, for a batch of m×n matrices ([count, min(m, n)], decreasing): Householder
 * bidiagonalisation A = U B Vᵀ, then the eigenvalues of the Golub–Kahan matrix [[0, Bᵀ], [B, 0]]
 * (symmetric tridiagonal, zero diagonal, eigenvalues ±σᵢ) by implicit QL with Wilkinson shifts.
 * No AᵀA is formed, so small singular values keep absolute accuracy ≈ ε·σ₁.
 */
export function singularValues(a: Data, count: number, m: number, n: number): Data {
  const r = Math.min(m, n);
  const s: Data = new Float64Array(count * r);
  for (let t = 0; t < count; t++) {
    s.set(singularValuesOne(a.subarray(t * m * n, (t + 1) * m * n), m, n), t * r);
  }
  return s;
}

/** Reduce a rows × cols (rows ≥ cols) row-major matrix in place to upper bidiagonal form. */
function bidiagonalise(
  a: Float64Array,
  rows: number,
  cols: number,
): { d: Float64Array; e: Float64Array } {
  const d = new Float64Array(cols);
  const e = new Float64Array(Math.max(cols - 1, 0));
  const w = new Float64Array(cols);
  for (let k = 0; k < cols; k++) {
    d[k] = reflectColumn(a, rows, cols, k, w);
    if (k < cols - 1) e[k] = reflectRow(a, rows, cols, k);
  }
  return { d, e };
}

/**
 * Householder reflector from the left zeroing A[k+1:, k]; applied to columns k.. of rows k..
 * Returns the new A[k, k] (= ∓‖A[k:, k]‖).
 */
function reflectColumn(
  a: Float64Array,
  rows: number,
  cols: number,
  k: number,
  w: Float64Array,
): number {
  let norm = 0;
  for (let i = k; i < rows; i++) norm = Math.hypot(norm, a[i * cols + k]);
  if (norm === 0) return 0;
  const alpha = a[k * cols + k] > 0 ? -norm : norm;
  a[k * cols + k] = a[k * cols + k] - alpha; // v = x − αe₁ stored in column k
  let vv = 0;
  for (let i = k; i < rows; i++) vv += a[i * cols + k] ** 2;
  // w = vᵀ A[k:, k+1:], then A[k:, k+1:] −= (2/vᵀv) v wᵀ — both row by row
  w.fill(0, k + 1, cols);
  for (let i = k; i < rows; i++) {
    const vi = a[i * cols + k];
    if (vi === 0) continue;
    for (let j = k + 1; j < cols; j++) w[j] = w[j] + vi * a[i * cols + j];
  }
  const scale = 2 / vv;
  for (let i = k; i < rows; i++) {
    const f = scale * a[i * cols + k];
    if (f === 0) continue;
    for (let j = k + 1; j < cols; j++) a[i * cols + j] = a[i * cols + j] - f * w[j];
  }
  return alpha;
}

/** Householder reflector from the right zeroing A[k, k+2:]; applied to rows k.. Returns A[k, k+1]. */
function reflectRow(a: Float64Array, rows: number, cols: number, k: number): number {
  const base = k * cols;
  let norm = 0;
  for (let j = k + 1; j < cols; j++) norm = Math.hypot(norm, a[base + j]);
  if (norm === 0) return 0;
  const alpha = a[base + k + 1] > 0 ? -norm : norm;
  a[base + k + 1] = a[base + k + 1] - alpha; // u = x − αe₁ stored in row k
  let uu = 0;
  for (let j = k + 1; j < cols; j++) uu += a[base + j] ** 2;
  const scale = 2 / uu;
  for (let i = k + 1; i < rows; i++) {
    const row = i * cols;
    let dot = 0;
    for (let j = k + 1; j < cols; j++) dot += a[row + j] * a[base + j];
    const f = scale * dot;
    if (f === 0) continue;
    for (let j = k + 1; j < cols; j++) a[row + j] = a[row + j] - f * a[base + j];
  }
  return alpha;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `diag` and off-diagonal `off`
 * (off[i] couples i and i+1), by the implicit QL method with Wilkinson shifts. In place.
 */
function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
  const n = diag.length;
  const e = new Float64Array(n);
  e.set(off.subarray(0, n - 1));
  // an off-diagonal below ε·‖T‖ is negligible (absolute accuracy ε·‖T‖, as for any stable method)
  let norm = 0;
  for (let i = 0; i < n; i++)
    norm = Math.max(norm, Math.abs(diag[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  const floor = Number.EPSILON * norm;
  const negligible = (m: number): boolean =>
    Math.abs(e[m]) <= Math.max(floor, Number.EPSILON * (Math.abs(diag[m]) + Math.abs(diag[m + 1])));
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      // find the first negligible off-diagonal at or after l
      let m = l;
      while (m < n - 1 && !negligible(m)) m++;
      if (m === l) break;
      if (iteration > 60) throw new Error("singular values: the QL iteration did not converge");
      qlStep(diag, e, l, m);
    }
  }
  return diag;
}

/** One implicit QL sweep on the unreduced block l..m with a Wilkinson shift. */
function qlStep(d: Float64Array, e: Float64Array, l: number, m: number): void {
  let g = (d[l + 1] - d[l]) / (2 * e[l]);
  let r = Math.hypot(g, 1);
  g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
  let s = 1;
  let c = 1;
  let p = 0;
  let i = m - 1;
  for (; i >= l; i--) {
    const f = s * e[i];
    const b = c * e[i];
    r = Math.hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // the block split: deflate and retry from l
      d[i + 1] = d[i + 1] - p;
      e[m] = 0;
      return;
    }
    s = f / r;
    c = g / r;
    g = d[i + 1] - p;
    r = (d[i] - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
  }
  d[l] = d[l] - p;
  e[l] = g;
  e[m] = 0;
}

/** Singular values (decreasing) of one dense row-major rows × cols matrix; `data` is not changed. */
function singularValuesOne(data: Float64Array, rows: number, cols: number): number[] {
  if (data.length !== rows * cols) {
    throw new Error(`singularValues: ${data.length} values do not fill a ${rows}×${cols} matrix`);
  }
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  if (n === 0) return [];
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) a[tall ? i * cols + j : j * rows + i] = data[i * cols + j]!;
  }
  const { d, e } = bidiagonalise(a, m, n);
  // Golub–Kahan: zero diagonal, off-diagonal d₀, e₀, d₁, e₁, …, d_{n−1}
  const size = 2 * n;
  const off = new Float64Array(size - 1);
  for (let k = 0; k < n; k++) {
    off[2 * k] = d[k]!;
    if (k < n - 1) off[2 * k + 1] = e[k]!;
  }
  const eigen = tridiagonalEigenvalues(new Float64Array(size), off);
  return Array.from(eigen)
    .sort((x, y) => y - x)
    .slice(0, n)
    .map((v) => Math.abs(v));
}
