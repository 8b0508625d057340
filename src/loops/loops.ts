/**
 * Loops as primitives, after JAX's lax.scan, fori_loop and while_loop: the body is traced once
 * (loop-body.ts) and the loop is one primitive (Scan or While), so `jit` compiles it to a real
 * loop over a body compiled once, whatever the number of steps, and every transformation has a
 * rule for it (loop-rules.ts).
 */
import type { Tensor } from "../tensor/tensor.js";
import { Primitive } from "../primitives/primitive.js";
import { bind } from "../core.js";
import { asTensor } from "../tensor/creation.js";
import * as ops from "../ops.js";
import { flatten, sameStructure, unflatten, type TreeDef } from "../tensor/pytree.js";
import { checkCarry, traceBody } from "./body.js";
import { split, unpack, whileOf } from "./rules.js";

export interface ScanOptions {
  /** The number of steps; required without xs, else it must equal their leading length. */
  length?: number;
  /** Run the steps from last to first (ys still line up with xs). */
  reverse?: boolean;
  /**
   * Rematerialisation for reverse mode: store the carry only at the start of segments of about
   * √length steps and recompute each segment's carries when its pullback runs — √length × carry
   * size floats stored instead of length × carry size, for one more forward pass.
   */
  checkpoint?: boolean;
}

/** The segment length for checkpointing: the divisor of `length` closest to √length. */
export function checkpointSegment(length: number): number {
  const root = Math.sqrt(length);
  let best = 1;
  for (let d = 1; d <= length; d++)
    if (length % d === 0 && Math.abs(d - root) < Math.abs(best - root)) best = d;
  return best;
}

/** The leaves of a tree with an empty tree for null or undefined. */
const leavesOf = (tree: unknown, what: string): { leaves: Tensor[]; def: TreeDef } =>
  flatten(tree ?? [], what);

