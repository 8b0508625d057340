/**
 * Float64 matrix products in WebAssembly with 128-bit SIMD (f64x2), generated at load time by
 * wasm-emit.ts. The product is blocked for cache (panels of KC rows of B by NC columns) and each
 * panel is swept by a strip kernel: ROWS rows of A against 4 columns of B held in 2·ROWS f64x2
 * accumulators, then a 2-column and a 1-column edge. Each entry is the sum over k in ascending
 * order, started from +0, with separate multiply and add (no fused multiply-add), so results are
 * bit-identical to the JS kernel in kernels.ts, which stays the fallback and the test oracle.
 * Without WebAssembly or SIMD (an old engine) `wasmMatmul` returns false and the JS kernel runs.
 */
import { Code, F64, I32, V128, instantiate, moduleBytes } from "./wasm-emit.js";
import type { WasmFunction } from "./wasm-emit.js";

/** Rows per strip: 2·ROWS accumulators + 2 loads + 1 splat = 15 of the 16 SIMD registers of x64. */
const ROWS = 6;
/** Rows of B (the k extent) per panel, and its columns: a panel of 128×256 float64 is 256 KiB. */
const KC = 128;
const NC = 256;

/** Parameters of a strip function, in this order (byte addresses and byte strides). */
const [A, B, C, KCOUNT, NCB, LDB, LDA] = [0, 1, 2, 3, 4, 5, 6];

/**
 * strip_R(a, b, c, kc, ncb, ldb, lda): for R rows r and every column j < ncb/8,
 * C[r, j] += Σ_{p < kc} A[r, p]·B[p, j], A rows `lda` bytes apart, B and C rows `ldb` apart.
 */
function stripFunction(rows: number): WasmFunction {
  const j = 7;
  const p = 8;
  const bp = 9;
  const ar = (r: number): number => 10 + r;
  const acc = (r: number, v: number): number => 10 + rows + 2 * r + v; // v128
  const bv = (v: number): number => 10 + 3 * rows + v; // v128
  const splat = 10 + 3 * rows + 2; // v128
  const sacc = (r: number): number => 10 + 3 * rows + 3 + r; // f64
  const bs = 10 + 4 * rows + 3; // f64
  const code = new Code();
  code.i32(0).set(j);
  for (const width of [4, 2, 1]) {
    const vectors = width / 2;
    code.block((c) =>
      c.loop((l) => {
        l.get(j)
          .i32(width * 8)
          .i32Add()
          .get(NCB)
          .i32GtS()
          .brIf(1);
        l.get(A).set(ar(0));
        for (let r = 1; r < rows; r++)
          l.get(ar(r - 1))
            .get(LDA)
            .i32Add()
            .set(ar(r));
        l.get(C).get(j).i32Add().set(bp);
        for (let r = 0; r < rows; r++) {
          if (width === 1) l.get(bp).f64Load().set(sacc(r));
          else
            for (let v = 0; v < vectors; v++)
              l.get(bp)
                .v128Load(16 * v)
                .set(acc(r, v));
          l.bumpBy(bp, LDB);
        }
        l.get(B).get(j).i32Add().set(bp);
        l.get(KCOUNT).set(p);
        l.block((pb) =>
          pb.loop((pl) => {
            pl.get(p).i32Eqz().brIf(1);
            if (width === 1) pl.get(bp).f64Load().set(bs);
            else
              for (let v = 0; v < vectors; v++)
                pl.get(bp)
                  .v128Load(16 * v)
                  .set(bv(v));
            for (let r = 0; r < rows; r++) {
              if (width === 1) {
                pl.get(sacc(r)).get(ar(r)).f64Load().get(bs).f64Mul().f64Add().set(sacc(r));
              } else {
                pl.get(ar(r)).f64Load().f64x2Splat().set(splat);
                for (let v = 0; v < vectors; v++)
                  pl.get(acc(r, v)).get(splat).get(bv(v)).f64x2Mul().f64x2Add().set(acc(r, v));
              }
              pl.bump(ar(r), 8);
            }
            pl.bumpBy(bp, LDB).get(p).i32(1).i32Sub().set(p).br(0);
          }),
        );
        l.get(C).get(j).i32Add().set(bp);
        for (let r = 0; r < rows; r++) {
          if (width === 1) l.get(bp).get(sacc(r)).f64Store();
          else
            for (let v = 0; v < vectors; v++)
              l.get(bp)
                .get(acc(r, v))
                .v128Store(16 * v);
          l.bumpBy(bp, LDB);
        }
        l.bump(j, width * 8).br(0);
      }),
    );
  }
  return {
    name: `strip${rows}`,
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      ...Array<number>(3 + rows).fill(I32),
      ...Array<number>(2 * rows + 3).fill(V128),
      ...Array<number>(rows + 1).fill(F64),
    ],
    body: code,
  };
}

