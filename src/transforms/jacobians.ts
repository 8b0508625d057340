/**
 * Jacobians: jacrev (one batched backward pass over the output basis), jacfwd (one batched
 * forward pass over the input basis), jacobian (picks by shape) and hessian.
 * J[i…, j…] = ∂yᵢ/∂xⱼ, shape [...y.shape, ...x.shape]; pytrees nest as in JAX: the output
 * structure outside, the input structure inside, a `Jacobian` at each leaf pair.
 */
import type { TensorLike } from "../tensor/tensor.js";
import { asHessian, asJacobian, withBlock, type Jacobian } from "../tensor/jacobian.js";
import { sparseJacobian, type SparseJacobian } from "../extras/sparse.js";
import { zeros } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { checkChunkSize, chunkSize } from "../progress.js";
import * as ops from "../ops.js";
import { allConcrete, passInChunks, vmapFlat } from "./batch.js";
import type { TreeDef } from "../tensor/pytree.js";
import { flatten, leafPaths, unflatten } from "../tensor/pytree.js";
import { jvpFlat, partial, selectArgs, traceSelected, type traceReverse } from "./api.js";
import type { ArgsOf } from "./api.js";
import { sizeOf } from "../tensor/shape.js";

/** Options of jacrev, jacfwd, jacobian and hessian. */
export interface JacobianOptions {
  /** Which argument(s) to differentiate: a number (default 0) or an array (results nest in an array). */
  argnums?: number | readonly number[];
  /**
   * Basis vectors per batched pass on concrete values (default: as many as keep a tensor of
   * [chunk, max(inputs, outputs)] within 2²¹ entries, 16 MB; all of them when that is more).
   */
  chunkSize?: number;
}

type Fn = (...args: never[]) => unknown;

/** The result type of a Jacobian of Y with respect to X: output structure outside, input inside. */
export type JacobianOf<Y, X> = Y extends Tensor | number
  ? X extends Tensor | number
    ? Jacobian
    : { [K in keyof X]: JacobianOf<Y, X[K]> }
  : { [K in keyof Y]: JacobianOf<Y[K], X> };

/** A transform's result: Jacobians of f's output with respect to argument N (or the arguments N[]). */
export type JacobianFn<P extends unknown[], R, N> = <A extends ArgsOf<P>>(
  ...args: A
) => N extends number ? JacobianOf<R, A[N]> : JacobianOf<R, A>;
export type JacobianTransform = <
  P extends unknown[] = Tensor[],
  R = Tensor,
  N extends number | readonly number[] = 0,
>(
  f: (...args: P) => R,
  options?: { argnums?: N; chunkSize?: number },
) => JacobianFn<P, R, N>;

/**
 * Rows [start, start + count) of the identity of the whole basis, restricted to the columns
 * [offset, offset + size) of one leaf, as [count, ...shape]: one batch of basis vectors.
 */
function basisRows(start: number, count: number, offset: number, shape: readonly number[]): Tensor {
  const size = sizeOf(shape);
  const data = new Float64Array(count * size);
  for (let r = 0; r < count; r++) {
    const col = start + r - offset;
    if (col >= 0 && col < size) data[r * size + col] = 1;
  }
  return new Tensor(data, [count, ...shape]);
}

/**
 * Pushes the basis of `total` vectors (split over `leaves` at their flat offsets) through the
 * batched `pass`; the outputs have the basis on axis 0. On concrete values the basis is cut into
 * batches of `chunk` (bounded memory: a batched pass holds [chunk, …] per intermediate), each
 * reported to the progress hook. Traced (under jit or another transform) it is one pass, so the program stays one batch.
 */
function basisPass(
  label: string,
  unit: string,
  leaves: readonly Tensor[],
  total: number,
  concrete: boolean,
  chunk: number,
  pass: (seeds: Tensor[], count: number) => Tensor[],
): Tensor[] {
  const starts = offsets(leaves);
  const seeds = (start: number, count: number): Tensor[] =>
    leaves.map((x, j) => basisRows(start, count, starts[j], x.shape));
  if (!concrete || total === 0) return pass(seeds(0, total), total);
  return passInChunks(label, unit, total, chunk, (start, count) =>
    pass(seeds(start, count), count),
  );
}

