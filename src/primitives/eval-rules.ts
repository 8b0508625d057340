/**
 * The eval table: each primitive on concrete tensors, by the kernels of kernels.ts. Inputs are
 * already checked by the ops (ops.ts); results are new tensors or views sharing data.
 */
import type { CompareOp, ParamsOf } from "./primitive.js";
import { Primitive } from "./primitive.js";
import { Tensor } from "../tensor/tensor.js";
import type { BinaryCode, Data } from "./kernels.js";
import * as K from "./kernels.js";
import { matmul } from "./kernels-matmul.js";
import { binaryFast, binaryLoops, unaryKernels } from "./kernels-elementwise.js";
import type { BinaryLoop, UnaryKernel } from "./kernels-elementwise.js";
import * as L from "./kernels-linalg.js";
import * as E from "./kernels-eigen.js";
import { threefry2x32 } from "./kernels-random.js";
import { loopKernel } from "../loops/kernels.js";
import * as S from "./scalar.js";
import {
  broadcastShapes,
  broadcastShapesOf,
  reducedShape,
  sameShape,
  sizeOf,
} from "../tensor/shape.js";

export type EvalRule<P extends Primitive> = (inputs: Tensor[], params: ParamsOf<P>) => Tensor;

function unary(kernel: UnaryKernel): EvalRule<Primitive> {
  return ([x]) => new Tensor(kernel(x.data), x.shape);
}

/** The output shape of a ∘ b (the common cases first, without allocating). */
function binaryShape(op: string, a: Tensor, b: Tensor): readonly number[] {
  if (b.ndim === 0 || sameShape(a.shape, b.shape)) return a.shape;
  return a.ndim === 0 ? b.shape : broadcastShapes(op, a.shape, b.shape);
}

function binary(
  op: string,
  code: BinaryCode | ((a: number, b: number) => number),
  loop?: BinaryLoop,
): EvalRule<Primitive> {
  return ([a, b]) => {
    const shape = binaryShape(op, a, b);
    const fast = loop === undefined ? null : binaryFast(loop, a.data, b.data, sizeOf(shape));
    if (fast !== null) return new Tensor(fast, shape);
    return new Tensor(K.binary(code, a.data, a.shape, b.data, b.shape, shape), shape);
  };
}

function reduction(kind: K.ReduceKind): (inputs: Tensor[], params: { axes: number[] }) => Tensor {
  return ([x], { axes }) => {
    if (axes.length === 0) return x;
    return new Tensor(K.reduce(kind, x.data, x.shape, axes), reducedShape(x.shape, axes));
  };
}

const COMPARE: Record<CompareOp, (a: number, b: number) => number> = {
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
};

const COMPARE_RULES = Object.fromEntries(
  (Object.keys(COMPARE) as CompareOp[]).map((op) => [op, binary(op, COMPARE[op], binaryLoops[op])]),
) as Record<CompareOp, EvalRule<Primitive>>;

/** The leading (batch) axes and the matrix size of a [..., m, n] tensor. */
function matrixBatch(x: Tensor): { count: number; m: number; n: number; batch: number[] } {
  const nd = x.ndim;
  const batch = x.shape.slice(0, nd - 2);
  return { count: sizeOf(batch), m: x.shape[nd - 2], n: x.shape[nd - 1], batch };
}

function svd(x: Tensor, part: "u" | "s" | "vt"): Tensor {
  const { count, m, n, batch } = matrixBatch(x);
  const r = Math.min(m, n);
  if (part === "s") return new Tensor(L.singularValues(x.data, count, m, n), [...batch, r]);
  const f = L.svd(x.data, count, m, n);
  if (part === "u") return new Tensor(f.u, [...batch, m, r]);
  return new Tensor(f.vt, [...batch, r, n]);
}

function eigh(x: Tensor, part: "w" | "v"): Tensor {
  const { count, n, batch } = matrixBatch(x);
  const f = E.eigh(x.data, count, n);
  return part === "w" ? new Tensor(f.w, [...batch, n]) : new Tensor(f.v, x.shape.slice());
}

