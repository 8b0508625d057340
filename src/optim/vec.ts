/** Dense vector helpers on Float64Arrays for the solvers' loops (which stay in JavaScript). */

export type Vec = Float64Array;

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖a‖ in the 2-norm or, with Infinity, the max-norm. */
export function norm(a: Vec, ord: number = 2): number {
  if (ord === Infinity) {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
    return m;
  }
  return Math.sqrt(dot(a, a));
}

/** x + α p, a fresh vector. */
export function axpy(alpha: number, p: Vec, x: Vec): Vec {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + alpha * p[i];
  return out;
}

/** a − b, a fresh vector. */
export function subVec(a: Vec, b: Vec): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** α a, a fresh vector. */
export function scaled(alpha: number, a: Vec): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i];
  return out;
}

/** The lower Cholesky factor of a symmetric n×n matrix plus τI, or null if it is not positive definite. */
export function cholesky(a: Vec, n: number, tau = 0): Vec | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] + tau;
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b for the Cholesky factor L. */
export function choleskySolve(l: Vec, b: Vec): Vec {
  const n = b.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export const allFinite = (a: Vec): boolean => a.every((v) => Number.isFinite(v));
