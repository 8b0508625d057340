/**
 * The damped normal equations (JᵀJ + μ D) h = −Jᵀr of a sparse Jacobian J (compressed rows),
 * D = diag(JᵀJ), in memory O(nnz · row length): the lower triangle of JᵀJ is assembled on its
 * own pattern (found once), factored by incomplete Cholesky IC(0) — exact for banded patterns,
 * whose Cholesky factor has no fill outside the band — and the system is solved by conjugate
 * gradients preconditioned with that factor, products with JᵀJ taken through J (Jᵀ(Jv)), never
 * the assembled matrix, so rounding in the factor only costs iterations.
 */
import type { Vec } from "./vec.js";
import { dot } from "./vec.js";

/** A sparse m×n matrix in compressed rows (columns ascending within a row). */
export interface Csr {
  m: number;
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** out = J x. */
export function mulJ(j: Csr, x: Vec): Vec {
  const out = new Float64Array(j.m);
  for (let i = 0; i < j.m; i++) {
    let s = 0;
    for (let p = j.rowPtr[i]; p < j.rowPtr[i + 1]; p++) s += j.values[p] * x[j.colIdx[p]];
    out[i] = s;
  }
  return out;
}

/** out = Jᵀ y. */
export function mulJt(j: Csr, y: Vec): Vec {
  const out = new Float64Array(j.n);
  for (let i = 0; i < j.m; i++) {
    const yi = y[i];
    if (yi === 0) continue;
    for (let p = j.rowPtr[i]; p < j.rowPtr[i + 1]; p++) out[j.colIdx[p]] += j.values[p] * yi;
  }
  return out;
}

/** diag(JᵀJ): the squared norms of the columns. */
export function columnNorms2(j: Csr): Vec {
  const d = new Float64Array(j.n);
  for (let p = 0; p < j.values.length; p++) d[j.colIdx[p]] += j.values[p] * j.values[p];
  return d;
}

/**
 * The pattern of the lower triangle of JᵀJ (rows ascending, the diagonal last in each row) and,
 * for each pair of entries q ≤ p of each row of J, the position of (p, q) in it.
 */
export class NormalPattern {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  private readonly pairs: Int32Array;

  constructor(readonly j: Csr) {
    const { ptr, idx } = lowerPattern(j);
    this.ptr = ptr;
    this.idx = idx;
    this.pairs = pairPositions(j, ptr, idx);
  }

  /** The lower triangle of JᵀJ + shift · diag(JᵀJ), on this pattern. */
  assemble(values: Float64Array, shift = 0): Vec {
    const a = new Float64Array(this.idx.length);
    const { rowPtr } = this.j;
    let k = 0;
    for (let i = 0; i < this.j.m; i++) {
      for (let pb = rowPtr[i]; pb < rowPtr[i + 1]; pb++) {
        const vb = values[pb];
        for (let pa = rowPtr[i]; pa <= pb; pa++) a[this.pairs[k++]] += vb * values[pa];
      }
    }
    if (shift !== 0) for (let r = 0; r < this.j.n; r++) a[this.ptr[r + 1] - 1] *= 1 + shift;
    return a;
  }

  /** The diagonal of an assembled matrix. */
  diagonal(a: Vec): Vec {
    const d = new Float64Array(this.j.n);
    for (let r = 0; r < this.j.n; r++) d[r] = a[this.ptr[r + 1] - 1];
    return d;
  }
}

/** Rows of the lower triangle of JᵀJ: row p holds every q ≤ p sharing a row of J with p. */
function lowerPattern(j: Csr): { ptr: Int32Array; idx: Int32Array } {
  const byCol = transposePattern(j);
  const mark = new Int32Array(j.n).fill(-1);
  const ptr = new Int32Array(j.n + 1);
  const rows: Int32Array[] = [];
  const scratch: number[] = [];
  for (let p = 0; p < j.n; p++) {
    scratch.length = 0;
    for (let t = byCol.ptr[p]; t < byCol.ptr[p + 1]; t++) {
      const i = byCol.idx[t];
      for (let s = j.rowPtr[i]; s < j.rowPtr[i + 1]; s++) {
        const q = j.colIdx[s];
        if (q <= p && mark[q] !== p) {
          mark[q] = p;
          scratch.push(q);
        }
      }
    }
    if (mark[p] !== p) scratch.push(p); // an empty column keeps its diagonal
    const row = Int32Array.from(scratch).sort();
    rows.push(row);
    ptr[p + 1] = ptr[p] + row.length;
  }
  const idx = new Int32Array(ptr[j.n]);
  rows.forEach((row, p) => idx.set(row, ptr[p]));
  return { ptr, idx };
}

function transposePattern(j: Csr): { ptr: Int32Array; idx: Int32Array } {
  const ptr = new Int32Array(j.n + 1);
  for (let p = 0; p < j.colIdx.length; p++) ptr[j.colIdx[p] + 1] += 1;
  for (let c = 0; c < j.n; c++) ptr[c + 1] += ptr[c];
  const fill = ptr.slice(0, j.n);
  const idx = new Int32Array(j.colIdx.length);
  for (let i = 0; i < j.m; i++)
    for (let p = j.rowPtr[i]; p < j.rowPtr[i + 1]; p++) idx[fill[j.colIdx[p]]++] = i;
  return { ptr, idx };
}

function pairPositions(j: Csr, ptr: Int32Array, idx: Int32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < j.m; i++) {
    const k = j.rowPtr[i + 1] - j.rowPtr[i];
    count += (k * (k + 1)) / 2;
  }
  const pairs = new Int32Array(count);
  let t = 0;
  for (let i = 0; i < j.m; i++) {
    for (let pb = j.rowPtr[i]; pb < j.rowPtr[i + 1]; pb++) {
      const row = j.colIdx[pb];
      for (let pa = j.rowPtr[i]; pa <= pb; pa++) {
        const col = j.colIdx[pa];
        let pos = ptr[row];
        while (idx[pos] !== col) pos++;
        pairs[t++] = pos;
      }
    }
  }
  return pairs;
}

