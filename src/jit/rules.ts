/**
 * How `jit` compiles each primitive: its output shape from the input shapes (the graph is built
 * on abstract values, so shapes are all it has), and how code is emitted for it: an elementwise
 * expression template fused into loops (`map`), a reduction fused into the loop producing its
 * operand (`reduce`), an index remapping read in place (`layout`: reshape, broadcast, transpose,
 * slice, pad, concat), or a call of the eval rule (`kernel`). The table is typed
 * `{ [P in Primitive]: … }`, so a new primitive without a jit rule does not compile.
 */
import type { CompareOp, ParamsOf } from "../primitives/primitive.js";
import { Primitive } from "../primitives/primitive.js";
import { broadcastShapes, broadcastShapesOf, reducedShape, sizeOf } from "../tensor/shape.js";

type Shapes = readonly (readonly number[])[];
type ShapeRule<P extends Primitive> = (inputs: Shapes, params: ParamsOf<P>) => number[];

/** An elementwise template: operand expressions in, one JavaScript expression out. */
export type MapTemplate<P extends Primitive> = (args: string[], params: ParamsOf<P>) => string;

export type ReduceKind = "sum" | "max" | "min" | "prod";

export type Emit<P extends Primitive> =
  { map: MapTemplate<P> } | { reduce: ReduceKind } | { layout: true } | { kernel: true };

export interface JitRule<P extends Primitive> {
  shape: ShapeRule<P>;
  emit: Emit<P>;
}

/** Scalar helpers the generated code calls (by these names, `H_<name>`), from `scalar.ts`. */
export { scalarMath as HELPERS } from "../primitives/scalar.js";

const same: ShapeRule<Primitive> = ([x]) => x.slice();
const broadcast: ShapeRule<Primitive> = ([a, b]) => broadcastShapes("jit", a, b);
type Reduction = Primitive.Sum | Primitive.ReduceMax | Primitive.ReduceMin | Primitive.Prod;
const reduced: ShapeRule<Reduction> = ([x], { axes }) => reducedShape(x, axes);

function call(fn: string): { map: MapTemplate<Primitive> } {
  return { map: (a) => `${fn}(${a.join(", ")})` };
}

function unary(fn: string): JitRule<Primitive> {
  return { shape: same, emit: call(fn) };
}

function infix(op: string): JitRule<Primitive> {
  return { shape: broadcast, emit: { map: ([a, b]) => `(${a} ${op} ${b})` } };
}

const COMPARE: Record<CompareOp, string> = {
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
  eq: "===",
  ne: "!==",
};

function reduction(kind: ReduceKind): JitRule<Reduction> {
  return { shape: reduced, emit: { reduce: kind } };
}

const kernel = { kernel: true } as const;
const layout = { layout: true } as const;

/** The leading axes of two matrix stacks broadcast; the last two are [m, n]. */
const matmulShape: ShapeRule<Primitive.MatMul> = ([a, b]) => [
  ...broadcastShapes("matmul", a.slice(0, -2), b.slice(0, -2)),
  a[a.length - 2],
  b[b.length - 1],
];

const svdShape: ShapeRule<Primitive.Svd> = ([x], { part }) => {
  const nd = x.length;
  const [m, n] = [x[nd - 2], x[nd - 1]];
  const r = Math.min(m, n);
  const batch = x.slice(0, nd - 2);
  if (part === "s") return [...batch, r];
  return part === "u" ? [...batch, m, r] : [...batch, r, n];
};

const sliceShape: ShapeRule<Primitive.Slice> = (_x, { start, stop, step }) =>
  start.map((s, d) => Math.max(0, Math.ceil((stop[d] - s) / step[d])));

const concatShape: ShapeRule<Primitive.Concat> = (inputs, { axis }) => {
  const shape = inputs[0].slice();
  shape[axis] = inputs.reduce((n, x) => n + x[axis], 0);
  return shape;
};

