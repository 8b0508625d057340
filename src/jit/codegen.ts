/**
 * Emission for `jit`: one JavaScript function per compiled program, generated with `new Function`
 * from the templates of jit-rules.ts only (never from user strings). Each root of the fusion plan
 * becomes one loop nest (elementwise chains, broadcasting, slices, transposes, pads and concats
 * read in place by affine index arithmetic; a reduction accumulates in the loop computing its
 * operand) or one kernel call. Intermediate buffers are allocated once per program.
 */
import type { Graph, GraphNode } from "./graph.js";
import type { BufferPlan, Plan } from "./fuse.js";
import { rootKind, squeezeEquivalent } from "./fuse.js";
import { HELPERS, jitRules, type MapTemplate, type ReduceKind } from "./rules.js";
import { assembleSource } from "./assemble.js";
import { inlineSingleUse } from "./inline.js";
import { evalRules } from "../primitives/eval-rules.js";
import { alloc } from "../primitives/kernels.js";
import { Primitive } from "../primitives/primitive.js";
import { Tensor } from "../tensor/tensor.js";
import { sizeOf, stridesOf } from "../tensor/shape.js";

/** c + Σ k[s]·i_s over the loop variables. */
interface Affine {
  c: number;
  k: number[];
}

function constant(c: number, depth: number): Affine {
  const k: number[] = [];
  for (let s = 0; s < depth; s++) k.push(0);
  return { c, k };
}
const unit = (s: number, depth: number): Affine => {
  const a = constant(0, depth);
  a.k[s] = 1;
  return a;
};
const shift = (a: Affine, c: number): Affine => ({ c: a.c + c, k: a.k });
const scale = (a: Affine, f: number): Affine => ({ c: a.c * f, k: a.k.map((v) => v * f) });

function flatIndex(map: readonly Affine[], shape: readonly number[], depth: number): Affine {
  const out = constant(0, depth);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1) {
      const a = map[d];
      out.c += a.c * stride;
      for (let s = 0; s < a.k.length; s++) out.k[s] += a.k[s] * stride;
    }
    stride *= shape[d];
  }
  return out;
}

function affineText(a: Affine): string {
  const terms: string[] = [];
  a.k.forEach((v, s) => {
    if (v === 1) terms.push(`i${s}`);
    else if (v !== 0) terms.push(`${v} * i${s}`);
  });
  if (a.c !== 0 || terms.length === 0) terms.push(String(a.c));
  return terms.join(" + ");
}

function literal(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return Object.is(v, -0) ? "-0" : v < 0 ? `(${v})` : String(v);
}

/** The value of a constant whose entries are all equal (a broadcast seed, zeros), if so. */
function uniformValue(data: Float64Array): number | undefined {
  if (data.length === 0) return undefined;
  const v = data[0];
  for (let i = 1; i < data.length; i++) if (!Object.is(data[i], v)) return undefined;
  return v;
}

/** Reads a node of shape `to` broadcast into a position of shape `from` (numpy rules). */
function broadcastMap(map: readonly Affine[], from: readonly number[], to: readonly number[]) {
  const lead = from.length - to.length;
  const depth = map.length > 0 ? map[0].k.length : 0;
  return to.map((d, t) => (d === 1 ? constant(0, depth) : map[t + lead]));
}

/** Roots of at most this many elements that hold a concat or a pad are emitted unrolled. */
const UNROLL_MAX = 8;

/** The memo key of a node read at a position. */
function memoKey(id: number, map: readonly Affine[]): string {
  let key = `${id}`;
  for (const a of map) {
    key += `|${a.c}`;
    for (const v of a.k) key += `,${v}`;
  }
  return key;
}

/** A local's name or a number literal. */
const SIMPLE = /^(v\d+|\(?-?[\d.e+]+\)?)$/;

/** What the emitted program needs besides its code. */
export interface ProgramParts {
  consts: Tensor[];
  kernels: ((inputs: Tensor[], params: unknown) => Tensor)[];
  kernelParams: unknown[];
  shapes: number[][];
}

