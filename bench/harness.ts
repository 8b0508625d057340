/**
 * Timing and checking for the benchmark: warm-ups, then the median of repeated samples; each sample
 * repeats a call enough times to last a little while, so microsecond cases are timed fairly.
 */

/** A result: flat numbers, or several flat parts (a gradient with respect to several arrays). */
export type Result = ArrayLike<number> | { parts: ArrayLike<number>[] };

/** A benchmarked computation; its result is checked once against the reference, untimed. */
export type Runner = () => Result | Promise<Result>;

export function flatResult(result: Result): ArrayLike<number> {
  return "parts" in result ? concatFlat(result.parts) : result;
}

export interface Timing {
  /** Median time of one call, in milliseconds. */
  medianMs: number;
  /** Calls per sample. */
  repeat: number;
  samples: number;
}

export interface TimingOptions {
  warmups: number;
  /** Warm-up goes on for at least this long (ms), so the JIT has optimised the code. */
  minWarmupMs: number;
  samples: number;
  /** A sample repeats the call until it lasts at least this long (ms). */
  minSampleMs: number;
}

/** Times `calls` calls; a synchronous runner is not awaited (no microtask per call). */
async function timeCalls(run: Runner, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return performance.now() - start;
}

export async function measure(run: Runner, options: TimingOptions): Promise<Timing> {
  const warmStart = performance.now();
  let calls = 0;
  let lastMs = 0;
  while (calls < options.warmups || performance.now() - warmStart < options.minWarmupMs) {
    lastMs = await timeCalls(run, 1);
    calls += 1;
  }
  const repeat = Math.max(1, Math.ceil(options.minSampleMs / Math.max(lastMs, 1e-4)));
  const times: number[] = [];
  for (let s = 0; s < options.samples; s++) times.push((await timeCalls(run, repeat)) / repeat);
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const medianMs = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs, repeat, samples: times.length };
}

/** max |a − b| / max(1, max |b|): a scale-aware error that suits float32 peers. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= worst)) worst = Number.isNaN(diff) ? Infinity : diff;
  }
  return worst / scale;
}

/** Concatenate flat arrays (a gradient with several parts) into one Float64Array. */
export function concatFlat(parts: ArrayLike<number>[]): Float64Array {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) out[offset + i] = part[i]!;
    offset += part.length;
  }
  return out;
}

/** A time in ms, readable at every scale. */
export function formatMs(ms: number): string {
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "–";
  if (ratio >= 100) return `${ratio.toFixed(0)}×`;
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  return `${ratio.toFixed(2)}×`;
}
