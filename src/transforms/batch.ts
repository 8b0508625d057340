/**
 * Batching and `vmap` (over a leading axis): a batch tracer holds a value whose axis 0 is the batch
 * (or an unbatched value). Every rule returns a value batched on axis 0. jacrev and jacfwd push
 * all basis vectors through one batched pass with these rules.
 */
import type { ParamsOf } from "../primitives/primitive.js";
import { NO_PARAMS, Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import { Trace, Tracer, bind, withNewLevel } from "../core.js";
import * as ops from "../ops.js";
import { batchScan, batchWhile } from "../loops/rules.js";
import { checkChunkSize, inBatches } from "../progress.js";
import { fmtShape, sizeOf } from "../tensor/shape.js";
import type { TreeDef } from "../tensor/pytree.js";
import { flatten, unflatten } from "../tensor/pytree.js";
import { asBatchedJacobian } from "../tensor/jacobian.js";
import type { ArgsOf } from "./api.js";

/** A batching rule: values (batched ones have the batch on axis 0) → a value batched on axis 0. */
export type BatchRule<P extends Primitive> = (
  values: Tensor[],
  batched: boolean[],
  params: ParamsOf<P>,
  size: number,
) => Tensor;

export class BatchTracer extends Tracer {
  constructor(
    readonly trace: BatchTrace,
    /** The value; when `batched`, axis 0 is the batch axis. */
    readonly value: Tensor,
    readonly batched: boolean,
  ) {
    super(batched ? value.shape.slice(1) : value.shape);
  }
  concrete(): Tensor {
    throw new Error(
      `cannot read the values of a batched tensor of shape ${fmtShape(this.shape)} (inside vmap, jacrev or jacfwd); use tensor ops instead`,
    );
  }
}

export class BatchTrace extends Trace {
  constructor(
    level: number,
    readonly size: number,
  ) {
    super(level);
  }
  lift(x: Tensor): Tracer {
    return new BatchTracer(this, x, false);
  }
  process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor {
    const ts = inputs as BatchTracer[];
    const values = ts.map((t) => t.value);
    const batched = ts.map((t) => t.batched);
    if (!batched.some((b) => b)) return bind(prim, values, params);
    const out = batchRules[prim](values, batched, params, this.size);
    return new BatchTracer(this, out, true);
  }
}

/** Logical rank of a value (without its batch axis). */
const rank = (v: Tensor, b: boolean): number => (b ? v.ndim - 1 : v.ndim);

/** Batched values get ones after the batch axis so that numpy broadcasting lines up. */
function alignRanks(values: Tensor[], batched: boolean[], minRank = 0): Tensor[] {
  const r = Math.max(minRank, ...values.map((v, i) => rank(v, batched[i])));
  return values.map((v, i) => {
    if (!batched[i]) return v;
    const missing = r - (v.ndim - 1);
    if (missing === 0) return v;
    return ops.reshape(v, [v.shape[0], ...new Array<number>(missing).fill(1), ...v.shape.slice(1)]);
  });
}

/** Elementwise (and matmul): align the ranks and bind; broadcasting does the rest. */
function broadcasting<P extends Primitive>(prim: P): BatchRule<P> {
  return (values, batched, params) => bind(prim, alignRanks(values, batched), params);
}

/** Materialises the batch axis on unbatched values. */
function materialise(values: Tensor[], batched: boolean[], size: number): Tensor[] {
  return values.map((v, i) =>
    batched[i] ? v : ops.broadcastTo(ops.expandDims(v, 0), [size, ...v.shape]),
  );
}

/** A single-input op whose axis parameters move up by one. */
function shifted<P extends Primitive>(
  prim: P,
  shift: (params: ParamsOf<P>, x: Tensor) => ParamsOf<P>,
): BatchRule<P> {
  return ([x], _b, params) => bind(prim, [x], shift(params, x));
}

const axesUp = (p: { axes: number[] }): { axes: number[] } => ({ axes: p.axes.map((a) => a + 1) });

/**
 * Matmul with one operand a plain matrix: one large product instead of a batch of small ones
 * (jacrev's rows or jacfwd's columns against a weight matrix are then one matrix product).
 * A[B…, m, k] · W[k, n] = (A as [B…·m, k] · W) as [B…, m, n];
 * W[m, k] · X[B, k, n] = (W · (Xᵀ as [k, B·n])) as [m, B, n], batch axis moved first.
 */
function matmulBatch(values: Tensor[], batched: boolean[]): Tensor {
  const [a, b] = values;
  if (batched[0] && !batched[1] && b.ndim === 2 && a.ndim >= 3) {
    const [k, n] = b.shape;
    const lead = a.shape.slice(0, -1);
    const flat = ops.reshape(a, [sizeOf(lead), k]);
    return ops.reshape(bind(Primitive.MatMul, [flat, b], NO_PARAMS), [...lead, n]);
  }
  if (!batched[0] && batched[1] && a.ndim === 2 && b.ndim === 3) {
    const [size, k, n] = b.shape;
    const m = a.shape[0];
    const cols = ops.reshape(ops.transpose(b, [1, 0, 2]), [k, size * n]);
    const out = ops.reshape(bind(Primitive.MatMul, [a, cols], NO_PARAMS), [m, size, n]);
    return ops.transpose(out, [1, 0, 2]);
  }
  return bind(Primitive.MatMul, alignRanks(values, batched, 2), NO_PARAMS);
}

/** Ops on the trailing matrices with equal leading axes: give every operand the batch axis. */
function matrixOp<P extends Primitive>(prim: P): BatchRule<P> {
  return (values, batched, params, size) => bind(prim, materialise(values, batched, size), params);
}

export const batchRules: { [P in Primitive]: BatchRule<P> } = {
  [Primitive.Neg]: broadcasting(Primitive.Neg),
  [Primitive.Exp]: broadcasting(Primitive.Exp),
  [Primitive.Log]: broadcasting(Primitive.Log),
  [Primitive.Log1p]: broadcasting(Primitive.Log1p),
  [Primitive.Expm1]: broadcasting(Primitive.Expm1),
  [Primitive.Sin]: broadcasting(Primitive.Sin),
  [Primitive.Cos]: broadcasting(Primitive.Cos),
  [Primitive.Tan]: broadcasting(Primitive.Tan),
  [Primitive.Tanh]: broadcasting(Primitive.Tanh),
  [Primitive.Sigmoid]: broadcasting(Primitive.Sigmoid),
  [Primitive.Softplus]: broadcasting(Primitive.Softplus),
  [Primitive.Relu]: broadcasting(Primitive.Relu),
  [Primitive.Sqrt]: broadcasting(Primitive.Sqrt),
  [Primitive.Abs]: broadcasting(Primitive.Abs),
  [Primitive.Sign]: broadcasting(Primitive.Sign),
  [Primitive.Add]: broadcasting(Primitive.Add),
  [Primitive.Sub]: broadcasting(Primitive.Sub),
  [Primitive.Mul]: broadcasting(Primitive.Mul),
  [Primitive.Div]: broadcasting(Primitive.Div),
  [Primitive.Pow]: broadcasting(Primitive.Pow),
  [Primitive.Maximum]: broadcasting(Primitive.Maximum),
  [Primitive.Minimum]: broadcasting(Primitive.Minimum),
  [Primitive.Compare]: broadcasting(Primitive.Compare),
  [Primitive.Where]: broadcasting(Primitive.Where),
  [Primitive.StopGradient]: broadcasting(Primitive.StopGradient),
  [Primitive.Sum]: shifted(Primitive.Sum, axesUp),
  [Primitive.ReduceMax]: shifted(Primitive.ReduceMax, axesUp),
  [Primitive.ReduceMin]: shifted(Primitive.ReduceMin, axesUp),
  [Primitive.Prod]: shifted(Primitive.Prod, axesUp),
  // leading axes broadcast in matmul: ranks aligned so that the batch axis leads
  [Primitive.MatMul]: matmulBatch,
  [Primitive.Solve]: matrixOp(Primitive.Solve),
  [Primitive.Det]: matrixOp(Primitive.Det),
  [Primitive.Svd]: matrixOp(Primitive.Svd),
  [Primitive.Eigh]: matrixOp(Primitive.Eigh),
  [Primitive.Reshape]: shifted(Primitive.Reshape, (p, x) => ({ shape: [x.shape[0], ...p.shape] })),
  [Primitive.BroadcastTo]: ([x], _b, { shape }) => {
    const b = x.shape[0];
    const aligned = alignRanks([x], [true], shape.length)[0];
    return bind(Primitive.BroadcastTo, [aligned], { shape: [b, ...shape] });
  },
  [Primitive.Transpose]: shifted(Primitive.Transpose, (p) => ({
    perm: [0, ...p.perm.map((a) => a + 1)],
  })),
  [Primitive.Slice]: shifted(Primitive.Slice, (p, x) => ({
    start: [0, ...p.start],
    stop: [x.shape[0], ...p.stop],
    step: [1, ...p.step],
  })),
  [Primitive.Pad]: shifted(Primitive.Pad, (p, x) => ({
    start: [0, ...p.start],
    step: [1, ...p.step],
    shape: [x.shape[0], ...p.shape],
  })),
  [Primitive.Concat]: (values, batched, { axis }, size) =>
    bind(Primitive.Concat, materialise(values, batched, size), { axis: axis + 1 }),
  [Primitive.Take]: shifted(Primitive.Take, (p) => ({ ...p, axis: p.axis + 1 })),
  [Primitive.ScatterAdd]: shifted(Primitive.ScatterAdd, (p) => ({ ...p, axis: p.axis + 1 })),
  [Primitive.Scan]: (values, batched, params, size) => batchScan(values, batched, params, size),
  [Primitive.While]: (values, batched, params, size) => batchWhile(values, batched, params, size),
  // elementwise in its four inputs; the words axis comes last, after the batch and the shape
  [Primitive.Threefry2x32]: broadcasting(Primitive.Threefry2x32),
};

/**
 * Maps `f` over axis 0 of every input (each input must have the batch axis, all of length
 * `size`); the outputs get the batch axis first. Outputs that do not depend on the inputs are
 * broadcast along it.
 */
export function vmapFlat(
  f: (inputs: Tensor[]) => Tensor[],
  inputs: readonly Tensor[],
  size: number,
): Tensor[] {
  for (const x of inputs) {
    if (x.ndim === 0 || x.shape[0] !== size) {
      throw new Error(
        `vmap: every input needs a leading axis of length ${size}, got shape ${fmtShape(x.shape)}`,
      );
    }
  }
  return withNewLevel((level) => {
    const trace = new BatchTrace(level, size);
    const outs = f(inputs.map((x) => new BatchTracer(trace, x, true)));
    return outs.map((y) => {
      if (y instanceof BatchTracer && y.trace === trace) {
        if (y.batched) return y.value;
        return ops.broadcastTo(ops.expandDims(y.value, 0), [size, ...y.value.shape]);
      }
      return ops.broadcastTo(ops.expandDims(y, 0), [size, ...y.shape]);
    });
  });
}

/** Options of vmap. */
export interface VmapOptions {
  /**
   * Map at most this many entries per batched pass (bounded memory; each batch is reported to
   * the progress hook, so a long vmap shows a progress bar in a notebook). Concrete inputs only:
   * under jit or another transformation the map stays one pass.
   */
  chunkSize?: number;
}

/**
 * Maps f over axis 0 of every argument (pytrees of tensors, all with the same leading length);
 * outputs get that axis first. The per-example code sees tensors without the batch axis.
 *
 * @example
 * vmap((row: Tensor) => sum(row))(tensor([[1, 2], [3, 4]])); // → tensor([3, 7])
 * vmap((row: Tensor) => sum(row), { chunkSize: 1 })(tensor([[1, 2], [3, 4]])); // two passes
 */
export function vmap<P extends unknown[] = Tensor[], R = Tensor>(
  f: (...args: P) => R,
  options: VmapOptions = {},
): (...args: ArgsOf<P>) => R {
  const { chunkSize } = options;
  if (chunkSize !== undefined) checkChunkSize("vmap", chunkSize);
  return (...args: ArgsOf<P>) => {
    const { leaves, def } = flatten(args, "vmap arguments");
    if (leaves.length === 0) throw new Error("vmap: needs at least one tensor argument");
    const size = leaves[0].shape[0] ?? -1;
    let outDef: TreeDef = { kind: "tensor" };
    let traced: Tensor[] = [];
    const pass = (xs: Tensor[], n: number): Tensor[] =>
      vmapFlat(
        (ts) => {
          const res = flatten(
            (f as (...a: unknown[]) => unknown)(...(unflatten(def, ts) as unknown[])),
            "vmap: the output of f",
          );
          outDef = res.def;
          traced = res.leaves;
          return res.leaves;
        },
        xs,
        n,
      );
    const chunked = chunkSize !== undefined && size > chunkSize && allConcrete(leaves);
    const outs = chunked
      ? passInChunks("vmap", "entries", size, chunkSize, (start, n) =>
          pass(
            leaves.map((x) => ops.slice(x, [start, start + n])),
            n,
          ),
        )
      : pass(leaves, size);
    // vmap(jacobian(f)): the per-example Jacobians come back as batched Jacobians
    return unflatten(
      outDef,
      outs.map((y, i) => asBatchedJacobian(y, traced[i], size)),
    ) as R;
  };
}

/** Whether every value is concrete (no tracer of jit or another transformation). */
export const allConcrete = (xs: readonly Tensor[]): boolean =>
  xs.every((x) => !(x instanceof Tracer));

/**
 * Runs `run(start, count)` over `total` entries in batches of at most `chunk` (each reported as
 * progress by `inBatches`) and joins the batches' outputs on axis 0.
 */
export function passInChunks(
  label: string,
  unit: string,
  total: number,
  chunk: number,
  run: (start: number, count: number) => Tensor[],
): Tensor[] {
  const parts: Tensor[][] = [];
  inBatches(label, unit, total, chunk, (start, count) => {
    parts.push(run(start, count));
  });
  if (parts.length === 1) return parts[0];
  return parts[0].map((_y, i) =>
    ops.concat(
      parts.map((p) => p[i]),
      0,
    ),
  );
}