type Strip = (
  a: number,
  b: number,
  c: number,
  kc: number,
  ncb: number,
  ldb: number,
  lda: number,
) => void;

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Instance {
  memory: WasmMemory;
  heap: Float64Array;
  strip: Strip;
  strip1: Strip;
}

let instance: Instance | null | undefined;

/** The compiled kernel, or null when this engine has no WebAssembly SIMD. */
function load(): Instance | null {
  if (instance !== undefined) return instance;
  const ex = instantiate(moduleBytes([stripFunction(ROWS), stripFunction(1)], 16));
  if (ex === null) return (instance = null); // no SIMD (or no WebAssembly): the JS kernels run
  const memory = ex.memory as WasmMemory;
  instance = {
    memory,
    heap: new Float64Array(memory.buffer),
    strip: ex[`strip${ROWS}`] as Strip,
    strip1: ex.strip1 as Strip,
  };
  return instance;
}

/** Whether the WebAssembly SIMD kernel is available on this engine. */
export function wasmAvailable(): boolean {
  return load() !== null;
}

/** A heap of at least `entries` float64 values (grown by whole pages; views refreshed). */
function heapFor(w: Instance, entries: number): Float64Array | null {
  const bytes = entries * 8;
  if (bytes > 2 ** 31) return null; // beyond i32 addressing: the JS kernel runs
  const have = w.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      w.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null; // the engine refused the memory: the JS kernel runs
    }
    w.heap = new Float64Array(w.memory.buffer);
  }
  if (w.heap.buffer !== w.memory.buffer) w.heap = new Float64Array(w.memory.buffer);
  return w.heap;
}

/**
 * out[oo..oo + m·n] = A · B for A (m×k, row-major at `ao` of `a`) and B (k×n at `bo` of `b`).
 * Returns false (nothing written) when the WebAssembly kernel is unavailable.
 */
export function wasmMatmul(
  out: Float64Array,
  oo: number,
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  m: number,
  k: number,
  n: number,
): boolean {
  const w = load();
  if (w === null) return false;
  const [aAt, bAt, cAt] = [0, m * k, m * k + k * n];
  const heap = heapFor(w, cAt + m * n);
  if (heap === null) return false;
  heap.set(a.subarray(ao, ao + m * k), aAt);
  heap.set(b.subarray(bo, bo + k * n), bAt);
  heap.fill(0, cAt, cAt + m * n);
  const m4 = m - (m % ROWS);
  for (let jc = 0; jc < n; jc += NC) {
    const ncb = Math.min(NC, n - jc) * 8;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const bPanel = (bAt + pc * n + jc) * 8;
      for (let i = 0; i < m; i += i < m4 ? ROWS : 1) {
        const strip = i < m4 ? w.strip : w.strip1;
        strip((aAt + i * k + pc) * 8, bPanel, (cAt + i * n + jc) * 8, kc, ncb, n * 8, k * 8);
      }
    }
  }
  out.set(heap.subarray(cAt, cAt + m * n), oo);
  return true;
}
