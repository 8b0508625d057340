/**
 * Elementwise kernels written out, one loop per op. A loop shared by every op that calls its
 * scalar function per entry runs 2–7× slower than a plain loop (once it has seen several
 * functions V8 stops inlining the call); a loop of its own per op is a plain loop. The binary
 * loops cover same-shape and scalar operands (strides 1 or 0); other broadcasts go through
 * `binary` in kernels.ts.
 */
import { alloc, type Data } from "./kernels.js";
import { max, min, pow, relu, sigmoid, sign, softplus } from "./scalar.js";

export type UnaryKernel = (x: Data) => Data;

/** o[i] = a[i·as] ∘ b[i·bs] for i < o.length (strides 0 or 1). */
export type BinaryLoop = (a: Data, as: number, b: Data, bs: number, o: Data) => void;

export const unaryKernels = {
  exp: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.exp(x[i]);
    return o;
  },
  log: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.log(x[i]);
    return o;
  },
  log1p: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.log1p(x[i]);
    return o;
  },
  expm1: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.expm1(x[i]);
    return o;
  },
  sin: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.sin(x[i]);
    return o;
  },
  cos: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.cos(x[i]);
    return o;
  },
  tan: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.tan(x[i]);
    return o;
  },
  tanh: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.tanh(x[i]);
    return o;
  },
  sigmoid: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = sigmoid(x[i]);
    return o;
  },
  softplus: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = softplus(x[i]);
    return o;
  },
  relu: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = relu(x[i]);
    return o;
  },
  sqrt: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(x[i]);
    return o;
  },
  abs: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = Math.abs(x[i]);
    return o;
  },
  sign: (x: Data): Data => {
    const o = alloc(x.length);
    for (let i = 0; i < o.length; i++) o[i] = sign(x[i]);
    return o;
  },
};

export const binaryLoops = {
  pow: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = pow(a[i * as], b[i * bs]);
  }) as BinaryLoop,
  maximum: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = max(a[i * as], b[i * bs]);
  }) as BinaryLoop,
  minimum: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = min(a[i * as], b[i * bs]);
  }) as BinaryLoop,
  gt: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] > b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
  ge: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] >= b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
  lt: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] < b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
  le: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] <= b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
  eq: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] === b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
  ne: ((a, as, b, bs, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i * as] !== b[i * bs] ? 1 : 0;
  }) as BinaryLoop,
};

/**
 * The loop of `op` when a and b have the output's length or one entry (else null: a general
 * broadcast, for the strided kernel).
 */
export function binaryFast(loop: BinaryLoop, a: Data, b: Data, n: number): Data | null {
  const as = a.length === n ? 1 : a.length === 1 ? 0 : -1;
  const bs = b.length === n ? 1 : b.length === 1 ? 0 : -1;
  if (as < 0 || bs < 0) return null;
  const o = alloc(n);
  loop(a, as, b, bs, o);
  return o;
}