class Emitter {
  readonly lines: string[] = [];
  /** Indices of the lines declaring top-level names of `run` (`const name = …;`). */
  readonly tops: number[] = [];
  readonly parts: ProgramParts = { consts: [], kernels: [], kernelParams: [], shapes: [] };
  private body: string[] = [];
  private memo = new Map<string, string>();
  private vars = 0;
  private root = -1;
  /** The buffer reads of the loop body being emitted (to choose the loop order). */
  private readIndices: Affine[] = [];
  /** Known ranges [lo, hi) of the loop variables (null: unknown) and guard breakpoints. */
  private ranges: ([number, number] | null)[] = [];
  private breaks: Set<number>[] = [];
  private depth = 0;
  private readonly constIndex = new Map<number, number>();

  /** Roots whose loop holds a concat or a pad. */
  private readonly branchy = new Set<number>();

  constructor(
    private readonly graph: Graph,
    private readonly plan: Plan,
    private readonly buffers: BufferPlan,
  ) {
    graph.nodes.forEach((node, id) => {
      if (node.kind === "op" && (node.prim === Primitive.Concat || node.prim === Primitive.Pad))
        this.branchy.add(plan.group[id]);
    });
  }

  /** A top-level declaration of `run`. */
  top(name: string, expr: string): void {
    this.tops.push(this.lines.length);
    this.lines.push(`const ${name} = ${expr};`);
  }

  /** The JavaScript name of a node's buffer. */
  name(id: number): string {
    const node = this.graph.nodes[id];
    if (node.kind === "input") return `a${id}`;
    if (node.kind === "const") return `c${id}`;
    const slot = this.buffers.slot.get(id);
    return slot === undefined ? `b${id}` : `p${slot}`;
  }

  constIndexOf(id: number): number {
    let k = this.constIndex.get(id);
    if (k === undefined) {
      k = this.parts.consts.length;
      this.parts.consts.push((this.graph.nodes[id] as { value: Tensor }).value);
      this.constIndex.set(id, k);
    }
    return k;
  }

  /** An index with the loop variables whose range holds one value replaced by it. */
  private fold(a: Affine): Affine {
    let out = a;
    a.k.forEach((v, s) => {
      const r = this.ranges[s];
      if (v === 0 || r === null || r === undefined || r[1] - r[0] !== 1) return;
      if (out === a) out = { c: a.c, k: a.k.slice() };
      out.c += v * r[0];
      out.k[s] = 0;
    });
    return out;
  }

  /** A read of a buffer at a flat index. */
  private readFlat(id: number, index: Affine): string {
    const node = this.graph.nodes[id];
    if (node.kind === "const") {
      const v = uniformValue(node.value.data);
      if (v !== undefined) return literal(v);
    }
    if (sizeOf(node.shape) === 1) return `${this.name(id)}[0]`;
    this.readIndices.push(index);
    return `${this.name(id)}[${affineText(this.fold(index))}]`;
  }

  /** The expression of node `id` at the position `map` (one affine coordinate per axis). */
  gen(id: number, map: Affine[]): string {
    const node = this.graph.nodes[id];
    if (node.kind !== "op" || (id !== this.root && this.plan.group[id] === id))
      return this.readFlat(id, flatIndex(map, node.shape, this.depth));
    const key = memoKey(id, map);
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const expr = this.genOp(node, map);
    if (SIMPLE.test(expr)) {
      this.memo.set(key, expr); // a name or a literal: no new local
      return expr;
    }
    const v = `v${this.vars++}`;
    this.body.push(`const ${v} = ${expr};`);
    this.memo.set(key, v);
    return v;
  }

  private genOp(node: GraphNode & { kind: "op" }, map: Affine[]): string {
    const emit = jitRules[node.prim].emit;
    if ("map" in emit) {
      const args = node.inputs.map((i) =>
        this.gen(i, broadcastMap(map, node.shape, this.graph.nodes[i].shape)),
      );
      return (emit.map as MapTemplate<Primitive>)(args, node.params as never);
    }
    return this.genLayout(node, map);
  }

