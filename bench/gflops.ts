/**
 * Matrix product throughput for `npm run bench:ops`: float64 matmul 256² in GFLOP/s by the JS
 * kernel and the WebAssembly SIMD kernel, jax-js's float32 matmul (WebAssembly backend, jit),
 * and the machine's measured single-core peak — a tight WebAssembly loop of independent f64x2
 * multiply-adds (12 chains, no memory traffic), the most one core does in wasm without FMA.
 */
import { defaultDevice, init, jit, numpy as np, type Array as JaxArray } from "@jax-js/jax";
import * as ct from "../src/index.js";
import { setWasmMatmul } from "../src/primitives/kernels-matmul.js";
import { Code, F64, I32, V128, instantiate, moduleBytes } from "../src/primitives/wasm-emit.js";
import { formatMs } from "./harness.js";

const N = 256;
const FLOPS = 2 * N * N * N;
/** Independent accumulator chains of the peak loop: enough to cover the add and multiply latency. */
const CHAINS = 12;

/** The fastest of `samples` timings of `f` (ms per call), each at least `minMs` long. */
function fastestMs(f: () => unknown, samples = 9, minMs = 30): number {
  for (let i = 0; i < 3; i++) f();
  const t0 = performance.now();
  f();
  const calls = Math.max(1, Math.ceil(minMs / Math.max(performance.now() - t0, 1e-3)));
  let best = Infinity;
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) f();
    best = Math.min(best, (performance.now() - start) / calls);
  }
  return best;
}

/** peak(iterations, c, d): 12 f64x2 chains acc = acc·c + d, `iterations` times (48 flops each). */
function peakKernel(): (iterations: number, c: number, d: number) => void {
  const [ITER, C, D, CV, DV] = [0, 1, 2, 3, 4];
  const acc = (k: number): number => 5 + k;
  const code = new Code();
  code.get(C).f64x2Splat().set(CV).get(D).f64x2Splat().set(DV);
  for (let k = 0; k < CHAINS; k++) code.get(D).f64x2Splat().set(acc(k));
  code.block((b) =>
    b.loop((l) => {
      l.get(ITER).i32Eqz().brIf(1);
      for (let k = 0; k < CHAINS; k++)
        l.get(acc(k)).get(CV).f64x2Mul().get(DV).f64x2Add().set(acc(k));
      l.get(ITER).i32(1).i32Sub().set(ITER).br(0);
    }),
  );
  // keep the chains live: store their sum at address 0
  code.i32(0);
  code.get(acc(0));
  for (let k = 1; k < CHAINS; k++) code.get(acc(k)).f64x2Add();
  code.v128Store();
  const bytes = moduleBytes(
    [
      {
        name: "peak",
        params: [I32, F64, F64],
        locals: Array<number>(CHAINS + 2).fill(V128),
        body: code,
      },
    ],
    1,
  );
  const exports = instantiate(bytes);
  if (exports === null) throw new Error("this engine has no WebAssembly SIMD");
  return exports.peak as (iterations: number, c: number, d: number) => void;
}

function gflops(ms: number, flops = FLOPS): string {
  return `${(flops / ms / 1e6).toFixed(2)}`;
}

/** The GFLOP/s table (markdown) of the matmul 256² kernels and the peak loop. */
export async function gflopsTable(): Promise<string> {
  const a = ct.randn([N, N], { seed: 1 });
  const b = ct.randn([N, N], { seed: 2 });
  const previous = setWasmMatmul(false);
  const jsMs = fastestMs(() => ct.matmul(a, b));
  setWasmMatmul(true);
  const wasmMs = fastestMs(() => ct.matmul(a, b));
  setWasmMatmul(previous);
  await init("wasm", "cpu");
  defaultDevice("wasm");
  const ja = np.array(Float32Array.from(a.data)).reshape([N, N]);
  const jb = np.array(Float32Array.from(b.data)).reshape([N, N]);
  const jm = jit((x: JaxArray, y: JaxArray) => np.matmul(x, y));
  const jaxMs = fastestMs(() =>
    (jm(ja.ref, jb.ref) as unknown as { dataSync(): unknown }).dataSync(),
  );
  const peak = peakKernel();
  const iterations = 1_000_000;
  const peakMs = fastestMs(() => peak(iterations, 0.999999, 1e-6));
  const rows = [
    ["cotangent matmul, JS kernel (float64)", jsMs, FLOPS],
    ["cotangent matmul, WebAssembly SIMD f64x2 (float64)", wasmMs, FLOPS],
    ["jax-js matmul, jit, WebAssembly backend (float32)", jaxMs, FLOPS],
    [
      "single-core peak: 12 chains of f64x2 mul + add in wasm (float64)",
      peakMs,
      4 * CHAINS * iterations,
    ],
  ] as const;
  const lines = ["| kernel (256 × 256 · 256 × 256) | time | GFLOP/s |", "| --- | ---: | ---: |"];
  for (const [name, ms, flops] of rows) {
    const time = flops === FLOPS ? formatMs(ms) : "–";
    lines.push(`| ${name} | ${time} | ${gflops(ms, flops)} |`);
  }
  return lines.join("\n");
}