function offsets(leaves: readonly Tensor[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const x of leaves) {
    out.push(at);
    at += x.size;
  }
  return out;
}

/** Nests blocks[i][j] (output leaf i, input leaf j) as output structure ∘ input structure. */
function nest(outDef: TreeDef, inDef: TreeDef, blocks: Tensor[][], single: boolean): unknown {
  const outPaths = leafPaths(outDef);
  // the selected arguments are an array; with one argnum its "[0]" is no part of the path
  const inPaths = leafPaths(inDef).map((p) => (single ? p.replace(/^\[0\]\.?/, "") : p));
  if (outPaths.length > 1 || inPaths.length > 1 || outPaths[0] !== "" || inPaths[0] !== "") {
    blocks = blocks.map((row, i) =>
      row.map((t, j) => withBlock(t, { output: outPaths[i], input: inPaths[j] })),
    );
  }
  const perOut = blocks.map((row) => {
    const tree = unflatten(inDef, row) as unknown[];
    return single ? tree[0] : tree;
  });
  return unflatten(outDef, perOut as Tensor[]);
}

/**
 * Reverse-mode Jacobian: one batched backward pass over the basis of the output.
 *
 * @example
 * jacrev((x: Tensor) => mul(x, x))(tensor([1, 2])); // → tensor([[2, 0], [0, 4]])
 */
export const jacrev: JacobianTransform = ((f: Fn, options: JacobianOptions = {}) => {
  return (...args: unknown[]) => {
    const argnums = options.argnums ?? 0;
    const traced = traceSelected(f, args, argnums, false, "jacrev");
    return finishReverse(traced, typeof argnums === "number", options);
  };
}) as JacobianTransform;

/** The chunk size: the option's, checked, else progress.ts's default for tensors of `side`. */
function chunkOf(options: JacobianOptions, total: number, side: number, op: string): number {
  const c = options.chunkSize;
  return c === undefined ? chunkSize(total, side) : checkChunkSize(op, c);
}

function finishReverse(
  traced: ReturnType<typeof traceReverse>,
  single: boolean,
  options: JacobianOptions,
): unknown {
  const { trace, inNodes, inLeaves, inDef, out } = traced;
  const outOffsets = offsets(out.outPrimals);
  const total = out.outPrimals.reduce((n, y) => n + y.size, 0);
  const inSize = inLeaves.reduce((n, x) => n + x.size, 0);
  const concrete = allConcrete(out.outPrimals) && allConcrete(inLeaves);
  const grads = basisPass(
    "jacrev",
    "rows",
    out.outPrimals,
    total,
    concrete,
    chunkOf(options, total, Math.max(total, inSize), "jacrev"),
    (seeds, count) =>
      vmapFlat(
        (cts) => {
          const back = trace.backward(out.outNodes, cts, inNodes);
          return back.map((g, j) => g ?? zeros(inLeaves[j].shape));
        },
        seeds,
        count,
      ),
  );
  const blocks = out.outPrimals.map((y, i) =>
    grads.map((g, j) => {
      const rows = ops.slice(g, [outOffsets[i], outOffsets[i] + y.size]);
      return asJacobian(rows, y.shape, inLeaves[j].shape);
    }),
  );
  return nest(out.outDef, inDef, blocks, single);
}

/**
 * Forward-mode Jacobian: one batched forward pass over the basis of the input.
 *
 * @example
 * jacfwd((x: Tensor) => mul(x, 3))(tensor([1, 2])); // → tensor([[3, 0], [0, 3]])
 */