  private genLayout(node: GraphNode & { kind: "op" }, map: Affine[]): string {
    const [x] = node.inputs;
    const xShape = this.graph.nodes[x].shape;
    switch (node.prim) {
      case Primitive.Reshape: {
        if (!squeezeEquivalent(xShape, node.shape))
          return this.readFlat(x, flatIndex(map, node.shape, this.depth));
        const kept = map.filter((_a, d) => node.shape[d] !== 1);
        let k = 0;
        return this.gen(
          x,
          xShape.map((d) => (d === 1 ? constant(0, this.depth) : kept[k++])),
        );
      }
      case Primitive.BroadcastTo:
        return this.gen(x, broadcastMap(map, node.shape, xShape));
      case Primitive.Transpose: {
        const { perm } = node.params as { perm: number[] };
        const inMap = new Array<Affine>(perm.length);
        perm.forEach((p, d) => (inMap[p] = map[d]));
        return this.gen(x, inMap);
      }
      case Primitive.Slice: {
        const { start, step } = node.params as { start: number[]; step: number[] };
        return this.gen(
          x,
          map.map((a, d) => shift(scale(a, step[d]), start[d])),
        );
      }
      case Primitive.Pad:
        return this.genPad(x, xShape, node, map);
      case Primitive.Concat:
        return this.genConcat(node, map);
      default:
        throw new Error(`jit: no inline emission for ${node.prim}`);
    }
  }

  /** Pad (unit steps): the input where the position falls in its window, else 0. */
  private genPad(
    x: number,
    xShape: number[],
    node: GraphNode & { kind: "op" },
    map: Affine[],
  ): string {
    const { start } = node.params as { start: number[] };
    const guards: string[] = [];
    for (let d = 0; d < map.length; d++) {
      if (xShape[d] === node.shape[d]) continue;
      const a = map[d];
      const hi = start[d] + xShape[d];
      const above = this.decide(a, ">=", start[d]);
      const below = this.decide(a, "<", hi);
      if (above === false || below === false) return "0";
      const e = affineText(a);
      if (above === null) guards.push(`${e} >= ${start[d]}`);
      if (below === null) guards.push(`${e} < ${hi}`);
    }
    const inMap = map.map((a, d) => shift(a, -start[d]));
    if (guards.length === 0) return this.gen(x, inMap);
    return this.branches([{ cond: guards.join(" && "), build: () => this.gen(x, inMap) }], "0");
  }

  /** Concat: the input whose range along the axis holds the position. */
  private genConcat(node: GraphNode & { kind: "op" }, map: Affine[]): string {
    const { axis } = node.params as { axis: number };
    const a = map[axis];
    const pieces: { end: number; build: () => string }[] = [];
    let offset = 0;
    for (const i of node.inputs) {
      const off = offset;
      const inMap = map.map((m, d) => (d === axis ? shift(m, -off) : m));
      offset += this.graph.nodes[i].shape[axis];
      pieces.push({ end: offset, build: () => this.gen(i, inMap) });
    }
    const e = affineText(a);
    const arms: { cond: string; build: () => string }[] = [];
    for (let j = 0; j < pieces.length; j++) {
      const inside = j === pieces.length - 1 ? true : this.decide(a, "<", pieces[j].end);
      if (inside === false) continue;
      if (inside === true) {
        if (arms.length === 0) return pieces[j].build();
        arms.push({ cond: "true", build: pieces[j].build });
        break;
      }
      arms.push({ cond: `${e} < ${pieces[j].end}`, build: pieces[j].build });
    }
    return this.branches(arms, "0");
  }

  /**
   * `a >= bound` or `a < bound` when known from the loop ranges (true/false), else null. A
   * condition on one loop variable records its breakpoint, where the loop may be split so that
   * every piece decides it statically.
   */
  private decide(a: Affine, op: ">=" | "<", bound: number): boolean | null {
    const vars = a.k.flatMap((v, s) => (v === 0 ? [] : [s]));
    if (vars.some((s) => this.ranges[s] === null)) {
      if (vars.length === 1 && a.k[vars[0]] === 1) this.breaks[vars[0]].add(bound - a.c);
      return null;
    }
    let lo = a.c;
    let hi = a.c;
    for (const s of vars) {
      const [from, to] = this.ranges[s]!;
      const v = a.k[s];
      lo += v > 0 ? v * from : v * (to - 1);
      hi += v > 0 ? v * (to - 1) : v * from;
    }
    if (op === ">=") return lo >= bound ? true : hi < bound ? false : null;
    return hi < bound ? true : lo >= bound ? false : null;
  }