/**
 * IC(0): L on the lower pattern of A with L Lᵀ = A wherever A has an entry; row-oriented,
 * L[i,k] = (A[i,k] − Σ_{j<k} L[i,j] L[k,j]) / L[k,k], L[i,i] = √(A[i,i] − Σ_j L[i,j]²).
 * null when a pivot is not positive.
 */
export function incompleteCholesky(pattern: NormalPattern, a: Vec): Vec | null {
  const { ptr, idx } = pattern;
  const l = new Float64Array(a.length);
  for (let i = 0; i < pattern.j.n; i++) {
    const start = ptr[i];
    const diag = ptr[i + 1] - 1;
    let sq = 0;
    for (let p = start; p < diag; p++) {
      const k = idx[p];
      // Σ over columns j < k in both row i (before p) and row k (before its diagonal)
      let s = a[p];
      let u = start;
      let v = ptr[k];
      const vEnd = ptr[k + 1] - 1;
      while (u < p && v < vEnd) {
        if (idx[u] === idx[v]) s -= l[u++] * l[v++];
        else if (idx[u] < idx[v]) u++;
        else v++;
      }
      l[p] = s / l[vEnd];
      sq += l[p] * l[p];
    }
    const pivot = a[diag] - sq;
    if (!(pivot > 0)) return null;
    l[diag] = Math.sqrt(pivot);
  }
  return l;
}

/** Solves L Lᵀ z = r for the IC(0) factor L. */
function applyFactor(pattern: NormalPattern, l: Vec, r: Vec): Vec {
  const { ptr, idx } = pattern;
  const n = r.length;
  const y = Float64Array.from(r);
  for (let i = 0; i < n; i++) {
    const diag = ptr[i + 1] - 1;
    let s = y[i];
    for (let p = ptr[i]; p < diag; p++) s -= l[p] * y[idx[p]];
    y[i] = s / l[diag];
  }
  for (let i = n - 1; i >= 0; i--) {
    const diag = ptr[i + 1] - 1;
    y[i] /= l[diag];
    const yi = y[i];
    for (let p = ptr[i]; p < diag; p++) y[idx[p]] -= l[p] * yi;
  }
  return y;
}

/** A preconditioner for A = JᵀJ + μD: IC(0), shifted until it exists; else Jacobi. */
function preconditioner(pattern: NormalPattern, values: Float64Array, mu: number): (r: Vec) => Vec {
  for (const extra of [0, 1e-8, 1e-6, 1e-4, 1e-2]) {
    const a = pattern.assemble(values, mu + extra);
    const l = incompleteCholesky(pattern, a);
    if (l !== null) return (r) => applyFactor(pattern, l, r);
  }
  const d = pattern.diagonal(pattern.assemble(values, mu));
  return (r) => r.map((v, i) => (d[i] > 0 ? v / d[i] : v));
}

/** What the solve did: the step, the CG iterations, and the relative residual reached. */
export interface DampedSolve {
  h: Vec;
  iterations: number;
  relativeResidual: number;
}

/**
 * Solves (JᵀJ + μ D) h = −g, D = diag(JᵀJ), by preconditioned conjugate gradients to a
 * relative residual `tol` (at most `maxIter` iterations), the products through J.
 */
export function solveDamped(
  pattern: NormalPattern,
  j: Csr,
  d: Vec,
  g: Vec,
  mu: number,
  tol: number,
  maxIter: number,
): DampedSolve {
  const n = g.length;
  const apply = (v: Vec): Vec => {
    const out = mulJt(j, mulJ(j, v));
    for (let i = 0; i < n; i++) out[i] += mu * d[i] * v[i];
    return out;
  };
  const precondition = preconditioner(pattern, j.values, mu);
  const h = new Float64Array(n);
  const r = g.map((v) => -v);
  const bNorm = Math.sqrt(dot(r, r));
  if (bNorm === 0) return { h, iterations: 0, relativeResidual: 0 };
  let z = precondition(r);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  let k = 0;
  let rel = 1;
  for (; k < maxIter && rel > tol; k++) {
    const ap = apply(p);
    const alpha = rz / dot(p, ap);
    if (!Number.isFinite(alpha)) break;
    for (let i = 0; i < n; i++) {
      h[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    rel = Math.sqrt(dot(r, r)) / bNorm;
    z = precondition(r);
    const rzNext = dot(r, z);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return { h, iterations: k, relativeResidual: rel };
}
