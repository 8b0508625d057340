/**
 * Matrix products: the batched matmul dispatch (WebAssembly SIMD when available, wasm-matmul.ts)
 * and the JS kernel, which is the fallback and the test oracle.
 */
import { sizeOf } from "../tensor/shape.js";
import { alloc, broadcastTo, type Data } from "./kernels.js";
import { wasmMatmul } from "./wasm-matmul.js";

/**
 * Batched matmul: a [...A, m, k] @ b [...B, k, n], batch axes broadcast into `batch`. Each B is
 * transposed once so that every output entry is a dot product of two contiguous rows; entries are
 * computed in 2×4 blocks held in eight local accumulators (six loads per eight multiply-adds).
 * Sums run over k in ascending order. No zero is skipped, so 0 · ∞ gives NaN as IEEE arithmetic
 * (and numpy) does.
 */
export function matmul(
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  batch: readonly number[],
): Data {
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const n = bShape[bShape.length - 1];
  const count = sizeOf(batch);
  const out: Data = alloc(count * m * n);
  const aOffsets = batchOffsets(aShape.slice(0, -2), batch, m * k);
  const bOffsets = batchOffsets(bShape.slice(0, -2), batch, k * n);
  if (useWasm && m * k * n >= WASM_MIN_WORK) {
    let t = 0;
    while (t < count && wasmMatmul(out, t * m * n, a, aOffsets[t], b, bOffsets[t], m, k, n)) t++;
    if (t === count) return out;
  }
  return matmulJs(out, a, aOffsets, b, bOffsets, m, k, n);
}

/** Products of at least this many multiply-adds go to WebAssembly (below, the copies dominate). */
const WASM_MIN_WORK = 4096;
let useWasm = true;

/**
 * Turns the WebAssembly SIMD matmul on or off (on by default where the engine has SIMD); returns
 * the previous setting. Both give bit-identical results; the switch exists for tests and benchmarks.
 */
export function setWasmMatmul(enabled: boolean): boolean {
  const previous = useWasm;
  useWasm = enabled;
  return previous;
}

/** The JS kernel (fallback and test oracle): every matrix of the batch into `out`. */
function matmulJs(
  out: Data,
  a: Data,
  aOffsets: Int32Array,
  b: Data,
  bOffsets: Int32Array,
  m: number,
  k: number,
  n: number,
): Data {
  const count = aOffsets.length;
  const bt: Data = new Float64Array(k * n);
  let transposedAt = -1;
  for (let t = 0; t < count; t++) {
    if (bOffsets[t] !== transposedAt) {
      transposedAt = bOffsets[t];
      transposeInto(bt, b, transposedAt, k, n);
    }
    matmulOne(out, t * m * n, a, aOffsets[t], bt, m, k, n);
  }
  return out;
}

/** bt[j, p] = b[offset + p·n + j]: the k×n matrix at `offset`, transposed. */
function transposeInto(bt: Data, b: Data, offset: number, k: number, n: number): void {
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[offset + p * n + j];
}

/** out[oo..] = A (m×k at ao) · B, given Bᵀ (n×k): 2×4 blocks, then the edge rows and columns. */
function matmulOne(
  out: Data,
  oo: number,
  a: Data,
  ao: number,
  bt: Data,
  m: number,
  k: number,
  n: number,
): void {
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  for (let i = 0; i < m2; i += 2)
    for (let j = 0; j < n4; j += 4)
      matmulBlock(out, oo + i * n + j, a, ao + i * k, bt, j * k, k, n);
  for (let i = 0; i < m; i++) {
    for (let j = i < m2 ? n4 : 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[ao + i * k + p] * bt[j * k + p];
      out[oo + i * n + j] = sum;
    }
  }
}

/**
 * The 2×4 block of the output at offset `o` (rows i, i + 1; columns j..j + 3): rows of A at `ar`
 * and `ar + k`, rows of Bᵀ at `bc`, `bc + k`, `bc + 2k`, `bc + 3k`. The accumulators fit registers.
 */
function matmulBlock(
  out: Data,
  o: number,
  a: Data,
  ar: number,
  bt: Data,
  bc: number,
  k: number,
  n: number,
): void {
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let p = 0; p < k; p++) {
    const b0 = bt[bc + p];
    const b1 = bt[bc + k + p];
    const b2 = bt[bc + 2 * k + p];
    const b3 = bt[bc + 3 * k + p];
    const a0 = a[ar + p];
    s00 += a0 * b0;
    s01 += a0 * b1;
    s02 += a0 * b2;
    s03 += a0 * b3;
    const a1 = a[ar + k + p];
    s10 += a1 * b0;
    s11 += a1 * b1;
    s12 += a1 * b2;
    s13 += a1 * b3;
  }
  out[o] = s00;
  out[o + 1] = s01;
  out[o + 2] = s02;
  out[o + 3] = s03;
  out[o + n] = s10;
  out[o + n + 1] = s11;
  out[o + n + 2] = s12;
  out[o + n + 3] = s13;
}

/** For each index of `batch`, the offset of the matching matrix of an array with `shape` batch axes. */
function batchOffsets(
  shape: readonly number[],
  batch: readonly number[],
  matrixSize: number,
): Int32Array {
  const count = sizeOf(batch);
  const offsets = new Int32Array(count);
  if (count === 0) return offsets;
  const idx: Data = new Float64Array(count);
  const matrices = new Float64Array(sizeOf(shape));
  for (let i = 0; i < matrices.length; i++) matrices[i] = i;
  const spread = shape.length === 0 ? idx.fill(0) : broadcastTo(matrices, shape, batch);
  for (let t = 0; t < count; t++) offsets[t] = spread[t] * matrixSize;
  return offsets;
}