  /**
   * `if (cond₁) {…} else if (cond₂) {…}` into a fresh variable (else `otherwise`): each branch's
   * statements run only when its condition holds, so no buffer is read out of range, and values
   * computed inside a branch are not visible outside it.
   */
  private branches(arms: { cond: string; build: () => string }[], otherwise: string): string {
    const v = `v${this.vars++}`;
    this.body.push(`let ${v} = ${otherwise};`);
    const outer = this.body;
    const outerMemo = this.memo;
    arms.forEach((arm, j) => {
      this.body = [];
      this.memo = new Map(outerMemo);
      const expr = arm.build();
      const head =
        j === 0 ? `if (${arm.cond}) {` : arm.cond === "true" ? "else {" : `else if (${arm.cond}) {`;
      outer.push(head, ...this.body, `${v} = ${expr};`, "}");
    });
    this.body = outer;
    this.memo = outerMemo;
    return v;
  }

  /** Runs `build` with a fresh loop body; returns the body's statements. */
  private inBody(depth: number, build: () => string, keep?: () => string): string[] {
    this.body = [];
    this.memo = new Map();
    this.readIndices = [];
    this.depth = depth;
    const last = build();
    return inlineSingleUse([...this.body, last], new Set(keep ? [keep()] : []));
  }

  private loops(axes: { size: number; v: number }[], inner: string[]): string[] {
    let lines = inner;
    for (let j = axes.length - 1; j >= 0; j--) {
      const { size, v } = axes[j];
      lines = [loopHead(v, 0, size), ...lines, "}"];
    }
    return lines;
  }

  /**
   * The innermost loop over axis `v`, split at the breakpoints its guards recorded: each piece's
   * body is generated with the range known, so pad and concat guards vanish from the hot loop.
   */
  private splitLoop(v: number, size: number, build: () => string[], first: string[]): string[] {
    const cuts = [...this.breaks[v]].filter((b) => b > 0 && b < size).sort((x, y) => x - y);
    if (cuts.length === 0 && size !== 1) return [loopHead(v, 0, size), ...first, "}"];
    const points = [0, ...new Set(cuts), size];
    if (points.length > 6) points.splice(1, points.length - 2);
    const out: string[] = [];
    for (let j = 0; j + 1 < points.length; j++) {
      const [lo, hi] = [points[j], points[j + 1]];
      this.ranges[v] = [lo, hi];
      out.push(loopHead(v, lo, hi), ...build(), "}");
    }
    this.ranges[v] = null;
    return out;
  }

  emitMapRoot(r: number): void {
    this.root = r;
    const shape = this.graph.nodes[r].shape;
    const depth = shape.length;
    const out = this.name(r);
    const identity = shape.map((_d, s) => unit(s, depth));
    this.ranges = shape.map(() => null);
    this.breaks = shape.map(() => new Set<number>());
    const build = (): string[] =>
      this.inBody(depth, () => {
        const e = this.gen(r, identity);
        return `${out}[${affineText(this.fold(flatIndex(identity, shape, depth)))}] = ${e};`;
      });
    if (depth > 0 && sizeOf(shape) <= UNROLL_MAX && this.branchy.has(r)) {
      this.emitUnrolled(shape, build);
      return;
    }
    const body = build();
    if (depth === 0) {
      this.lines.push("{", ...body, "}");
      return;
    }
    const inner = this.innermostAxis(shape);
    const outer = [...shape.keys()].filter((s) => s !== inner).map((v) => ({ size: shape[v], v }));
    const innerLoops = this.splitLoop(inner, shape[inner], build, body);
    this.lines.push(...this.loops(outer, innerLoops));
  }

  /**
   * A tiny root with concats or pads: one block per element, each built with every loop variable
   * known, so every branch is decided while emitting (no guard, no loop, no discarded build).
   */
  private emitUnrolled(shape: readonly number[], build: () => string[]): void {
    const strides = stridesOf(shape);
    for (let flat = 0; flat < sizeOf(shape); flat++) {
      const index = shape.map((d, s) => Math.floor(flat / strides[s]) % d);
      this.ranges = index.map((i) => [i, i + 1]);
      const decls = index.map((i, s) => `const i${s} = ${i};`).join(" ");
      this.lines.push(`{ ${decls}`, ...build(), "}");
    }
    this.ranges = shape.map(() => null);
  }