export const jitRules: { [P in Primitive]: JitRule<P> } = {
  [Primitive.Neg]: { shape: same, emit: { map: ([x]) => `(-${x})` } },
  [Primitive.Exp]: unary("Math.exp"),
  [Primitive.Log]: unary("Math.log"),
  [Primitive.Log1p]: unary("Math.log1p"),
  [Primitive.Expm1]: unary("Math.expm1"),
  [Primitive.Sin]: unary("Math.sin"),
  [Primitive.Cos]: unary("Math.cos"),
  [Primitive.Tan]: unary("Math.tan"),
  [Primitive.Tanh]: unary("Math.tanh"),
  [Primitive.Sigmoid]: unary("H_sigmoid"),
  [Primitive.Softplus]: unary("H_softplus"),
  [Primitive.Relu]: unary("H_relu"),
  [Primitive.Sqrt]: unary("Math.sqrt"),
  [Primitive.Abs]: unary("Math.abs"),
  [Primitive.Sign]: unary("H_sign"),
  [Primitive.Add]: infix("+"),
  [Primitive.Sub]: infix("-"),
  [Primitive.Mul]: infix("*"),
  [Primitive.Div]: infix("/"),
  [Primitive.Pow]: { shape: broadcast, emit: call("H_pow") },
  [Primitive.Maximum]: { shape: broadcast, emit: call("H_max") },
  [Primitive.Minimum]: { shape: broadcast, emit: call("H_min") },
  [Primitive.Compare]: {
    shape: broadcast,
    emit: { map: ([a, b], { op }) => `(${a} ${COMPARE[op]} ${b} ? 1 : 0)` },
  },
  // where(c, a, b): a where c ≠ 0
  [Primitive.Where]: {
    shape: ([c, a, b]) => broadcastShapes("where", broadcastShapes("where", c, a), b),
    emit: { map: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})` },
  },
  [Primitive.Sum]: reduction("sum"),
  [Primitive.ReduceMax]: reduction("max"),
  [Primitive.ReduceMin]: reduction("min"),
  [Primitive.Prod]: reduction("prod"),
  [Primitive.MatMul]: { shape: matmulShape, emit: kernel },
  [Primitive.Solve]: { shape: ([, b]) => b.slice(), emit: kernel },
  [Primitive.Det]: { shape: ([a]) => a.slice(0, -2), emit: kernel },
  [Primitive.Svd]: { shape: svdShape, emit: kernel },
  [Primitive.Eigh]: {
    shape: ([x], { part }) => (part === "w" ? x.slice(0, -1) : x.slice()),
    emit: kernel,
  },
  [Primitive.Reshape]: { shape: (_x, { shape }) => shape.slice(), emit: layout },
  [Primitive.BroadcastTo]: { shape: (_x, { shape }) => shape.slice(), emit: layout },
  [Primitive.Transpose]: { shape: ([x], { perm }) => perm.map((p) => x[p]), emit: layout },
  [Primitive.Slice]: { shape: sliceShape, emit: layout },
  [Primitive.Pad]: { shape: (_x, { shape }) => shape.slice(), emit: layout },
  [Primitive.Concat]: { shape: concatShape, emit: layout },
  [Primitive.Take]: {
    shape: ([x], { axis, indexShape }) => [
      ...x.slice(0, axis),
      ...indexShape,
      ...x.slice(axis + 1),
    ],
    emit: kernel,
  },
  [Primitive.ScatterAdd]: {
    shape: ([x], { axis, indexShape, size }) => [
      ...x.slice(0, axis),
      size,
      ...x.slice(axis + indexShape.length),
    ],
    emit: kernel,
  },
  [Primitive.StopGradient]: { shape: same, emit: { map: ([x]) => x } },
  [Primitive.Scan]: {
    // the packed results: carries, then each per-step output over `length` steps
    shape: (_x, { body, nCarry, length }) => [
      body.outputs.reduce(
        (s, o, i) => s + (i < nCarry ? 1 : length) * sizeOf(body.nodes[o].shape),
        0,
      ),
    ],
    emit: kernel,
  },
  [Primitive.While]: {
    shape: (_x, { body }) => [body.outputs.reduce((s, o) => s + sizeOf(body.nodes[o].shape), 0)],
    emit: kernel,
  },
  [Primitive.Threefry2x32]: {
    shape: (inputs) => [...broadcastShapesOf("jit", inputs), 2],
    emit: kernel,
  },
};
