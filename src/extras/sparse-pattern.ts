/**
 * Jacobian sparsity patterns by propagating index sets: every element of every intermediate value
 * carries the set of input elements it depends on, and one rule per primitive maps input sets to
 * output sets (a table typed `{ [P in Primitive]: … }`, so a new primitive without a rule does not
 * compile). The pattern tracer also carries the primal value, so f may branch on values.
 *
 * The patterns are structural (a product's pattern is the union of its factors' patterns even where
 * a value happens to be zero), so they are a superset of the true nonzeros: safe for colouring.
 */
import { Trace, Tracer, bind, withNewLevel } from "../core.js";
import { evalRules } from "../primitives/eval-rules.js";
import type { ParamsOf } from "../primitives/primitive.js";
import { Primitive } from "../primitives/primitive.js";
import { keepDimsShape, sameShape, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * One index set per element (row-major), in compressed form: the set of element i is
 * `idx[ptr[i] .. ptr[i+1])`, without duplicates (not necessarily sorted).
 */
export interface IndexSets {
  ptr: Int32Array;
  idx: Int32Array;
}

/** Beyond this many (element, input) pairs the pattern is dense enough to call for `jacobian`. */
const MAX_ENTRIES = 50_000_000;

function emptySets(size: number): IndexSets {
  return { ptr: new Int32Array(size + 1), idx: new Int32Array(0) };
}

function identitySets(size: number): IndexSets {
  const ptr = new Int32Array(size + 1);
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    ptr[i + 1] = i + 1;
    idx[i] = i;
  }
  return { ptr, idx };
}

function setsSize(sets: IndexSets): number {
  return sets.ptr.length - 1;
}

/** Removes duplicates within each element's set, compacting in place order. */
function dedupe(raw: IndexSets, columns: number): IndexSets {
  const size = setsSize(raw);
  const seen = new Int32Array(columns).fill(-1);
  const ptr = new Int32Array(size + 1);
  const idx = new Int32Array(raw.idx.length);
  let k = 0;
  for (let i = 0; i < size; i++) {
    for (let p = raw.ptr[i]; p < raw.ptr[i + 1]; p++) {
      const j = raw.idx[p];
      if (seen[j] !== i) {
        seen[j] = i;
        idx[k++] = j;
      }
    }
    ptr[i + 1] = k;
  }
  return { ptr, idx: k === idx.length ? idx : idx.slice(0, k) };
}

function checkEntries(total: number): void {
  if (total > MAX_ENTRIES) {
    throw new Error(
      `sparseJacobian: the sparsity pattern has over ${MAX_ENTRIES} entries, so the Jacobian is ` +
        `not sparse; use jacobian (dense) instead`,
    );
  }
}

/** A source for a gather: out element o takes the set of `sets` element `map[o]` (none if < 0). */
interface GatherSource {
  sets: IndexSets;
  /** null: the identity map. */
  map: Int32Array | null;
}

/** Adds the sizes of the gathered sets to counts[o + 1]. */
function countGathered(counts: Int32Array, sets: IndexSets, map: Int32Array | null): void {
  const outSize = counts.length - 1;
  const ptr = sets.ptr;
  if (map === null) {
    for (let o = 0; o < outSize; o++) counts[o + 1] += ptr[o + 1] - ptr[o];
    return;
  }
  for (let o = 0; o < outSize; o++) {
    const e = map[o];
    if (e >= 0) counts[o + 1] += ptr[e + 1] - ptr[e];
  }
}

/** Copies the gathered sets into idx at each output's fill position, advancing it. */
function copyGathered(
  idx: Int32Array,
  fill: Int32Array,
  sets: IndexSets,
  map: Int32Array | null,
): void {
  const { ptr, idx: from } = sets;
  for (let o = 0; o < fill.length; o++) {
    const e = map === null ? o : map[o];
    if (e < 0) continue;
    let at = fill[o];
    for (let p = ptr[e]; p < ptr[e + 1]; p++) idx[at++] = from[p];
    fill[o] = at;
  }
}

/** out[o] = ∪ₖ sourceₖ.sets[sourceₖ.map[o]]. */
function gatherUnion(outSize: number, given: GatherSource[], columns: number): IndexSets {
  // Constants (empty sets) add nothing; x ⊙ x unites a set with itself.
  const sources = given.filter(
    (s, k) =>
      s.sets.idx.length > 0 && !given.slice(0, k).some((t) => t.sets === s.sets && t.map === s.map),
  );
  if (sources.length === 0) return emptySets(outSize);
  const single = sources.length === 1 ? sources[0] : undefined;
  if (single && single.map === null) return single.sets;
  const counts = new Int32Array(outSize + 1);
  for (const { sets, map } of sources) countGathered(counts, sets, map);
  for (let o = 0; o < outSize; o++) counts[o + 1] += counts[o];
  checkEntries(counts[outSize]);
  const idx = new Int32Array(counts[outSize]);
  const fill = counts.slice(0, outSize);
  for (const { sets, map } of sources) copyGathered(idx, fill, sets, map);
  return single ? { ptr: counts, idx } : dedupe({ ptr: counts, idx }, columns);
}