  /**
   * The loop axis to run innermost: the one along which most reads (and the write, on the last
   * axis) move by one element, so the inner loop walks memory contiguously. Ties keep the last.
   */
  private innermostAxis(shape: readonly number[]): number {
    const depth = shape.length;
    if (depth < 2) return depth - 1;
    const score = new Array<number>(depth).fill(0);
    score[depth - 1] += 1;
    for (const a of this.readIndices)
      a.k.forEach((v, s) => {
        if (Math.abs(v) === 1 && shape[s] > 1) score[s] += 1;
      });
    let best = depth - 1;
    for (let s = 0; s < depth; s++) if (score[s] > score[best]) best = s;
    return best;
  }

  emitReduceRoot(r: number): void {
    this.root = r;
    const node = this.graph.nodes[r] as GraphNode & { kind: "op" };
    const kind = (jitRules[node.prim].emit as { reduce: ReduceKind }).reduce;
    const { axes } = node.params as { axes: number[] };
    const x = node.inputs[0];
    const xShape = this.graph.nodes[x].shape;
    const order = [...xShape.keys()].filter((d) => !axes.includes(d)).concat(axes);
    const depth = xShape.length;
    this.ranges = xShape.map(() => null);
    this.breaks = xShape.map(() => new Set<number>());
    const pos = new Array<number>(depth);
    order.forEach((d, s) => (pos[d] = s));
    let value = "";
    const body = this.inBody(
      depth,
      () => {
        value = this.gen(
          x,
          xShape.map((_d, d) => unit(pos[d], depth)),
        );
        return "";
      },
      () => value,
    );
    const axesOf = order.map((d, s) => ({ size: xShape[d], v: s }));
    const kept = axesOf.slice(0, depth - axes.length);
    const reduced = axesOf.slice(depth - axes.length);
    const last = reduced[reduced.length - 1];
    const inner =
      last !== undefined && last.size >= 16
        ? this.loops(reduced.slice(0, -1), unrolled(kind, last.v, last.size, body, value))
        : this.loops(reduced, [...body, combine(kind, "acc", value)]);
    inner.unshift(`let acc = ${literal(INIT[kind])};`);
    inner.push(`${this.name(r)}[o++] = acc;`);
    this.lines.push("{", "let o = 0;", ...this.loops(kept, inner), "}");
  }

  emitKernelRoot(r: number): void {
    const node = this.graph.nodes[r] as GraphNode & { kind: "op" };
    const k = this.parts.kernels.length;
    this.parts.kernels.push(evalRules[node.prim] as (inputs: Tensor[], params: unknown) => Tensor);
    this.parts.kernelParams.push(node.params);
    const args = node.inputs.map((i) => {
      const n = this.graph.nodes[i];
      if (n.kind === "input") return `I[${n.index}]`;
      if (n.kind === "const") return `C[${this.constIndexOf(i)}]`;
      const s = this.parts.shapes.length;
      this.parts.shapes.push(n.shape);
      return `new T(${this.name(i)}, S[${s}])`;
    });
    this.top(this.name(r), `R[${k}]([${args.join(", ")}], RP[${k}]).data`);
  }
}

/**
 * Output arrays of compiled programs. Up to 64 entries: the runtime's allocator; up to 16 Ki
 * entries: views of 1 MiB slabs (a separate backing store per array costs about 1.5 µs, more than
 * the loop filling a thousand entries); beyond: their own arrays. A slab lives while any of its
 * views does; its memory is never reused.
 */
const OUT_SLAB_BYTES = 1 << 20;
const OUT_SLAB_MAX = 16384;
let outSlab = new ArrayBuffer(OUT_SLAB_BYTES);
let outSlabOffset = 0;

