/**
 * `Tensor`: an immutable float64 n-d array (row-major `Float64Array` + shape), and its
 * constructors. The op methods forward to the functions of `ops.ts` (bound at load time, so
 * this module has no runtime import cycle); tracers of the transformations are Tensors too.
 */
import type * as OpsModule from "../ops.js";
import type { CompareOp } from "../primitives/primitive.js";
import { formatTensor } from "./format.js";
import { fmtShape, sizeOf } from "./shape.js";

/** Nested arrays of numbers, as accepted wherever a tensor is. */
export type NestedArray = number | readonly NestedArray[];

/** Anything an op accepts as a tensor: a Tensor, a number, nested number arrays, a Float64Array. */
export type TensorLike = Tensor | number | readonly NestedArray[] | Float64Array;

/** An axis argument: one axis, several, or (undefined) all. Negative axes count from the end. */
export type Axis = number | readonly number[];

/** One axis of an indexing expression: an index (drops the axis), a slice, or null for all. */
export type SliceSpec =
  number | null | string | readonly [start: number | null, stop?: number | null, step?: number];

let ops: typeof OpsModule | undefined;

/** Called once by ops.ts: binds the Tensor methods to the op functions. */
export function bindTensorOps(module: typeof OpsModule): void {
  ops = module;
}

function op(): typeof OpsModule {
  if (ops === undefined)
    throw new Error("cotangent: ops are not loaded (import from the package root)");
  return ops;
}

const EMPTY: Float64Array = new Float64Array(0);

export class Tensor {
  readonly shape: number[];
  readonly size: number;
  /** The row-major values (read `data`; a public field keeps Tensor structural across builds). */
  readonly _data: Float64Array;

  /** Wraps `data` (not copied) with `shape`; use `tensor(...)` to build one from values. */
  constructor(data: Float64Array, shape: readonly number[]) {
    this.shape = shape.slice();
    this.size = sizeOf(shape);
    this._data = data;
    if (data !== EMPTY && data.length !== this.size) {
      throw new Error(
        `Tensor: data has ${data.length} entries but shape ${fmtShape(shape)} needs ${this.size}`,
      );
    }
  }

  /** The row-major values. Treat as read-only: views may share it. */
  get data(): Float64Array {
    return this._data;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const data = this.data;
    const shape = this.shape;
    if (shape.length === 0) return data[0];
    return nested(data, shape, 0, 0);
  }

  /** The single value of a tensor of size 1. */
  item(): number {
    if (this.size !== 1)
      throw new Error(
        `item: tensor of shape ${fmtShape(this.shape)} has ${this.size} entries, not 1`,
      );
    return this.data[0];
  }

  toString(): string {
    const name = this.constructor.name === "Tensor" ? "tensor" : this.constructor.name;
    const prefix = `${name}(`;
    return `${prefix}${formatTensor(this.data, this.shape, prefix)})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- elementwise
  add(other: TensorLike): Tensor {
    return op().add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return op().sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return op().mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return op().div(this, other);
  }
  pow(other: TensorLike): Tensor {
    return op().pow(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return op().maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return op().minimum(this, other);
  }
  compare(other: TensorLike, how: CompareOp): Tensor {
    return op().compare(this, other, how);
  }
  neg(): Tensor {
    return op().neg(this);
  }
  exp(): Tensor {
    return op().exp(this);
  }
  log(): Tensor {
    return op().log(this);
  }
  log1p(): Tensor {
    return op().log1p(this);
  }
  expm1(): Tensor {
    return op().expm1(this);
  }
  sin(): Tensor {
    return op().sin(this);
  }
  cos(): Tensor {
    return op().cos(this);
  }
  tan(): Tensor {
    return op().tan(this);
  }
  tanh(): Tensor {
    return op().tanh(this);
  }
  sigmoid(): Tensor {
    return op().sigmoid(this);
  }
  relu(): Tensor {
    return op().relu(this);
  }
  softplus(): Tensor {
    return op().softplus(this);
  }
  sqrt(): Tensor {
    return op().sqrt(this);
  }
  abs(): Tensor {
    return op().abs(this);
  }
  sign(): Tensor {
    return op().sign(this);
  }
  square(): Tensor {
    return op().square(this);
  }

  // ---- reductions
  sum(axis?: Axis, keepdims = false): Tensor {
    return op().sum(this, axis, keepdims);
  }
  mean(axis?: Axis, keepdims = false): Tensor {
    return op().mean(this, axis, keepdims);
  }
  max(axis?: Axis, keepdims = false): Tensor {
    return op().max(this, axis, keepdims);
  }
  min(axis?: Axis, keepdims = false): Tensor {
    return op().min(this, axis, keepdims);
  }
  prod(axis?: Axis, keepdims = false): Tensor {
    return op().prod(this, axis, keepdims);
  }
  logsumexp(axis?: Axis, keepdims = false): Tensor {
    return op().logsumexp(this, axis, keepdims);
  }
  softmax(axis = -1): Tensor {
    return op().softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return op().logSoftmax(this, axis);
  }
  norm(ord?: number | "fro", axis?: Axis, keepdims = false): Tensor {
    return op().norm(this, ord, axis, keepdims);
  }

  // ---- linear algebra and shapes
  matmul(other: TensorLike): Tensor {
    return op().matmul(this, other);
  }
  dot(other: TensorLike): Tensor {
    return op().dot(this, other);
  }
  outer(other: TensorLike): Tensor {
    return op().outer(this, other);
  }
  /** Reverses the axes, or permutes them by `perm`. */
  transpose(perm?: readonly number[]): Tensor {
    return op().transpose(this, perm);
  }
  /** The transpose (axes reversed). */
  get T(): Tensor {
    return op().transpose(this);
  }
  reshape(shape: readonly number[]): Tensor {
    return op().reshape(this, shape);
  }
  flatten(): Tensor {
    return op().reshape(this, [this.size]);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return op().broadcastTo(this, shape);
  }
  /** numpy-style indexing, one spec per leading axis: `x.slice("1:")`, `x.slice(0, [1, 3])`. */
  slice(...specs: SliceSpec[]): Tensor {
    return op().slice(this, ...specs);
  }
  take(indices: TensorLike | readonly number[] | Int32Array, axis = 0): Tensor {
    return op().take(this, indices, axis);
  }
}

/** The nested arrays of `data` (row-major, `shape`) from `axis` on, starting at `offset`. */
function nested(
  data: Float64Array,
  shape: readonly number[],
  axis: number,
  offset: number,
): NestedArray[] {
  const n = shape[axis];
  const out: NestedArray[] = [];
  if (axis === shape.length - 1) {
    for (let i = 0; i < n; i++) out.push(data[offset + i]);
    return out;
  }
  let stride = 1;
  for (let k = axis + 1; k < shape.length; k++) stride *= shape[k];
  for (let i = 0; i < n; i++) out.push(nested(data, shape, axis + 1, offset + i * stride));
  return out;
}

export { EMPTY as EMPTY_DATA };