/** out[dest[e]] ⊇ sets[e] for every input element e (dest < 0: dropped). */
function scatterUnion(
  outSize: number,
  sets: IndexSets,
  dest: Int32Array,
  columns: number,
): IndexSets {
  const counts = new Int32Array(outSize + 1);
  const size = setsSize(sets);
  for (let e = 0; e < size; e++) {
    const o = dest[e];
    if (o >= 0) counts[o + 1] += sets.ptr[e + 1] - sets.ptr[e];
  }
  for (let o = 0; o < outSize; o++) counts[o + 1] += counts[o];
  checkEntries(counts[outSize]);
  const fill = counts.slice(0, outSize);
  const idx = new Int32Array(counts[outSize]);
  for (let e = 0; e < size; e++) {
    const o = dest[e];
    if (o < 0) continue;
    for (let p = sets.ptr[e]; p < sets.ptr[e + 1]; p++) idx[fill[o]++] = sets.idx[p]!;
  }
  return dedupe({ ptr: counts, idx }, columns);
}

/** Flat indices computed in float64 (exact below 2⁵³) as an index array. */
function indexMap(data: Float64Array): Int32Array {
  return Int32Array.from(data);
}

/** A tensor holding its own flat indices 0, 1, …, size − 1 (plus `offset`). */
function indexTensor(shape: readonly number[], offset = 0): Tensor {
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = i + offset;
  return new Tensor(data, shape);
}

/** For each element of a broadcast result of shape `outShape`, the source element of `shape`. */
function broadcastMap(shape: readonly number[], outShape: readonly number[]): Int32Array | null {
  if (sameShape(shape, outShape)) return null;
  return indexMap(
    evalRules[Primitive.BroadcastTo]([indexTensor(shape)], { shape: [...outShape] }).data,
  );
}

/** The value of one input as a rule sees it. */
export interface PatternInput {
  shape: readonly number[];
  sets: IndexSets;
}

/** The context of a rule: the output shape and the number of differentiated input elements. */
interface RuleContext {
  outShape: readonly number[];
  columns: number;
}

type SparsityRule<P extends Primitive> = (
  inputs: PatternInput[],
  params: ParamsOf<P>,
  ctx: RuleContext,
) => IndexSets;

/** Elementwise with numpy broadcasting: the union of the (broadcast) inputs' sets. */
function broadcastUnion(inputs: PatternInput[], ctx: RuleContext): IndexSets {
  const sources = inputs.map((x) => ({ sets: x.sets, map: broadcastMap(x.shape, ctx.outShape) }));
  return gatherUnion(sizeOf(ctx.outShape), sources, ctx.columns);
}

/** The union over `axes` (dropped from the shape). */
function reduceSets(
  x: PatternInput,
  axes: readonly number[],
  columns: number,
): { shape: number[]; sets: IndexSets } {
  const keep = keepDimsShape(x.shape, axes);
  const shape = x.shape.filter((_, d) => !axes.includes(d));
  if (axes.length === 0) return { shape, sets: x.sets };
  const dest = indexMap(
    evalRules[Primitive.BroadcastTo]([indexTensor(keep)], { shape: [...x.shape] }).data,
  );
  return { shape, sets: scatterUnion(sizeOf(shape), x.sets, dest, columns) };
}

/** Sets of shape `shape` (leading axes of `outShape`), repeated over the remaining axes. */
function spreadOver(
  sets: IndexSets,
  shape: readonly number[],
  outShape: readonly number[],
): GatherSource {
  const padded = [...shape, ...outShape.slice(shape.length).map(() => 1)];
  return { sets, map: broadcastMap(padded, outShape) };
}

const same: SparsityRule<Primitive> = ([x]) => x.sets;
const none: SparsityRule<Primitive> = (_inputs, _params, ctx) => emptySets(sizeOf(ctx.outShape));
const elementwise: SparsityRule<Primitive> = (inputs, _params, ctx) => broadcastUnion(inputs, ctx);
type Reduction = Primitive.Sum | Primitive.ReduceMax | Primitive.ReduceMin | Primitive.Prod;
const reduction: SparsityRule<Reduction> = ([x], { axes }, ctx) =>
  reduceSets(x, axes, ctx.columns).sets;