export const evalRules: { [P in Primitive]: EvalRule<P> } = {
  [Primitive.Neg]: ([x]) => {
    const d = x.data;
    const out: Data = K.alloc(d.length);
    for (let i = 0; i < d.length; i++) out[i] = -d[i];
    return new Tensor(out, x.shape);
  },
  [Primitive.Exp]: unary(unaryKernels.exp),
  [Primitive.Log]: unary(unaryKernels.log),
  [Primitive.Log1p]: unary(unaryKernels.log1p),
  [Primitive.Expm1]: unary(unaryKernels.expm1),
  [Primitive.Sin]: unary(unaryKernels.sin),
  [Primitive.Cos]: unary(unaryKernels.cos),
  [Primitive.Tan]: unary(unaryKernels.tan),
  [Primitive.Tanh]: unary(unaryKernels.tanh),
  [Primitive.Sigmoid]: unary(unaryKernels.sigmoid),
  [Primitive.Softplus]: unary(unaryKernels.softplus),
  [Primitive.Relu]: unary(unaryKernels.relu),
  [Primitive.Sqrt]: unary(unaryKernels.sqrt),
  [Primitive.Abs]: unary(unaryKernels.abs),
  [Primitive.Sign]: unary(unaryKernels.sign),
  [Primitive.Add]: binary("add", "add"),
  [Primitive.Sub]: binary("sub", "sub"),
  [Primitive.Mul]: binary("mul", "mul"),
  [Primitive.Div]: binary("div", "div"),
  [Primitive.Pow]: binary("pow", S.pow, binaryLoops.pow),
  [Primitive.Maximum]: binary("maximum", S.max, binaryLoops.maximum),
  [Primitive.Minimum]: binary("minimum", S.min, binaryLoops.minimum),
  [Primitive.Compare]: (inputs, { op }) => COMPARE_RULES[op](inputs, {}),
  [Primitive.Where]: ([c, a, b]) => {
    const shape = broadcastShapes("where", broadcastShapes("where", c.shape, a.shape), b.shape);
    return new Tensor(K.where(c.data, c.shape, a.data, a.shape, b.data, b.shape, shape), shape);
  },
  [Primitive.Sum]: reduction("sum"),
  [Primitive.ReduceMax]: reduction("max"),
  [Primitive.ReduceMin]: reduction("min"),
  [Primitive.Prod]: reduction("prod"),
  [Primitive.MatMul]: ([a, b]) => {
    const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    const shape = [...batch, a.shape[a.ndim - 2], b.shape[b.ndim - 1]];
    return new Tensor(matmul(a.data, a.shape, b.data, b.shape, batch), shape);
  },
  [Primitive.Solve]: ([a, b]) => {
    const { count, n } = matrixBatch(a);
    const k = b.shape[b.ndim - 1];
    return new Tensor(L.solve(a.data, b.data, count, n, k), b.shape);
  },
  [Primitive.Det]: ([a]) => {
    const { count, n, batch } = matrixBatch(a);
    return new Tensor(L.det(a.data, count, n), batch);
  },
  [Primitive.Svd]: ([x], { part }) => svd(x, part),
  [Primitive.Eigh]: ([x], { part }) => eigh(x, part),
  [Primitive.Reshape]: ([x], { shape }) => new Tensor(x.data, shape),
  [Primitive.BroadcastTo]: ([x], { shape }) =>
    sameShape(x.shape, shape) ? x : new Tensor(K.broadcastTo(x.data, x.shape, shape), shape),
  [Primitive.Transpose]: ([x], { perm }) =>
    new Tensor(
      K.transpose(x.data, x.shape, perm),
      perm.map((p) => x.shape[p]),
    ),
  [Primitive.Slice]: ([x], { start, stop, step }) => {
    const shape = start.map((s, d) => Math.max(0, Math.ceil((stop[d] - s) / step[d])));
    return new Tensor(K.slice(x.data, x.shape, start, step, shape), shape);
  },
  [Primitive.Pad]: ([x], { start, step, shape }) =>
    new Tensor(K.pad(x.data, x.shape, start, step, shape), shape),
  [Primitive.Concat]: (inputs, { axis }) => {
    const shape = inputs[0].shape.slice();
    shape[axis] = inputs.reduce((n, x) => n + x.shape[axis], 0);
    return new Tensor(
      K.concat(
        inputs.map((x) => x.data),
        inputs.map((x) => x.shape),
        axis,
      ),
      shape,
    );
  },
  [Primitive.Take]: ([x], { axis, indices, indexShape }) => {
    const shape = [...x.shape.slice(0, axis), ...indexShape, ...x.shape.slice(axis + 1)];
    return new Tensor(K.take(x.data, x.shape, axis, indices), shape);
  },
  [Primitive.ScatterAdd]: ([x], { axis, indices, indexShape, size }) => {
    const outer = x.shape.slice(0, axis);
    const inner = x.shape.slice(axis + indexShape.length);
    const data = K.scatterAdd(x.data, sizeOf(outer), sizeOf(inner), indices, size);
    return new Tensor(data, [...outer, size, ...inner]);
  },
  [Primitive.StopGradient]: ([x]) => x,
  [Primitive.Scan]: (inputs, params) => loopKernel("scan")(inputs, params),
  [Primitive.While]: (inputs, params) => loopKernel("while")(inputs, params),
  [Primitive.Threefry2x32]: (inputs) => {
    const shape = broadcastShapesOf(
      "threefry2x32",
      inputs.map((x) => x.shape),
    );
    const words = inputs.map((x) =>
      sameShape(x.shape, shape) ? x.data : K.broadcastTo(x.data, x.shape, shape),
    );
    return new Tensor(threefry2x32(words[0], words[1], words[2], words[3]), [...shape, 2]);
  },
};
