/**
 * The benchmark problems: deterministic inputs and hand-written plain-JS reference implementations
 * (the "physical" reference: what a careful person would write by hand on Float64Arrays).
 */
import { rand } from "../src/index.js";

/**
 * A deterministic stream of `count` uniform samples in [0, 1) from the runtime's seeded generator,
 * so every peer sees the same inputs.
 */
export function seededUniform(seed: number, count: number): () => number {
  const values = rand([count], { seed }).data;
  let next = 0;
  return () => {
    if (next >= count) throw new Error(`seededUniform: only ${count} samples were drawn`);
    return values[next++];
  };
}

/** n values spread over [-1.2, 1.2] with a little noise: a typical Rosenbrock test point. */
export function rosenbrockPoint(n: number): Float64Array {
  const next = seededUniform(n, n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = -1.2 + (2.4 * i) / Math.max(1, n - 1) + 0.01 * (next() - 0.5);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Rosenbrock: f(x) = Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])²

export function rosenbrock(x: Float64Array): number {
  let total = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i];
    const t = x[i + 1] - a * a;
    const u = 1 - a;
    total += 100 * t * t + u * u;
  }
  return total;
}

export function rosenbrockGrad(x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i];
    const t = x[i + 1] - a * a;
    g[i] += -400 * t * a - 2 * (1 - a);
    g[i + 1] += 200 * t;
  }
  return g;
}

/** The dense Hessian of the Rosenbrock function (it is tridiagonal). */
export function rosenbrockHessian(x: Float64Array): Float64Array {
  const n = x.length;
  const h = new Float64Array(n * n);
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i];
    h[i * n + i] += 1200 * a * a - 400 * x[i + 1] + 2;
    h[i * n + i + 1] += -400 * a;
    h[(i + 1) * n + i] += -400 * a;
    h[(i + 1) * n + i + 1] += 200;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Rosenbrock residuals: r(x) = [10 (x[1:] − x[:-1]²), 1 − x[:-1]] ∈ ℝ^{2(n−1)}, f = Σ r²

export function residuals(x: Float64Array): Float64Array {
  const n = x.length;
  const r = new Float64Array(2 * (n - 1));
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i];
    r[i] = 10 * (x[i + 1] - a * a);
    r[n - 1 + i] = 1 - a;
  }
  return r;
}

/** The dense (2(n−1)) × n Jacobian of the residuals, row-major. */
export function residualsJacobian(x: Float64Array): Float64Array {
  const n = x.length;
  const J = new Float64Array(2 * (n - 1) * n);
  for (let i = 0; i + 1 < n; i++) {
    J[i * n + i] = -20 * x[i];
    J[i * n + i + 1] = 10;
    J[(n - 1 + i) * n + i] = -1;
  }
  return J;
}

/** The residual Jacobian in compressed sparse rows: row pointers, column indices, values. */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export function residualsJacobianCsr(x: Float64Array): Csr {
  const n = x.length;
  const rows = 2 * (n - 1);
  const nnz = 3 * (n - 1);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i + 1 < n; i++) {
    rowPtr[i] = k;
    colIdx[k] = i;
    values[k++] = -20 * x[i];
    colIdx[k] = i + 1;
    values[k++] = 10;
  }
  for (let i = 0; i + 1 < n; i++) {
    rowPtr[n - 1 + i] = k;
    colIdx[k] = i;
    values[k++] = -1;
  }
  rowPtr[rows] = k;
  return { rows, cols: n, rowPtr, colIdx, values };
}

// ---------------------------------------------------------------------------------------------
// Elementwise: y = sin(x)·x² + e^(−x); its Jacobian is diagonal.

export function elementwise(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = Math.sin(v) * v * v + Math.exp(-v);
  }
  return y;
}

/** The dense n × n Jacobian: diag(cos(x)·x² + 2x·sin(x) − e^(−x)). */
export function elementwiseJacobian(x: Float64Array): Float64Array {
  const n = x.length;
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    J[i * n + i] = Math.cos(v) * v * v + 2 * v * Math.sin(v) - Math.exp(-v);
  }
  return J;
}
