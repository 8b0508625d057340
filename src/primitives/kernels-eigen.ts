/**
 * Eigenvalue kernels of the linear-algebra primitives, on batches of row-major n×n matrices:
 * `eigh` (symmetric: cyclic Jacobi rotations, eigenvalues ascending, orthonormal eigenvectors as
 * columns) and `eigvals` (general: reduction to Hessenberg form by stabilised elimination, then
 * the Francis double-shift QR iteration; complex eigenvalues come in conjugate pairs).
 */
import type { Data } from "./kernels.js";

export interface EighResult {
  /** [count, n] eigenvalues, ascending. */
  w: Data;
  /** [count, n, n] eigenvectors as columns: A = V diag(w) Vᵀ. */
  v: Data;
}

/** The last decomposition of each input array, so `w` and `v` of one `eigh()` share it. */
const eighCache = new WeakMap<Data, { input: Float64Array; n: number; result: EighResult }>();

/** Symmetric eigendecomposition of a batch of n×n matrices, of (A + Aᵀ)/2 as JAX's eigh. */
export function eigh(a: Data, count: number, n: number): EighResult {
  const hit = eighCache.get(a);
  if (
    hit &&
    hit.n === n &&
    hit.input.length === a.length &&
    hit.input.every((x, i) => Object.is(x, a[i]))
  ) {
    eighCache.delete(a); // each part's array is handed out once
    return hit.result;
  }
  const w: Data = new Float64Array(count * n);
  const v: Data = new Float64Array(count * n * n);
  for (let t = 0; t < count; t++) {
    const one = eighOne(a.subarray(t * n * n, (t + 1) * n * n), n);
    w.set(one.w, t * n);
    v.set(one.v, t * n * n);
  }
  const result = { w, v };
  eighCache.set(a, { input: Float64Array.from(a), n, result });
  return result;
}

/** Cyclic Jacobi on one matrix, symmetrised. */
function eighOne(src: Data, n: number): EighResult {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++)
      a[i * n + j] = a[j * n + i] = (src[i * n + j] + src[j * n + i]) / 2;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) jacobiRotate(a, v, n, p, q);
  }
  return sortedEigen(a, v, n);
}

/** Zeroes a[p][q] by a rotation applied on both sides, accumulating it into v's columns. */
function jacobiRotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  if (apq === 0) return;
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/** Eigenvalues ascending; each eigenvector's entry of largest magnitude made positive. */
function sortedEigen(a: Float64Array, v: Float64Array, n: number): EighResult {
  const order = Array.from({ length: n }, (_x, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const w = new Float64Array(n);
  const out = new Float64Array(n * n);
  order.forEach((col, k) => {
    w[k] = a[col * n + col];
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + col]) > Math.abs(big)) big = v[i * n + col];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) out[i * n + k] = sign * v[i * n + col];
  });
  return { w, v: out };
}

/** Eigenvalues of a batch of general n×n matrices: real and imaginary parts, [count, n] each. */
export function eigvals(a: Data, count: number, n: number): { re: Data; im: Data } {
  const re: Data = new Float64Array(count * n);
  const im: Data = new Float64Array(count * n);
  for (let t = 0; t < count; t++) {
    const h = Float64Array.from(a.subarray(t * n * n, (t + 1) * n * n));
    hessenberg(h, n);
    const wr = new Float64Array(n);
    const wi = new Float64Array(n);
    francisQr(h, n, wr, wi);
    const order = Array.from({ length: n }, (_x, i) => i).sort(
      (i, j) => wr[j] - wr[i] || wi[i] - wi[j],
    );
    order.forEach((i, k) => {
      re[t * n + k] = wr[i];
      im[t * n + k] = wi[i];
    });
  }
  return { re, im };
}

/** Reduces a (row-major n×n, in place) to upper Hessenberg form by elimination with pivoting. */
function hessenberg(a: Float64Array, n: number): void {
  const at = (i: number, j: number): number => a[i * n + j];
  for (let m = 1; m < n - 1; m++) {
    let x = 0;
    let piv = m;
    for (let j = m; j < n; j++)
      if (Math.abs(at(j, m - 1)) > Math.abs(x)) {
        x = at(j, m - 1);
        piv = j;
      }
    if (piv !== m) {
      for (let j = m - 1; j < n; j++) swap(a, piv * n + j, m * n + j);
      for (let j = 0; j < n; j++) swap(a, j * n + piv, j * n + m);
    }
    if (x === 0) continue;
    for (let i = m + 1; i < n; i++) {
      const y = at(i, m - 1) / x;
      if (y === 0) continue;
      a[i * n + m - 1] = 0;
      for (let j = m; j < n; j++) a[i * n + j] -= y * at(m, j);
      for (let j = 0; j < n; j++) a[j * n + m] += y * at(j, i);
    }
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

const signOf = (x: number, y: number): number => (y >= 0 ? Math.abs(x) : -Math.abs(x));

/**
 * Eigenvalues of an upper Hessenberg matrix (destroyed) by the Francis double-shift QR
 * iteration with deflation and exceptional shifts (after Numerical Recipes' hqr).
 */
function francisQr(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array): void {
  let anorm = 0;
  for (let i = 0; i < n; i++)
    for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(a[i * n + j]);
  let nn = n - 1;
  let t = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 1; l--) {
        let s = Math.abs(a[(l - 1) * n + l - 1]) + Math.abs(a[l * n + l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l * n + l - 1]) + s === s) {
          a[l * n + l - 1] = 0;
          break;
        }
      }
      const x = a[nn * n + nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn--] = 0;
      } else {
        const y = a[(nn - 1) * n + nn - 1];
        const w = a[nn * n + nn - 1] * a[(nn - 1) * n + nn];
        if (l === nn - 1) {
          twoByTwo(x, y, w, t, nn, wr, wi);
          nn -= 2;
        } else {
          if (its === 60) throw new Error("eigvals: the QR iteration did not converge");
          const exceptional = its > 0 && its % 10 === 0;
          if (exceptional) t += exceptionalShift(a, n, nn);
          its++;
          qrSweep(a, n, l, nn, exceptional);
        }
      }
    } while (l < nn - 1);
  }
}

