/**
 * The matrix product compiled programs call: B is transposed once so that every output entry is
 * a dot product of two contiguous rows, and entries are computed in 2×4 blocks held in eight
 * local accumulators (six loads per eight multiply-adds, no stores inside the loop). Sums run
 * over k in ascending order like the eval kernel, so results are identical. Batched products use
 * the eval rule.
 */
import { evalRules } from "./eval-rules.js";
import { Primitive } from "./primitive.js";
import { Tensor } from "./tensor.js";

type Data = Float64Array;

function transposed(b: Data, k: number, n: number): Data {
  const bt = new Float64Array(k * n);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
  return bt;
}

/** out[i, j] for one entry: the dot product of row i of A and row j of Bᵀ. */
function dot(a: Data, ar: number, bt: Data, br: number, k: number): number {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[ar + p] * bt[br + p];
  return s;
}

/** The 2×4 block of out at rows i, i + 1 and columns j..j + 3 (fits the registers). */
function block(out: Data, a: Data, bt: Data, i: number, j: number, k: number, n: number): void {
  const r0 = i * k;
  const r1 = r0 + k;
  const c0 = j * k;
  const c1 = c0 + k;
  const c2 = c1 + k;
  const c3 = c2 + k;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let p = 0; p < k; p++) {
    const b0 = bt[c0 + p];
    const b1 = bt[c1 + p];
    const b2 = bt[c2 + p];
    const b3 = bt[c3 + p];
    const a0 = a[r0 + p];
    s00 += a0 * b0;
    s01 += a0 * b1;
    s02 += a0 * b2;
    s03 += a0 * b3;
    const a1 = a[r1 + p];
    s10 += a1 * b0;
    s11 += a1 * b1;
    s12 += a1 * b2;
    s13 += a1 * b3;
  }
  const o = i * n + j;
  out[o] = s00;
  out[o + 1] = s01;
  out[o + 2] = s02;
  out[o + 3] = s03;
  out[o + n] = s10;
  out[o + n + 1] = s11;
  out[o + n + 2] = s12;
  out[o + n + 3] = s13;
}

/** A [m, k] @ B [k, n] (2-D operands; batched ones go to the eval rule). */
export function matmulBlocked(inputs: Tensor[], params: unknown): Tensor {
  const [a, b] = inputs;
  if (a.ndim !== 2 || b.ndim !== 2)
    return evalRules[Primitive.MatMul](inputs, params as Record<string, never>);
  const [m, k] = a.shape;
  const n = b.shape[1];
  const ad = a.data;
  const bt = transposed(b.data, k, n);
  const out = new Float64Array(m * n);
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  for (let i = 0; i < m2; i += 2) for (let j = 0; j < n4; j += 4) block(out, ad, bt, i, j, k, n);
  for (let i = 0; i < m; i++) {
    const jFrom = i < m2 ? n4 : 0;
    for (let j = jFrom; j < n; j++) out[i * n + j] = dot(ad, i * k, bt, j * k, k);
  }
  return new Tensor(out, [m, n]);
}