function scanLength(op: string, xs: readonly Tensor[], length: number | undefined): number {
  const lengths = new Set(xs.map((x) => (x.ndim === 0 ? -1 : x.shape[0])));
  if (lengths.has(-1)) throw new Error(`${op}: every leaf of xs needs a leading (step) axis`);
  if (lengths.size > 1)
    throw new Error(
      `${op}: the leaves of xs have different leading lengths ${[...lengths].join(", ")}`,
    );
  const fromXs = xs.length > 0 ? xs[0].shape[0] : undefined;
  if (fromXs !== undefined && length !== undefined && length !== fromXs)
    throw new Error(`${op}: length ${length} differs from the leading length ${fromXs} of xs`);
  const n = fromXs ?? length;
  if (n === undefined) throw new Error(`${op}: without xs, give { length }`);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${op}: length must be an integer ≥ 0, got ${n}`);
  return n;
}

/**
 * Threads a carry through the steps of `f(carry, x) → [carry, y]`, x running over the leading
 * axis of xs (pytrees), and stacks the ys: `[finalCarry, ys]`. The carry keeps its structure and
 * shapes. f is traced once, so under `jit` this is a real loop with the body compiled once;
 * eagerly it runs that compiled body at each step. Differentiable both ways (reverse mode stores
 * every step's carry: length × carry size floats; with `{ checkpoint: true }` about √length of
 * them, recomputing the rest) and batched by vmap.
 *
 * @example
 * const [total, partial] = scan((c: Tensor, x: Tensor) => [add(c, x), add(c, x)], tensor(0), tensor([1, 2, 3]));
 * total; // → tensor(6)
 * partial; // → tensor([1, 3, 6])
 * // a time integrator: 1,000 steps, compiled once
 * const [s] = scan((s: Tensor) => [add(s, mul(s, 0.001)), null], tensor([1, 0]), null, { length: 1000 });
 * // its gradient storing 40 carries instead of 1,000 (segments of 25 steps, recomputed)
 * grad((s0: Tensor) => sum(scan((s: Tensor) => [mul(s, 0.99), null], s0, null, { length: 1000, checkpoint: true })[0]));
 */
export function scan<C, X, Y>(
  f: (carry: C, x: X) => readonly [C, Y],
  init: C,
  xs?: X | null,
  options: ScanOptions = {},
): [C, Y] {
  const c = flatten(init, "scan: init");
  const x = leavesOf(xs, "scan: xs");
  const length = scanLength("scan", x.leaves, options.length);
  let yDef: TreeDef = { kind: "array", children: [] };
  let yNull = false;
  const body = (ins: Tensor[]): Tensor[] => {
    const [cs, xt] = split(ins, [c.leaves.length, x.leaves.length]);
    const xArg = xs === undefined || xs === null ? (xs as X) : (unflatten(x.def, xt) as X);
    const [next, y] = f(unflatten(c.def, cs) as C, xArg);
    const out = flatten(next, "scan: the carry f returned");
    if (!sameStructure(out.def, c.def))
      throw new Error("scan: f returned a carry of another structure than init");
    checkCarry("scan", cs, out.leaves);
    yNull = y === null || y === undefined;
    const ys = leavesOf(y, "scan: the y f returned");
    yDef = ys.def;
    return [...out.leaves, ...ys.leaves];
  };
  const stepShapes = x.leaves.map((t) => t.shape.slice(1));
  const { graph, captured } = traceBody(body, [...c.leaves.map((t) => t.shape), ...stepShapes]);
  const params = {
    body: graph,
    length,
    nCarry: c.leaves.length,
    nXs: x.leaves.length,
    reverse: options.reverse ?? false,
    ...(options.checkpoint === true && length > 3 ? { checkpoint: checkpointSegment(length) } : {}),
  };
  const packed = bind(Primitive.Scan, [...c.leaves, ...x.leaves, ...captured], params);
  const leaves = unpack(packed, graph, c.leaves.length, length);
  const [carry, ys] = split(leaves, [c.leaves.length, leaves.length - c.leaves.length]);
  return [unflatten(c.def, carry) as C, (yNull ? null : unflatten(yDef, ys)) as Y];
}

/**
 * `body(i, carry)` for i = lo, …, hi − 1 (numbers fixed when called): the final carry. A scan
 * over the steps, so it compiles to one loop under `jit` and is differentiable both ways.
 *
 * @example
 * foriLoop(0, 10, (i: Tensor, acc: Tensor) => add(acc, i), tensor(0)); // → tensor(45)
 */
export function foriLoop<C>(lo: number, hi: number, body: (i: Tensor, carry: C) => C, init: C): C {
  if (!Number.isInteger(lo) || !Number.isInteger(hi))
    throw new Error(`foriLoop: lo and hi must be integers, got ${lo} and ${hi}`);
  const [[, out]] = scan(
    ([i, c]: [Tensor, C]): [[Tensor, C], null] => [[ops.add(i, 1), body(i, c)], null],
    [asTensor(lo), init] as [Tensor, C],
    null,
    { length: Math.max(0, hi - lo) },
  );
  return out;
}

/**
 * `carry = body(carry)` while `cond(carry)` is nonzero: the final carry. Under `jit` a real loop
 * (the number of steps is decided at run time). Forward-differentiable (jvp, jacfwd) and batched
 * (each example stops on its own); reverse mode is refused, as in JAX: use foriLoop or scan.
 *
 * @example
 * whileLoop((x: Tensor) => less(x, 100), (x: Tensor) => mul(x, 2), tensor(3)); // → tensor(192)
 */
export function whileLoop<C>(
  cond: (carry: C) => Tensor | number | boolean,
  body: (carry: C) => C,
  init: C,
): C {
  const c = flatten(init, "whileLoop: init");
  const n = c.leaves.length;
  const bodyFn = (ins: Tensor[]): Tensor[] => {
    const out = flatten(body(unflatten(c.def, ins.slice(0, n)) as C), "whileLoop: the carry");
    if (!sameStructure(out.def, c.def))
      throw new Error("whileLoop: body returned a carry of another structure than init");
    checkCarry("whileLoop", ins.slice(0, n), out.leaves);
    return out.leaves;
  };
  const condFn = (ins: Tensor[]): Tensor[] => {
    const go = cond(unflatten(c.def, ins.slice(0, n)) as C);
    const t = typeof go === "boolean" ? asTensor(go ? 1 : 0) : asTensor(go);
    if (t.size !== 1) throw new Error("whileLoop: cond must return one number (a scalar)");
    return [ops.reshape(t, [])];
  };
  const packed = whileOf(condFn, bodyFn, c.leaves, [], []);
  let at = 0;
  const leaves = c.leaves.map((leaf) => {
    const piece = ops.reshape(ops.slice(packed, [at, at + leaf.size]), leaf.shape);
    at += leaf.size;
    return piece;
  });
  return unflatten(c.def, leaves) as C;
}
