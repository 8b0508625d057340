/**
 * The WebAssembly SIMD matmul against the JS kernel (the oracle): both sum over k in ascending
 * order from +0 with separate multiply and add, so every entry must be bit-identical — random
 * shapes, odd sizes around the strip and panel edges, NaN/Inf propagation, -0, transposed and
 * batched inputs, through the kernel, the public op and jit.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as ct from "cotangent";
import { matmul, setWasmMatmul } from "../../src/primitives/kernels-matmul.js";
import { wasmAvailable, wasmMatmul } from "../../src/primitives/wasm-matmul.js";
import { instantiate, moduleBytes, sleb, uleb } from "../../src/primitives/wasm-emit.js";

/** A seeded generator (mulberry32) of values in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

function randomData(n: number, next: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = next();
  return a;
}

/** Both kernels on the same inputs; `[js, wasm]`. */
function both(
  a: Float64Array,
  aShape: number[],
  b: Float64Array,
  bShape: number[],
  batch: number[] = [],
): [Float64Array, Float64Array] {
  setWasmMatmul(false);
  const js = matmul(a, aShape, b, bShape, batch);
  setWasmMatmul(true);
  const wasm = matmul(a, aShape, b, bShape, batch);
  return [js, wasm];
}

/** Indices where the two arrays differ bit for bit (Object.is: NaN equals NaN, -0 ≠ +0). */
function mismatches(x: Float64Array, y: Float64Array): number[] {
  expect(y.length).toBe(x.length);
  const bad: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) bad.push(i);
  return bad;
}

afterEach(() => {
  setWasmMatmul(true);
});

describe("WebAssembly SIMD matmul", () => {
  it("compiles on this engine (Node 20 has WebAssembly SIMD)", () => {
    expect(wasmAvailable()).toBe(true);
  });

  it("matches the JS kernel bit for bit on odd sizes around the strip and panel edges", () => {
    const next = rng(17);
    const sizes = [1, 2, 3, 5, 6, 7, 13, 17, 33, 129, 257];
    for (const m of sizes)
      for (const k of [1, 3, 17, 128, 129, 300])
        for (const n of [1, 3, 4, 17, 33, 257]) {
          if (m * k * n > 3e6) continue;
          const a = randomData(m * k, next);
          const b = randomData(k * n, next);
          const out = new Float64Array(m * n + 3);
          expect(wasmMatmul(out, 3, a, 0, b, 0, m, k, n)).toBe(true);
          const [js] = both(a, [m, k], b, [k, n]);
          expect(mismatches(js, out.subarray(3)), `${m}×${k}·${k}×${n}`).toEqual([]);
        }
  });

  it("matches on random shapes, batched with broadcasting, through the dispatch", () => {
    const next = rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const [m, k, n] = [1, 2, 3].map(() => 1 + Math.floor((next() + 1) * 40));
      const a = randomData(3 * m * k, next);
      const b = randomData(k * n, next);
      const [js, wasm] = both(a, [3, m, k], b, [k, n], [3]);
      expect(mismatches(js, wasm), `${m}×${k}·${k}×${n}`).toEqual([]);
    }
  });

  it("propagates NaN and ±Inf as IEEE arithmetic does (0·∞ = NaN, no zero skipped)", () => {
    const [m, k, n] = [19, 23, 21];
    const a = randomData(m * k, rng(5));
    const b = randomData(k * n, rng(6));
    a[0] = NaN; // row 0 of the result is NaN
    a[5 * k + 2] = Infinity; // row 5: ±Inf, or NaN where B[2, j] = 0
    b[2 * n + 4] = 0;
    b[7 * n + 20] = -Infinity; // column 20: ±Inf in every row (NaN where A[i, 7] = 0)
    a[9 * k + 7] = 0;
    const [js, wasm] = both(a, [m, k], b, [k, n]);
    expect(mismatches(js, wasm)).toEqual([]);
    expect(wasm[0]).toBeNaN();
    expect(wasm[5 * n + 4]).toBeNaN(); // ∞ · 0
    expect(Math.abs(wasm[5 * n + 3])).toBe(Infinity);
    expect(wasm[9 * n + 20]).toBeNaN(); // 0 · -∞
    expect(Math.abs(wasm[10 * n + 20])).toBe(Infinity);
  });

  it("gives +0 for sums of -0 products, like the JS kernel and numpy", () => {
    const [m, k, n] = [17, 16, 18];
    const a = randomData(m * k, rng(8));
    const b = randomData(k * n, rng(9));
    for (let p = 0; p < k; p++) a[4 * k + p] = -0; // row 4 of A is -0
    const out = new Float64Array(m * n);
    wasmMatmul(out, 0, a, 0, b, 0, m, k, n);
    for (let j = 0; j < n; j++) expect(Object.is(out[4 * n + j], 0)).toBe(true);
    expect(mismatches(both(a, [m, k], b, [k, n])[0], out)).toEqual([]);
  });

  it("agrees on transposed inputs, eagerly and under jit", () => {
    const x = ct.randn([37, 45], { seed: 1 });
    const y = ct.randn([37, 29], { seed: 2 });
    const f = (p: ct.Tensor, q: ct.Tensor): ct.Tensor => ct.matmul(ct.transpose(p), q);
    setWasmMatmul(false);
    const js = f(x, y).data.slice();
    const jsT = ct.matmul(y.T, x).data.slice();
    setWasmMatmul(true);
    expect(mismatches(js, f(x, y).data)).toEqual([]);
    expect(mismatches(js, ct.jit(f)(x, y).data)).toEqual([]);
    expect(mismatches(jsT, ct.matmul(y.T, x).data)).toEqual([]);
  });

  it("gives the gradient of a matmul-bound loss the JS kernel gives", () => {
    const w = ct.randn([40, 30], { seed: 3 });
    const xs = ct.randn([50, 40], { seed: 4 });
    const loss = (p: ct.Tensor): ct.Tensor => ct.sum(ct.tanh(ct.matmul(xs, p)));
    setWasmMatmul(false);
    const js = ct.grad(loss)(w).data.slice();
    setWasmMatmul(true);
    expect(mismatches(js, ct.grad(loss)(w).data)).toEqual([]);
    expect(mismatches(js, ct.jit(ct.grad(loss))(w).data)).toEqual([]);
  });

  it("falls back (instantiate gives null) without WebAssembly or with a module the engine rejects", () => {
    const bytes = moduleBytes([], 1);
    expect(instantiate(bytes)).not.toBeNull();
    const broken = bytes.slice();
    broken[4] = 2; // an unknown binary version, as an engine without SIMD rejects SIMD opcodes
    expect(instantiate(broken)).toBeNull();
    const host = globalThis as { WebAssembly?: unknown };
    const saved = host.WebAssembly;
    try {
      host.WebAssembly = undefined;
      expect(instantiate(bytes)).toBeNull();
    } finally {
      host.WebAssembly = saved;
    }
  });

  it("writes LEB128 as the binary format defines it", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 1]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([63]);
    expect(sleb(64)).toEqual([0xc0, 0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});
