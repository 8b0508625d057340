/** Constructors: tensor, zeros, ones, full, eye, arange, linspace, randn, and `asTensor`. */
import type { NestedArray, TensorLike } from "./tensor.js";
import { Tensor } from "./tensor.js";
import { checkShapeSize } from "./memory.js";
import { checkSize, fmtShape, sizeOf } from "./shape.js";

function inferShape(value: NestedArray, where: string): number[] {
  if (typeof value === "number") return [];
  if (!Array.isArray(value)) throw new Error(`tensor: expected a number or an array at ${where}`);
  const items = value as readonly NestedArray[];
  if (items.length === 0) return [0];
  return [items.length, ...inferShape(items[0], `${where}[0]`)];
}

/** `where` of an entry from its index path: values[0][3]. */
function pathText(path: readonly number[]): string {
  return `values${path.map((k) => `[${k}]`).join("")}`;
}

/** Copies nested `value` (of `shape` from `axis` on) into `out` from `at`; returns the next index. */
function fill(
  value: NestedArray,
  shape: readonly number[],
  axis: number,
  out: Float64Array,
  at: number,
  path: number[],
): number {
  if (!Array.isArray(value) || value.length !== shape[axis]) {
    const expected = `expected length ${shape[axis]}`;
    throw new Error(`tensor: ragged nested array at ${pathText(path)} (${expected})`);
  }
  const items = value as readonly NestedArray[];
  const n = items.length;
  if (axis === shape.length - 1) {
    for (let k = 0; k < n; k++) {
      const v = items[k];
      if (typeof v !== "number")
        throw new Error(`tensor: ragged nested array at ${pathText([...path, k])}`);
      out[at + k] = v;
    }
    return at + n;
  }
  for (let k = 0; k < n; k++) {
    path.push(k);
    at = fill(items[k], shape, axis + 1, out, at, path);
    path.pop();
  }
  return at;
}

function checkShape(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)}`);
  }
  // The limit a user can set first (it says how much memory was asked), then what V8 can hold.
  checkShapeSize(op, shape);
  checkSize(op, shape, "the size asked");
}

/** A count of entries (eye's sides, linspace's num): a non-negative integer that fits. */
function checkCount(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${op}: ${name} must be a non-negative integer, got ${n}`);
  }
}

/** Zeroed storage for `shape` (checked); a failed allocation says which op and shape. */
function allocate(op: string, shape: readonly number[]): Float64Array {
  checkShape(op, shape);
  try {
    return new Float64Array(sizeOf(shape));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${op}: cannot allocate shape ${fmtShape(shape)} (${reason})`, {
      cause: error,
    });
  }
}

/**
 * A tensor from a number, nested arrays or a Float64Array (copied), optionally reshaped to
 * `shape`. A Tensor argument is returned as is (or reshaped).
 */
export function tensor(values: TensorLike, shape?: readonly number[]): Tensor {
  let t: Tensor;
  if (values instanceof Tensor) t = values;
  else if (values instanceof Float64Array) t = new Tensor(values.slice(), [values.length]);
  else if (typeof values === "number") t = new Tensor(Float64Array.of(values), []);
  else {
    const inferred = inferShape(values, "values");
    const data: Float64Array = new Float64Array(sizeOf(inferred));
    if (inferred.length > 0 && inferred[0] > 0) fill(values, inferred, 0, data, 0, []);
    t = new Tensor(data, inferred);
  }
  if (shape === undefined) return t;
  checkShape("tensor", shape);
  if (sizeOf(shape) !== t.size) {
    throw new Error(`tensor: cannot reshape ${t.size} values into shape ${fmtShape(shape)}`);
  }
  return t.reshape(shape);
}

/** Any TensorLike as a Tensor (no copy for a Tensor). */
export function asTensor(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return new Tensor(Float64Array.of(x), []);
  return tensor(x);
}

function filled(op: string, shape: readonly number[], value: number): Tensor {
  const data = allocate(op, shape);
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape);
}

export function full(shape: readonly number[], value: number): Tensor {
  return filled("full", shape, value);
}

export function zeros(shape: readonly number[]): Tensor {
  return filled("zeros", shape, 0);
}

export function ones(shape: readonly number[]): Tensor {
  return filled("ones", shape, 1);
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n): Tensor {
  checkCount("eye", "n", n);
  checkCount("eye", "m", m);
  const data = allocate("eye", [n, m]);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, [n, m]);
}

/** arange(stop), arange(start, stop, step = 1): start, start+step, … below stop. */
export function arange(start: number, stop?: number, step = 1): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || Number.isNaN(step))
    throw new Error(`arange: step must be a number ≠ 0, got ${step}`);
  const count = Math.ceil((hi - lo) / step);
  if (Number.isNaN(count) || count === Infinity) {
    throw new Error(`arange: no finite range from ${lo} to ${hi} by ${step}`);
  }
  const n = Math.max(0, count);
  const data = allocate("arange", [n]);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num = 50): Tensor {
  checkCount("linspace", "num", num);
  const data = allocate("linspace", [num]);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return new Tensor(data, [num]);
}

/** A seeded 32-bit generator (mulberry32): same seed, same stream. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let autoSeed = 0x2545f491;

export interface RandomOptions {
  /** Same seed, same values. Without it each call draws new values. */
  seed?: number;
}

/** Standard normal samples (Box–Muller on a seeded generator). */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const data = allocate("randn", shape);
  const next = generator(options.seed ?? (autoSeed = (autoSeed * 1103515245 + 12345) >>> 0));
  const n = data.length;
  for (let i = 0; i < n; i += 2) {
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    data[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) data[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return new Tensor(data, shape);
}

/** Uniform samples in [low, high). */
export function rand(
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  const data = allocate("rand", shape);
  const next = generator(options.seed ?? (autoSeed = (autoSeed * 1103515245 + 12345) >>> 0));
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * next();
  return new Tensor(data, shape);
}