/** The eigenvalues of the trailing 2×2 block [[y, ·], [·, x]] with product w of its off-diagonals. */
function twoByTwo(
  x0: number,
  y: number,
  w: number,
  t: number,
  nn: number,
  wr: Float64Array,
  wi: Float64Array,
): void {
  const p = 0.5 * (y - x0);
  const q = p * p + w;
  let z = Math.sqrt(Math.abs(q));
  const x = x0 + t;
  if (q >= 0) {
    z = p + signOf(z, p);
    wr[nn - 1] = wr[nn] = x + z;
    if (z !== 0) wr[nn] = x - w / z;
    wi[nn - 1] = wi[nn] = 0;
  } else {
    wr[nn - 1] = wr[nn] = x + p;
    wi[nn - 1] = -z;
    wi[nn] = z;
  }
}

/** Subtracts an ad hoc shift from the diagonal (it is added back to the eigenvalues). */
function exceptionalShift(a: Float64Array, n: number, nn: number): number {
  const x = a[nn * n + nn];
  for (let i = 0; i <= nn; i++) a[i * n + i] -= x;
  return x;
}

/** One double-shift QR sweep on the active block l..nn (Householder reflections of size 3). */
function qrSweep(a: Float64Array, n: number, l: number, nn: number, exceptional: boolean): void {
  const { m, p, q, r } = sweepStart(a, n, l, nn, exceptional);
  reflect(a, n, l, nn, m, [p, q, r]);
}

/**
 * Where the sweep starts: the lowest row m ≥ l from which two small subdiagonals make the bulge
 * negligible, and the first column of the double-shift polynomial there, scaled (p, q, r).
 */
function sweepStart(a: Float64Array, n: number, l: number, nn: number, exceptional: boolean) {
  const A = (i: number, j: number): number => a[i * n + j];
  let x = A(nn, nn);
  let y = A(nn - 1, nn - 1);
  let w = A(nn, nn - 1) * A(nn - 1, nn);
  if (exceptional) {
    const s = Math.abs(A(nn, nn - 1)) + Math.abs(A(nn - 1, nn - 2));
    y = x = 0.75 * s;
    w = -0.4375 * s * s;
  }
  let m = nn - 2;
  let p = 0;
  let q = 0;
  let r = 0;
  let z: number;
  for (; m >= l; m--) {
    z = A(m, m);
    r = x - z;
    const s0 = y - z;
    p = (r * s0 - w) / A(m + 1, m) + A(m, m + 1);
    q = A(m + 1, m + 1) - z - r - s0;
    r = A(m + 2, m + 1);
    const s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m === l) break;
    const u = Math.abs(A(m, m - 1)) * (Math.abs(q) + Math.abs(r));
    const v = Math.abs(p) * (Math.abs(A(m - 1, m - 1)) + Math.abs(z) + Math.abs(A(m + 1, m + 1)));
    if (u + v === v) break;
  }
  for (let i = m + 2; i <= nn; i++) {
    a[i * n + i - 2] = 0;
    if (i !== m + 2) a[i * n + i - 3] = 0;
  }
  return { m, p, q, r };
}

/** Chases the bulge from row m down the block l..nn by reflections of size 3. */
function reflect(
  a: Float64Array,
  n: number,
  l: number,
  nn: number,
  m: number,
  start: [number, number, number],
): void {
  const A = (i: number, j: number): number => a[i * n + j];
  let [p, q, r] = start;
  let x = 0;
  let y: number;
  let z: number;
  for (let k = m; k <= nn - 1; k++) {
    if (k !== m) {
      p = A(k, k - 1);
      q = A(k + 1, k - 1);
      r = k !== nn - 1 ? A(k + 2, k - 1) : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x !== 0) {
        p /= x;
        q /= x;
        r /= x;
      }
    }
    const s = signOf(Math.sqrt(p * p + q * q + r * r), p);
    if (s === 0) continue;
    if (k === m) {
      if (l !== m) a[k * n + k - 1] = -A(k, k - 1);
    } else a[k * n + k - 1] = -s * x;
    p += s;
    x = p / s;
    y = q / s;
    z = r / s;
    q /= p;
    r /= p;
    for (let j = k; j <= nn; j++) {
      p = A(k, j) + q * A(k + 1, j);
      if (k !== nn - 1) {
        p += r * A(k + 2, j);
        a[(k + 2) * n + j] -= p * z;
      }
      a[(k + 1) * n + j] -= p * y;
      a[k * n + j] -= p * x;
    }
    const mmin = nn < k + 3 ? nn : k + 3;
    for (let i = l; i <= mmin; i++) {
      p = x * A(i, k) + y * A(i, k + 1);
      if (k !== nn - 1) {
        p += z * A(i, k + 2);
        a[i * n + k + 2] -= p * r;
      }
      a[i * n + k + 1] -= p * q;
      a[i * n + k] -= p;
    }
  }
}
