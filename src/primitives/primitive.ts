/**
 * The one list of primitive operations. Six tables are typed `{ [P in Primitive]: Rule<P> }` —
 * eval (primitives/eval-rules.ts), JVP (transforms/jvp.ts), VJP (transforms/vjp-rules.ts),
 * batching (transforms/batch.ts), jit (jit/rules.ts) and sparsity patterns
 * (extras/sparse-pattern.ts) — so adding a primitive here without a rule in each table is a
 * compile error; a differentiable elementwise primitive also has its one derivative in
 * transforms/derivatives.ts, which the JVP and VJP tables read. Everything else in the runtime
 * (the ops in `ops.ts`, softmax, norm, inv, …) is composed from these.
 */
import type { Graph } from "../jit/graph.js";

export enum Primitive {
  // elementwise unary
  Neg = "neg",
  Exp = "exp",
  Log = "log",
  Log1p = "log1p",
  Expm1 = "expm1",
  Sin = "sin",
  Cos = "cos",
  Tan = "tan",
  Tanh = "tanh",
  Sigmoid = "sigmoid",
  Softplus = "softplus",
  Relu = "relu",
  Sqrt = "sqrt",
  Abs = "abs",
  Sign = "sign",
  // elementwise binary / ternary, with numpy broadcasting
  Add = "add",
  Sub = "sub",
  Mul = "mul",
  Div = "div",
  Pow = "pow",
  Maximum = "maximum",
  Minimum = "minimum",
  /** A comparison giving 1 where true and 0 where false (not differentiable: zero derivative). */
  Compare = "compare",
  /** where(cond, a, b): a where cond ≠ 0, else b. */
  Where = "where",
  // reductions over a set of axes (the reduced axes are dropped)
  Sum = "sum",
  ReduceMax = "reduceMax",
  ReduceMin = "reduceMin",
  Prod = "prod",
  // linear algebra on the last two axes, leading axes broadcast (MatMul) or equal (Solve)
  MatMul = "matmul",
  Solve = "solve",
  Det = "det",
  /** One factor of the thin SVD A = U·diag(s)·Vᵀ: `part` "s" (differentiable), "u" or "vt". */
  Svd = "svd",
  /** One part of the symmetric eigendecomposition A = V·diag(w)·Vᵀ: `part` "w" or "v". */
  Eigh = "eigh",
  // shape and indexing
  Reshape = "reshape",
  BroadcastTo = "broadcastTo",
  Transpose = "transpose",
  Slice = "slice",
  /** The adjoint of Slice: places a tensor into zeros of a larger shape at a strided window. */
  Pad = "pad",
  Concat = "concat",
  Take = "take",
  /** The adjoint of Take: adds slices into zeros at the given indices along an axis. */
  ScatterAdd = "scatterAdd",
  /** Identity in value, zero derivative. */
  StopGradient = "stopGradient",
  // loops: a body graph run for a number of steps; the output packs the results (loop-rules.ts)
  /** scan: carries threaded through `length` steps, per-step inputs and outputs stacked. */
  Scan = "scan",
  /** whileLoop: the body applied while cond holds (forward-differentiable only). */
  While = "while",
  // random bits
  /**
   * Threefry-2x32 with 20 rounds: key words k0, k1 and counter words x0, x1 (uint32 values,
   * broadcast together to a shape S) → the two output words, shape [...S, 2]. Zero derivative.
   */
  Threefry2x32 = "threefry2x32",
}

export type CompareOp = "gt" | "ge" | "lt" | "le" | "eq" | "ne";

type NoParams = Record<string, never>;

/** The static parameters of each primitive (not differentiated, not batched). */
export interface PrimitiveParams {
  [Primitive.Neg]: NoParams;
  [Primitive.Exp]: NoParams;
  [Primitive.Log]: NoParams;
  [Primitive.Log1p]: NoParams;
  [Primitive.Expm1]: NoParams;
  [Primitive.Sin]: NoParams;
  [Primitive.Cos]: NoParams;
  [Primitive.Tan]: NoParams;
  [Primitive.Tanh]: NoParams;
  [Primitive.Sigmoid]: NoParams;
  [Primitive.Softplus]: NoParams;
  [Primitive.Relu]: NoParams;
  [Primitive.Sqrt]: NoParams;
  [Primitive.Abs]: NoParams;
  [Primitive.Sign]: NoParams;
  [Primitive.Add]: NoParams;
  [Primitive.Sub]: NoParams;
  [Primitive.Mul]: NoParams;
  [Primitive.Div]: NoParams;
  [Primitive.Pow]: NoParams;
  [Primitive.Maximum]: NoParams;
  [Primitive.Minimum]: NoParams;
  [Primitive.Compare]: { op: CompareOp };
  [Primitive.Where]: NoParams;
  [Primitive.Sum]: { axes: number[] };
  [Primitive.ReduceMax]: { axes: number[] };
  [Primitive.ReduceMin]: { axes: number[] };
  [Primitive.Prod]: { axes: number[] };
  [Primitive.MatMul]: NoParams;
  [Primitive.Solve]: NoParams;
  [Primitive.Det]: NoParams;
  [Primitive.Svd]: { part: "u" | "s" | "vt" };
  [Primitive.Eigh]: { part: "w" | "v" };
  [Primitive.Reshape]: { shape: number[] };
  [Primitive.BroadcastTo]: { shape: number[] };
  [Primitive.Transpose]: { perm: number[] };
  /** Per axis: start, stop (exclusive) and a positive step; all normalised (no negatives). */
  [Primitive.Slice]: { start: number[]; stop: number[]; step: number[] };
  /** The window of Slice inside `shape`, the full shape of the result. */
  [Primitive.Pad]: { start: number[]; step: number[]; shape: number[] };
  [Primitive.Concat]: { axis: number };
  /** Gathers `indices` (flat, normalised, with shape `indexShape`) along `axis`. */
  [Primitive.Take]: { axis: number; indices: Int32Array; indexShape: number[] };
  /** Adds slices of the input into zeros whose `axis` has length `size`. */
  [Primitive.ScatterAdd]: {
    axis: number;
    indices: Int32Array;
    indexShape: number[];
    size: number;
  };
  [Primitive.StopGradient]: NoParams;
  /** Inputs: nCarry carries, nXs stacked per-step inputs ([length, ...]), then the body's consts. */
  /** `checkpoint`: reverse mode stores the carry every this many steps and recomputes the rest. */
  [Primitive.Scan]: {
    body: Graph;
    length: number;
    nCarry: number;
    nXs: number;
    reverse: boolean;
    checkpoint?: number;
  };
  /** Inputs: nCarry carries, nBodyConsts consts of the body, then the consts of cond. */
  [Primitive.While]: { cond: Graph; body: Graph; nCarry: number; nBodyConsts: number };
  [Primitive.Threefry2x32]: NoParams;
}

export type ParamsOf<P extends Primitive> = PrimitiveParams[P];

export const NO_PARAMS: NoParams = {};