export const jacfwd: JacobianTransform = ((f: Fn, options: JacobianOptions = {}) => {
  return (...args: unknown[]) => {
    const argnums = options.argnums ?? 0;
    const which = selectArgs(args, argnums, "jacfwd");
    const g = partial(f, args, which);
    const { leaves, def } = flatten(
      which.map((a) => args[a]),
      "jacfwd arguments",
    );
    const inOffsets = offsets(leaves);
    const total = leaves.reduce((n, x) => n + x.size, 0);
    let outDef: TreeDef = { kind: "tensor" };
    let outShapes: number[][] = [];
    const tangents = basisPass(
      "jacfwd",
      "columns",
      leaves,
      total,
      allConcrete(leaves),
      chunkOf(options, total, total, "jacfwd"),
      (seeds, count) =>
        vmapFlat(
          (ts) => {
            const res = jvpFlat(g, def, leaves, ts);
            outDef = res.def;
            outShapes = res.primals.map((y) => y.shape);
            return res.tangents;
          },
          seeds,
          count,
        ),
    );
    const blocks = tangents.map((t, i) => {
      const o = outShapes[i];
      const moved = ops.transpose(t, [...o.map((_, k) => k + 1), 0]); // [...o, total]
      return leaves.map((x, j) => {
        const cols = ops.slice(ops.reshape(moved, [sizeOf(o), total]), null, [
          inOffsets[j],
          inOffsets[j] + x.size,
        ]);
        return asJacobian(cols, o, x.shape);
      });
    });
    return nest(outDef, def, blocks, typeof argnums === "number");
  };
}) as JacobianTransform;

/** `jacobian(f, { sparse: true })`: the sparse Jacobian of a one-tensor function (sparse.ts). */
export type SparseJacobianTransform = (
  f: (x: Tensor) => Tensor,
  options: { sparse: true },
) => (x: TensorLike) => SparseJacobian;

/**
 * The Jacobian, by reverse mode when the output has at most as many entries as the inputs
 * (f runs once) and by forward mode otherwise. With `{ sparse: true }`, a `SparseJacobian`:
 * pattern detection, column colouring, one batched forward pass per colour (`sparseJacobian`).
 *
 * @example
 * const J = jacobian((x: Tensor) => sin(x))(tensor([0, 0]));
 * J; // → tensor([[1, 0], [0, 1]])
 * J.outShape; // → [2]
 */
export const jacobian: SparseJacobianTransform & JacobianTransform = ((
  f: Fn,
  options: JacobianOptions & { sparse?: boolean } = {},
) => {
  if (options.sparse === true) {
    return (x: TensorLike) => sparseJacobian(f as unknown as (x: Tensor) => Tensor, x);
  }
  return (...args: unknown[]) => {
    const argnums = options.argnums ?? 0;
    const traced = traceSelected(f, args, argnums, false, "jacobian");
    const outSize = traced.out.outPrimals.reduce((n, y) => n + y.size, 0);
    const inSize = traced.inLeaves.reduce((n, x) => n + x.size, 0);
    if (outSize <= inSize) return finishReverse(traced, typeof argnums === "number", options);
    return (jacfwd as (f: Fn, o: JacobianOptions) => (...a: unknown[]) => unknown)(
      f,
      options,
    )(...args);
  };
}) as SparseJacobianTransform & JacobianTransform;

/**
 * The Hessian: the forward-mode Jacobian of the reverse-mode gradient (a Jacobian of the gradient).
 *
 * @example
 * hessian((x: Tensor) => sum(mul(x, mul(x, x))))(tensor([1, 2])); // → tensor([[6, 0], [0, 12]])
 */
export function hessian<P extends unknown[] = Tensor[], N extends number = 0>(
  f: (...args: P) => Tensor | number,
  options: { argnums?: N; chunkSize?: number } = {},
): <A extends ArgsOf<P>>(...args: A) => JacobianOf<A[N], A[N]> {
  const inner = jacrev(f as Fn, options as JacobianOptions) as unknown as Fn;
  const outer = jacfwd(inner, options as JacobianOptions) as unknown as (
    ...a: unknown[]
  ) => unknown;
  // the blocks are Jacobians of the gradient; mark them so the views say ∂²f/∂xᵢ∂xⱼ
  const marked = (...args: unknown[]): unknown => {
    const { leaves, def } = flatten(outer(...args), "hessian: the result");
    return unflatten(def, leaves.map(asHessian));
  };
  return marked as unknown as <A extends ArgsOf<P>>(...args: A) => JacobianOf<A[N], A[N]>;
}
