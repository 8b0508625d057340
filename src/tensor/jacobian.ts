/**
 * The `Jacobian` tensor: a Tensor that also records which axes are outputs and which inputs,
 * made by the Jacobian transforms, restored by jit (from the shapes recorded while tracing) and
 * drawn by the views. J[i…, j…] = ∂yᵢ/∂xⱼ, shape [...outShape, ...inShape].
 */
import { Tensor } from "./tensor.js";
import { Tracer } from "../core.js";
import * as ops from "../ops.js";
import { fmtShape, sizeOf } from "./shape.js";

/**
 * A Jacobian: a Tensor of shape [...outShape, ...inShape] (every op works on it) that also
 * records which axes are outputs (rows) and which are inputs (columns).
 */
export class Jacobian extends Tensor {
  readonly outShape: number[];
  readonly inShape: number[];
  /**
   * Display metadata: "hessian" for the results of `hessian(f)` (the views label them
   * ∂²f/∂xᵢ∂xⱼ), "jacobian" otherwise. Ops on a Jacobian return plain tensors.
   */
  readonly derivative: "jacobian" | "hessian";
  /**
   * Display metadata of one block of a pytree Jacobian (`jacobian(net)(p, x)` with p = { W, b }):
   * the paths of its output leaf and input leaf ("" for a lone tensor), so a view of the whole
   * result can lay the blocks out and label them. Undefined for a Jacobian of tensor → tensor.
   */
  readonly block: JacobianBlock | undefined;

  constructor(
    data: Float64Array,
    outShape: readonly number[],
    inShape: readonly number[],
    derivative: "jacobian" | "hessian" = "jacobian",
    block?: JacobianBlock,
  ) {
    super(data, [...outShape, ...inShape]);
    this.outShape = outShape.slice();
    this.inShape = inShape.slice();
    this.derivative = derivative;
    this.block = block;
  }

  /** Rows (flattened outputs) and columns (flattened inputs). */
  get rows(): number {
    return sizeOf(this.outShape);
  }
  get cols(): number {
    return sizeOf(this.inShape);
  }

  /** The Jacobian as a 2-D [rows, cols] tensor. */
  asMatrix(): Tensor {
    return this.reshape([this.rows, this.cols]);
  }

  override toString(): string {
    const text = super.toString();
    const named = this.derivative === "hessian" ? text.replace(/^Jacobian\(/, "Hessian(") : text;
    return `${named} (outShape ${fmtShape(this.outShape)}, inShape ${fmtShape(this.inShape)})`;
  }
}

/**
 * Jacobians batched by `vmap(jacobian(f))(xs)`: item k is the Jacobian of f at xs[k]. As a
 * Jacobian it stacks the items' rows (outShape [batch, ...item outShape]); `at(k)` gives one
 * item, and the views show one item at a time with a batch selector.
 */
export class BatchedJacobian extends Jacobian {
  /** The number of items (the vmapped axis). */
  readonly batchSize: number;
  /** The outShape of each item's Jacobian. */
  readonly itemOutShape: number[];

  constructor(
    data: Float64Array,
    batchSize: number,
    itemOutShape: readonly number[],
    inShape: readonly number[],
    derivative: "jacobian" | "hessian" = "jacobian",
  ) {
    super(data, [batchSize, ...itemOutShape], inShape, derivative);
    this.batchSize = batchSize;
    this.itemOutShape = itemOutShape.slice();
  }

  /** Item k: the Jacobian of f at the k-th batch entry. */
  at(k: number): Jacobian {
    if (!Number.isInteger(k) || k < 0 || k >= this.batchSize) {
      throw new Error(`BatchedJacobian.at: index ${k} is outside 0…${this.batchSize - 1}`);
    }
    const size = sizeOf(this.itemOutShape) * sizeOf(this.inShape);
    const data = this.data.slice(k * size, (k + 1) * size);
    return new Jacobian(data, this.itemOutShape, this.inShape, this.derivative);
  }
}

/** Batched Jacobians again where vmap's f returned a Jacobian (recorded while batching). */
export function asBatchedJacobian(t: Tensor, traced: Tensor, size: number): Tensor {
  const shapes = tracedJacobians.get(traced);
  if (shapes === undefined || t instanceof Tracer) return t;
  return new BatchedJacobian(t.data, size, shapes.outShape, shapes.inShape, shapes.derivative);
}

/** Where a block sits in a pytree Jacobian: the paths of its output and input leaves. */
export interface JacobianBlock {
  output: string;
  input: string;
}

/** The same concrete Jacobian with its block's paths; traced tensors are returned as is. */
export function withBlock(t: Tensor, block: JacobianBlock): Tensor {
  if (!(t instanceof Jacobian)) return t;
  return new Jacobian(t.data, t.outShape, t.inShape, t.derivative, block);
}

/** The row and column shapes of a Jacobian computed under a transformation (see jit). */
export interface JacobianShapes {
  outShape: number[];
  inShape: number[];
  derivative?: "hessian";
}

const tracedJacobians = new WeakMap<Tensor, JacobianShapes>();

/**
 * The shapes recorded when `t`, a tracer, was made by jacobian/jacrev/jacfwd/hessian: a
 * transformation that later gives it a concrete value (jit) returns a Jacobian again.
 */
export function tracedJacobianShapes(t: Tensor): JacobianShapes | undefined {
  return tracedJacobians.get(t);
}

/** A Jacobian when the value is concrete; under an outer transformation, the traced tensor. */
export function asJacobian(
  t: Tensor,
  outShape: readonly number[],
  inShape: readonly number[],
): Tensor {
  const shaped = ops.reshape(t, [...outShape, ...inShape]);
  if (shaped instanceof Tracer) {
    tracedJacobians.set(shaped, { outShape: outShape.slice(), inShape: inShape.slice() });
    return shaped;
  }
  return new Jacobian(shaped.data, outShape, inShape);
}

/** The same Jacobian marked as a Hessian (concrete or traced); other tensors are returned as is. */
export function asHessian(t: Tensor): Tensor {
  if (t instanceof Jacobian) return new Jacobian(t.data, t.outShape, t.inShape, "hessian", t.block);
  const shapes = tracedJacobians.get(t);
  if (shapes) tracedJacobians.set(t, { ...shapes, derivative: "hessian" });
  return t;
}