function allocOutput(n: number): Float64Array {
  if (n <= 64) return alloc(n);
  if (n > OUT_SLAB_MAX) return new Float64Array(n);
  if (outSlabOffset + n * 8 > OUT_SLAB_BYTES) {
    outSlab = new ArrayBuffer(OUT_SLAB_BYTES);
    outSlabOffset = 0;
  }
  const out = new Float64Array(outSlab, outSlabOffset, n);
  outSlabOffset += n * 8;
  return out;
}

const INIT: Record<ReduceKind, number> = { sum: 0, max: -Infinity, min: Infinity, prod: 1 };

function combine(kind: ReduceKind, acc: string, e: string): string {
  if (kind === "sum") return `${acc} += ${e};`;
  if (kind === "prod") return `${acc} *= ${e};`;
  const op = kind === "max" ? ">" : "<";
  return `{ const u = ${e}; if (!(${acc} ${op} u || ${acc} !== ${acc})) ${acc} = u; }`;
}

/**
 * The innermost reduced loop unrolled by four into four partial accumulators (combined into
 * `acc` after it), so consecutive additions do not wait on each other.
 */
function unrolled(kind: ReduceKind, v: number, size: number, body: string[], e: string): string[] {
  const init = literal(INIT[kind]);
  const copy = (offset: string, acc: string): string[] => [
    "{",
    `const i${v} = ${offset};`,
    ...body,
    combine(kind, acc, e),
    "}",
  ];
  const main = size - (size % 4);
  return [
    `let q0 = ${init}, q1 = ${init}, q2 = ${init}, q3 = ${init};`,
    `for (let u${v} = 0; u${v} < ${main}; u${v} += 4) {`,
    ...[0, 1, 2, 3].flatMap((j) => copy(`u${v} + ${j}`, `q${j}`)),
    "}",
    `for (let u${v} = ${main}; u${v} < ${size}; u${v}++) {`,
    ...copy(`u${v}`, "q0"),
    "}",
    ...[0, 1, 2, 3].map((j) => combine(kind, "acc", `q${j}`)),
  ];
}

/** A loop over i<v> from lo to hi; a block with a constant when it runs once. */
function loopHead(v: number, lo: number, hi: number): string {
  if (hi - lo === 1) return `{ const i${v} = ${lo};`;
  return `for (let i${v} = ${lo}; i${v} < ${hi}; i${v}++) {`;
}

/** The compiled program: input tensors in, one data array per output node out. */
export type RunProgram = ((inputs: readonly Tensor[]) => Float64Array[]) & {
  /** The generated factory source (its length measures the code size). */
  readonly source?: string;
};

/** Generates and instantiates the program for a planned graph. */
export function emitProgram(graph: Graph, plan: Plan, buffers: BufferPlan): RunProgram {
  const em = new Emitter(graph, plan, buffers);
  const outputs = new Set(graph.outputs);
  const head: string[] = [];
  graph.nodes.forEach((node, id) => {
    if (node.kind === "input") em.top(`a${id}`, `I[${node.index}].data`);
    if (node.kind === "const") head.push(`const c${id} = C[${em.constIndexOf(id)}].data;`);
  });
  const cuts = [em.lines.length];
  for (const r of plan.roots) {
    const kind = rootKind(graph.nodes[r]);
    if (kind !== "kernel" && outputs.has(r))
      em.top(em.name(r), `A(${sizeOf(graph.nodes[r].shape)})`);
    if (kind === "map") em.emitMapRoot(r);
    else if (kind === "reduce") em.emitReduceRoot(r);
    else em.emitKernelRoot(r);
    cuts.push(em.lines.length);
  }
  buffers.slotSizes.forEach((n, s) => head.push(`const p${s} = new Float64Array(${n});`));
  for (const h of Object.keys(HELPERS)) head.push(`const H_${h} = H.${h};`);
  const ret = `return [${graph.outputs.map((o) => em.name(o)).join(", ")}];`;
  const source = assembleSource(head, { lines: em.lines, tops: em.tops, cuts, ret });
  // The source is built only from our own templates, numbers and generated names.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function("C", "R", "RP", "S", "T", "H", "A", source) as (
    ...args: unknown[]
  ) => RunProgram;
  const { consts, kernels, kernelParams, shapes } = em.parts;
  const run = factory(consts, kernels, kernelParams, shapes, Tensor, HELPERS, allocOutput);
  return Object.assign(run, { source });
}