/** A rule that gathers from its single input through the primitive's own eval rule. */
function gatherByEval<P extends Primitive>(prim: P): SparsityRule<P> {
  return ([x], params, ctx) => {
    const map = indexMap(evalRules[prim]([indexTensor(x.shape)], params).data);
    return gatherUnion(sizeOf(ctx.outShape), [{ sets: x.sets, map }], ctx.columns);
  };
}

/** out[..., i, j] = (∪ₖ A[..., i, k]) ∪ (∪ₖ B[..., k, j]). */
const matmulRule: SparsityRule<Primitive.MatMul> = ([a, b], _params, ctx) => {
  const rows = reduceSets(a, [a.shape.length - 1], ctx.columns);
  const cols = reduceSets(b, [b.shape.length - 2], ctx.columns);
  const rowShape = [...rows.shape, 1];
  const colShape = [...cols.shape.slice(0, -1), 1, cols.shape[cols.shape.length - 1]];
  const sources = [
    { sets: rows.sets, map: broadcastMap(rowShape, ctx.outShape) },
    { sets: cols.sets, map: broadcastMap(colShape, ctx.outShape) },
  ];
  return gatherUnion(sizeOf(ctx.outShape), sources, ctx.columns);
};

/** Every output of a matrix's factorisation depends on the whole matrix (per batch). */
const wholeMatrix: SparsityRule<Primitive> = ([a], _params, ctx) => {
  const nd = a.shape.length;
  const whole = reduceSets(a, [nd - 2, nd - 1], ctx.columns);
  return gatherUnion(
    sizeOf(ctx.outShape),
    [spreadOver(whole.sets, whole.shape, ctx.outShape)],
    ctx.columns,
  );
};

/** Loops: every output entry may depend on every input entry. */
const everyInput: SparsityRule<Primitive> = (inputs, _params, ctx) => {
  const sources = inputs.map((x) => {
    const whole = reduceSets(x, [...x.shape.keys()], ctx.columns);
    return { sets: whole.sets, map: broadcastMap(whole.shape, ctx.outShape) };
  });
  return gatherUnion(sizeOf(ctx.outShape), sources, ctx.columns);
};

/** X = A⁻¹B: X[..., i, j] depends on all of A and on column j of B. */
const solveRule: SparsityRule<Primitive.Solve> = ([a, b], _params, ctx) => {
  const nd = a.shape.length;
  const whole = reduceSets(a, [nd - 2, nd - 1], ctx.columns);
  const cols = reduceSets(b, [nd - 2], ctx.columns);
  const colShape = [...cols.shape.slice(0, -1), 1, cols.shape[cols.shape.length - 1]];
  const sources = [
    spreadOver(whole.sets, whole.shape, ctx.outShape),
    { sets: cols.sets, map: broadcastMap(colShape, ctx.outShape) },
  ];
  return gatherUnion(sizeOf(ctx.outShape), sources, ctx.columns);
};

/** Concatenated inputs: gather from the inputs' sets laid end to end. */
const concatRule: SparsityRule<Primitive.Concat> = (inputs, params, ctx) => {
  const totalSize = inputs.reduce((n, x) => n + sizeOf(x.shape), 0);
  const totalIdx = inputs.reduce((n, x) => n + x.sets.idx.length, 0);
  const ptr = new Int32Array(totalSize + 1);
  const idx = new Int32Array(totalIdx);
  let offset = 0;
  let at = 0;
  const indexTensors = inputs.map((x) => {
    const size = sizeOf(x.shape);
    const t = indexTensor(x.shape, offset);
    for (let i = 1; i <= size; i++) ptr[offset + i] = at + x.sets.ptr[i];
    idx.set(x.sets.idx, at);
    offset += size;
    at += x.sets.idx.length;
    return t;
  });
  const map = indexMap(evalRules[Primitive.Concat](indexTensors, params).data);
  return gatherUnion(sizeOf(ctx.outShape), [{ sets: { ptr, idx }, map }], ctx.columns);
};

/** Pad places the input in a window of zeros: pad the indices + 1, so 0 marks "no source". */
const padRule: SparsityRule<Primitive.Pad> = ([x], params, ctx) => {
  const shifted = evalRules[Primitive.Pad]([indexTensor(x.shape, 1)], params).data;
  const map = indexMap(shifted.map((v) => v - 1));
  return gatherUnion(sizeOf(ctx.outShape), [{ sets: x.sets, map }], ctx.columns);
};

