/**
 * Singular values for the Jacobian summary, fast enough to show with every Jacobian up to
 * 500×500 (a fraction of a second): Householder bidiagonalisation A = U B Vᵀ, then the
 * eigenvalues of the Golub–Kahan matrix [[0, Bᵀ], [B, 0]] — a 2n×2n symmetric tridiagonal with a
 * zero diagonal whose eigenvalues are ±σᵢ — by implicit QL with Wilkinson shifts. No AᵀA is
 * formed, so small singular values keep their accuracy (absolute error ≈ ε·σ₁).
 */

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
export function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
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

/** Singular values (decreasing) of a dense row-major rows × cols matrix; `data` is not changed. */
export function singularValues(data: Float64Array, rows: number, cols: number): number[] {
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