/** ScatterAdd adds input slices into output positions: Take of the output's indices says where. */
const scatterAddRule: SparsityRule<Primitive.ScatterAdd> = (
  [x],
  { axis, indices, indexShape },
  ctx,
) => {
  const takeParams = { axis, indices, indexShape };
  const dest = indexMap(evalRules[Primitive.Take]([indexTensor(ctx.outShape)], takeParams).data);
  return scatterUnion(sizeOf(ctx.outShape), x.sets, dest, ctx.columns);
};

export const sparsityRules: { [P in Primitive]: SparsityRule<P> } = {
  [Primitive.Neg]: same,
  [Primitive.Exp]: same,
  [Primitive.Log]: same,
  [Primitive.Log1p]: same,
  [Primitive.Expm1]: same,
  [Primitive.Sin]: same,
  [Primitive.Cos]: same,
  [Primitive.Tan]: same,
  [Primitive.Tanh]: same,
  [Primitive.Sigmoid]: same,
  [Primitive.Softplus]: same,
  [Primitive.Relu]: same,
  [Primitive.Sqrt]: same,
  [Primitive.Abs]: same,
  // d sign = 0 (almost everywhere)
  [Primitive.Sign]: none,
  [Primitive.Add]: elementwise,
  [Primitive.Sub]: elementwise,
  [Primitive.Mul]: elementwise,
  [Primitive.Div]: elementwise,
  [Primitive.Pow]: elementwise,
  [Primitive.Maximum]: elementwise,
  [Primitive.Minimum]: elementwise,
  // comparisons are piecewise constant: zero derivative
  [Primitive.Compare]: none,
  // where(c, a, b) depends on a and b; c only selects
  [Primitive.Where]: (inputs, _params, ctx) => broadcastUnion(inputs.slice(1), ctx),
  [Primitive.Sum]: reduction,
  [Primitive.ReduceMax]: reduction,
  [Primitive.ReduceMin]: reduction,
  [Primitive.Prod]: reduction,
  [Primitive.MatMul]: matmulRule,
  [Primitive.Solve]: solveRule,
  [Primitive.Det]: wholeMatrix,
  [Primitive.Svd]: wholeMatrix,
  [Primitive.Eigh]: wholeMatrix,
  [Primitive.Reshape]: same,
  [Primitive.BroadcastTo]: gatherByEval(Primitive.BroadcastTo),
  [Primitive.Transpose]: gatherByEval(Primitive.Transpose),
  [Primitive.Slice]: gatherByEval(Primitive.Slice),
  [Primitive.Pad]: padRule,
  [Primitive.Concat]: concatRule,
  [Primitive.Take]: gatherByEval(Primitive.Take),
  [Primitive.ScatterAdd]: scatterAddRule,
  [Primitive.StopGradient]: none,
  // random bits: zero derivative
  [Primitive.Threefry2x32]: none,
  [Primitive.Scan]: everyInput,
  [Primitive.While]: everyInput,
};

// ---------------------------------------------------------------------------------------------
// The pattern interpreter

class PatternTracer extends Tracer {
  constructor(
    readonly trace: PatternTrace,
    readonly primal: Tensor,
    readonly sets: IndexSets,
  ) {
    super(primal.shape);
  }

  concrete(): Tensor {
    return this.primal;
  }
}

class PatternTrace extends Trace {
  constructor(
    level: number,
    readonly columns: number,
  ) {
    super(level);
  }

  lift(x: Tensor): Tracer {
    return new PatternTracer(this, x, emptySets(x.size));
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor {
    const tracers = inputs as PatternTracer[];
    const primal = bind(
      prim,
      tracers.map((t) => t.primal),
      params,
    );
    const rule = sparsityRules[prim] as SparsityRule<P>;
    const sets = rule(
      tracers.map((t) => ({ shape: t.shape, sets: t.sets })),
      params,
      { outShape: primal.shape, columns: this.columns },
    );
    return new PatternTracer(this, primal, sets);
  }
}

/** The detected pattern of y = f(x): one set of input (flat) indices per output element. */
export interface JacobianPattern {
  output: Tensor;
  sets: IndexSets;
}

/** Runs f once on a pattern tracer of x and returns f(x) with the dependency sets of its elements. */
export function detectPattern(f: (x: Tensor) => Tensor, x: Tensor): JacobianPattern {
  return withNewLevel((level) => {
    const trace = new PatternTrace(level, x.size);
    const y = f(new PatternTracer(trace, x, identitySets(x.size)));
    if (!(y instanceof Tensor)) {
      throw new Error(`sparseJacobian: f must return a Tensor, got ${typeof y}`);
    }
    if (y instanceof PatternTracer && y.trace === trace) return { output: y.primal, sets: y.sets };
    // f's output does not depend on x: an all-zero pattern.
    const output = y instanceof Tracer ? y.concrete() : y;
    return { output, sets: emptySets(output.size) };
  });
}
