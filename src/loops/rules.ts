/**
 * The rules of the loop primitives, one per transformation table. A loop's output is one flat
 * tensor, its packed results: the final carry leaves, then each per-step output stacked over the
 * steps ([length, ...shape], Scan only); the public ops (loops.ts) slice it apart. Derived loops
 * are loops again: the JVP of a scan is a scan of the body's JVP, its VJP a forward scan storing
 * the carries (length × carry size floats) and a reverse scan of the body's pullback, its batched
 * form a scan of the batched body — so under jit all of them compile to a loop.
 */
import { bind } from "../core.js";
import type { Graph } from "../jit/graph.js";
import * as ops from "../ops.js";
import { Primitive, type ParamsOf } from "../primitives/primitive.js";
import { Tensor } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import { zeros } from "../tensor/creation.js";
import { interpret, outputShapes, runBody, traceBody } from "./body.js";
import { jvp, vjp } from "../transforms/api.js";
import { vmapFlat } from "../transforms/batch.js";
import { loopKernels } from "./kernels.js";

type ScanParams = ParamsOf<Primitive.Scan>;
type WhileParams = ParamsOf<Primitive.While>;

/** Consecutive pieces of `xs` of these lengths. */
export function split<T>(xs: readonly T[], lengths: readonly number[]): T[][] {
  let at = 0;
  return lengths.map((n) => xs.slice(at, (at += n)));
}

/** Where each packed result starts: carries, then per-step outputs over `length` steps. */
export function scanLayout(body: Graph, nCarry: number, length: number) {
  const shapes = outputShapes(body);
  const carry = shapes.slice(0, nCarry);
  const ys = shapes.slice(nCarry);
  const offsets: number[] = [];
  let total = 0;
  for (const s of carry) {
    offsets.push(total);
    total += sizeOf(s);
  }
  const carrySize = total;
  for (const s of ys) {
    offsets.push(total);
    total += length * sizeOf(s);
  }
  return { carry, ys, offsets, carrySize, total };
}

/** The packed results as leaves: carries, then per-step outputs stacked ([length, ...shape]). */
export function unpack(packed: Tensor, body: Graph, nCarry: number, length: number): Tensor[] {
  const { carry, ys, offsets } = scanLayout(body, nCarry, length);
  const shapes = [...carry, ...ys.map((s) => [length, ...s])];
  return shapes.map((s, i) =>
    ops.reshape(ops.slice(packed, [offsets[i], offsets[i] + sizeOf(s)]), s),
  );
}

/** One step's slices of the stacked inputs (a view per leaf). */
function stepOf(xs: readonly Tensor[], t: number, length: number): Tensor[] {
  return xs.map((x) => {
    const n = x.size / length;
    return new Tensor(x.data.subarray(t * n, (t + 1) * n), x.shape.slice(1));
  });
}

export function evalScan(inputs: Tensor[], p: ScanParams): Tensor {
  const { body, length, nCarry, nXs, reverse } = p;
  const [init, xs, consts] = split(inputs, [nCarry, nXs, inputs.length - nCarry - nXs]);
  const { offsets, total, ys } = scanLayout(body, nCarry, length);
  const out = new Float64Array(total);
  let carry = init;
  for (let s = 0; s < length; s++) {
    const t = reverse ? length - 1 - s : s;
    const outs = runBody(body, [...carry, ...stepOf(xs, t, length), ...consts]);
    carry = outs.slice(0, nCarry);
    ys.forEach((shape, j) =>
      out.set(outs[nCarry + j].data, offsets[nCarry + j] + t * sizeOf(shape)),
    );
  }
  carry.forEach((c, i) => out.set(c.data, offsets[i]));
  return new Tensor(out, [total]);
}

const shapesOf = (xs: readonly Tensor[]): number[][] => xs.map((x) => x.shape.slice());
const stepShapes = (xs: readonly Tensor[]): number[][] => xs.map((x) => x.shape.slice(1));

/** A scan of a traced body over these inputs (the body's captured values appended). */
function scanOf(
  fn: (ins: Tensor[]) => Tensor[],
  groups: { carry: Tensor[]; xs: Tensor[]; consts: Tensor[] },
  length: number,
  reverse: boolean,
  checkpoint?: number,
): { packed: Tensor; body: Graph } {
  const { carry, xs, consts } = groups;
  const { graph, captured } = traceBody(fn, [
    ...shapesOf(carry),
    ...stepShapes(xs),
    ...shapesOf(consts),
  ]);
  const params = {
    body: graph,
    length,
    nCarry: carry.length,
    nXs: xs.length,
    reverse,
    // a scan rebound by jvp or vmap keeps its checkpointing for a later reverse pass
    ...(checkpoint === undefined ? {} : { checkpoint }),
  };
  return {
    packed: bind(Primitive.Scan, [...carry, ...xs, ...consts, ...captured], params),
    body: graph,
  };
}

/** Tangent: a scan over (carry, carry tangent) of the body's JVP. */
export function jvpScan(primals: Tensor[], tangents: (Tensor | null)[], p: ScanParams): Tensor {
  const { nCarry: n, nXs: m, length } = p;
  const q = primals.length - n - m;
  const ts = tangents.map((t, i) => t ?? zeros(primals[i].shape));
  const [c, xs, k] = split(primals, [n, m, q]);
  const [ct, xts, kt] = split(ts, [n, m, q]);
  const fn = (ins: Tensor[]): Tensor[] => {
    const [cc, cct, xx, xxt, kk, kkt] = split(ins, [n, n, m, m, q, q]);
    const [outs, touts] = jvp(
      (...a: Tensor[]) => interpret(p.body, a),
      [...cc, ...xx, ...kk],
      [...cct, ...xxt, ...kkt],
    );
    return [...outs.slice(0, n), ...touts.slice(0, n), ...outs.slice(n), ...touts.slice(n)];
  };
  const groups = { carry: [...c, ...ct], xs: [...xs, ...xts], consts: [...k, ...kt] };
  const { packed } = scanOf(fn, groups, length, p.reverse, p.checkpoint);
  const { carrySize: C, total } = scanLayout(p.body, n, length);
  const Y = total - C;
  const parts = (
    [
      [C, 2 * C],
      [2 * C + Y, 2 * C + 2 * Y],
    ] as [number, number][]
  ).filter(([a, b]) => b > a);
  if (parts.length === 0) return zeros([0]);
  return ops.concat(parts.map((range) => ops.slice(packed, range)));
}

/** The two bodies of reverse mode: a step that also outputs its input carry, and its pullback. */
function reverseBodies(body: Graph, n: number, m: number, q: number) {
  const r = outputShapes(body).length - n;
  const storing = (ins: Tensor[]): Tensor[] => [
    ...interpret(body, ins).slice(0, n),
    ...ins.slice(0, n),
  ];
  const back = (ins: Tensor[]): Tensor[] => {
    const [gc, gk, cs, xx, cty, kk] = split(ins, [n, q, n, m, r, q]);
    const [, pull] = vjp((...a: Tensor[]) => interpret(body, a), ...cs, ...xx, ...kk);
    const grads = pull([...gc, ...cty]);
    const [dc, dx, dk] = split(grads, [n, m, q]);
    return [...dc, ...gk.map((g, i) => ops.add(g, dk[i])), ...dx];
  };
  return { r, storing, back };
}

/** Cotangents: a forward scan storing each step's carry, then the body's pullback in reverse. */
export function vjpScan(ct: Tensor, primals: Tensor[], p: ScanParams): Tensor[] {
  const { nCarry: n, nXs: m, length, body } = p;
  if (p.checkpoint !== undefined && !p.reverse)
    return vjpScanCheckpointed(ct, primals, p, p.checkpoint);
  const q = primals.length - n - m;
  const [c0, xs, k] = split(primals, [n, m, q]);
  const bodies = reverseBodies(body, n, m, q);
  const [ctC, ctY] = split(unpack(ct, body, n, length), [n, bodies.r]);
  const zk = k.map((x) => zeros(x.shape));
  const pulled = pullbackScan(bodies, { c: c0, xs, k }, [...ctC, ...zk], ctY, length, p.reverse);
  const [dc0, dk, dxs] = split(pulled, [n, q, m]);
  return [...dc0, ...dxs, ...dk];
}

/**
 * The pullback of `steps` steps from the carry c: a forward scan stores each step's carry, then
 * the body's pullback runs over them in the other direction from the cotangents `g` of the carry
 * and the constants; returns their cotangents at the start, then those of the xs, per step.
 */
function pullbackScan(
  bodies: ReturnType<typeof reverseBodies>,
  from: { c: Tensor[]; xs: Tensor[]; k: Tensor[] },
  g: Tensor[],
  ctY: Tensor[],
  steps: number,
  reverse: boolean,
): Tensor[] {
  const { c, xs, k } = from;
  const fwd = scanOf(bodies.storing, { carry: c, xs, consts: k }, steps, reverse);
  const stored = unpack(fwd.packed, fwd.body, c.length, steps).slice(c.length);
  const groups = { carry: g, xs: [...stored, ...xs, ...ctY], consts: k };
  const res = scanOf(bodies.back, groups, steps, !reverse);
  return unpack(res.packed, res.body, c.length + k.length, steps);
}

/**
 * Reverse mode with rematerialisation over S segments of K steps (length = S·K): a forward scan
 * over the segments stores only each segment's first carry; the backward scan over the segments
 * recomputes the K carries of a segment from it, then runs that segment's pullbacks in reverse.
 */
function vjpScanCheckpointed(ct: Tensor, primals: Tensor[], p: ScanParams, K: number): Tensor[] {
  const { nCarry: n, nXs: m, length, body } = p;
  const S = length / K;
  const q = primals.length - n - m;
  const [c0, xs, k] = split(primals, [n, m, q]);
  const bodies = reverseBodies(body, n, m, q);
  const r = bodies.r;
  const bySegment = (x: Tensor): Tensor => ops.reshape(x, [S, K, ...x.shape.slice(1)]);
  const segmentStep = (ins: Tensor[]): Tensor[] => {
    const [cc, xx, kk] = split(ins, [n, m, q]);
    const steps = (a: Tensor[]): Tensor[] => interpret(body, a).slice(0, n);
    const inner = scanOf(steps, { carry: cc, xs: xx, consts: kk }, K, false);
    return [...unpack(inner.packed, inner.body, n, K), ...cc];
  };
  const fwd = scanOf(segmentStep, { carry: c0, xs: xs.map(bySegment), consts: k }, S, false);
  const starts = unpack(fwd.packed, fwd.body, n, S).slice(n);
  const [ctC, ctY] = split(unpack(ct, body, n, length), [n, r]);
  const segmentBack = (ins: Tensor[]): Tensor[] => {
    const [gc, gk, cs, xx, cty, kk] = split(ins, [n, q, n, m, r, q]);
    return pullbackScan(bodies, { c: cs, xs: xx, k: kk }, [...gc, ...gk], cty, K, false);
  };
  const groups = {
    carry: [...ctC, ...k.map((x) => zeros(x.shape))],
    xs: [...starts, ...xs.map(bySegment), ...ctY.map(bySegment)],
    consts: k,
  };
  const res = scanOf(segmentBack, groups, S, true);
  const [dc0, dk, dxs] = split(unpack(res.packed, res.body, n + q, S), [n, q, m]);
  return [...dc0, ...dxs.map((d, i) => ops.reshape(d, xs[i].shape)), ...dk];
}

/** Every input batched (axis 0), per-step inputs time-major: a scan of the batched body. */
export function batchScan(
  values: Tensor[],
  batched: boolean[],
  p: ScanParams,
  size: number,
): Tensor {
  const { nCarry: n, nXs: m, length } = p;
  const all = values.map((v, i) => (batched[i] ? v : ops.broadcastTo(v, [size, ...v.shape])));
  const [c, xs, k] = split(all, [n, m, all.length - n - m]);
  const timeMajor = xs.map((x) =>
    ops.transpose(x, [1, 0, ...x.shape.slice(2).map((_d, i) => i + 2)]),
  );
  const fn = (ins: Tensor[]): Tensor[] => vmapFlat((a) => interpret(p.body, a), ins, size);
  const res = scanOf(fn, { carry: c, xs: timeMajor, consts: k }, length, p.reverse, p.checkpoint);
  const leaves = unpack(res.packed, res.body, n, length);
  const pieces = leaves.map((leaf, i) => {
    if (i < n) return ops.reshape(leaf, [size, -1]);
    const perExample = ops.transpose(leaf, [1, 0, ...leaf.shape.slice(2).map((_d, j) => j + 2)]);
    return ops.reshape(perExample, [size, -1]);
  });
  return pieces.length === 1 ? pieces[0] : ops.concat(pieces, 1);
}

// ------------------------------------------------------------------------------ whileLoop

/** The carry after the loop, packed (flat). */
export function evalWhile(inputs: Tensor[], p: WhileParams): Tensor {
  const { cond, body, nCarry, nBodyConsts } = p;
  const [init, kb, kc] = split(inputs, [nCarry, nBodyConsts, inputs.length - nCarry - nBodyConsts]);
  let carry = init;
  for (;;) {
    const go = runBody(cond, [...carry, ...kc])[0];
    if (go.size !== 1) throw new Error("whileLoop: cond must return one number (a scalar)");
    if (go.data[0] === 0) break;
    carry = runBody(body, [...carry, ...kb]);
  }
  const total = carry.reduce((s, x) => s + x.size, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const x of carry) {
    out.set(x.data, at);
    at += x.size;
  }
  return new Tensor(out, [total]);
}

/** A While primitive over traced cond and body; kb, kc: their explicit consts. */
export function whileOf(
  condFn: (ins: Tensor[]) => Tensor[],
  bodyFn: (ins: Tensor[]) => Tensor[],
  carry: Tensor[],
  kb: Tensor[],
  kc: Tensor[],
): Tensor {
  const body = traceBody(bodyFn, [...shapesOf(carry), ...shapesOf(kb)]);
  const cond = traceBody(condFn, [...shapesOf(carry), ...shapesOf(kc)]);
  const bodyConsts = [...kb, ...body.captured];
  return bind(Primitive.While, [...carry, ...bodyConsts, ...kc, ...cond.captured], {
    cond: cond.graph,
    body: body.graph,
    nCarry: carry.length,
    nBodyConsts: bodyConsts.length,
  });
}

/** Tangent: a while loop over (carry, carry tangent) of the body's JVP, cond on the primal. */
export function jvpWhile(primals: Tensor[], tangents: (Tensor | null)[], p: WhileParams): Tensor {
  const { nCarry: n, nBodyConsts: nb } = p;
  const nc = primals.length - n - nb;
  const ts = tangents.map((t, i) => t ?? zeros(primals[i].shape));
  const [c, kb, kc] = split(primals, [n, nb, nc]);
  const [ct, kbt] = split(ts, [n, nb]);
  const bodyFn = (ins: Tensor[]): Tensor[] => {
    const [cc, cct, kk, kkt] = split(ins, [n, n, nb, nb]);
    const [outs, touts] = jvp(
      (...a: Tensor[]) => interpret(p.body, a),
      [...cc, ...kk],
      [...cct, ...kkt],
    );
    return [...outs, ...touts];
  };
  const condFn = (ins: Tensor[]): Tensor[] => {
    const [cc, , kk] = split(ins, [n, n, nc]);
    return interpret(p.cond, [...cc, ...kk]);
  };
  const packed = whileOf(condFn, bodyFn, [...c, ...ct], [...kb, ...kbt], kc);
  const C = c.reduce((s, x) => s + x.size, 0);
  return ops.slice(packed, [C, 2 * C]);
}

/** Batched: runs while any example's cond holds; an example whose cond fails keeps its carry. */
export function batchWhile(
  values: Tensor[],
  batched: boolean[],
  p: WhileParams,
  size: number,
): Tensor {
  const { nCarry: n, nBodyConsts: nb } = p;
  const all = values.map((v, i) => (batched[i] ? v : ops.broadcastTo(v, [size, ...v.shape])));
  const nc = all.length - n - nb;
  const [c, kb, kc] = split(all, [n, nb, nc]);
  const bodyFn = (ins: Tensor[]): Tensor[] =>
    vmapFlat(
      (a) => {
        const [cc, kk, kkc] = split(a, [n, nb, nc]);
        const go = ops.compare(interpret(p.cond, [...cc, ...kkc])[0], 0, "ne");
        return interpret(p.body, [...cc, ...kk]).map((v, i) => ops.where(go, v, cc[i]));
      },
      ins,
      size,
    );
  const condFn = (ins: Tensor[]): Tensor[] => {
    const go = vmapFlat((a) => [ops.compare(interpret(p.cond, a)[0], 0, "ne")], ins, size)[0];
    return [ops.max(go)];
  };
  const packed = whileOf(condFn, bodyFn, c, [...kb, ...kc], kc);
  const pieces: Tensor[] = [];
  let at = 0;
  for (const x of c) {
    pieces.push(ops.reshape(ops.slice(packed, [at, at + x.size]), [size, -1]));
    at += x.size;
  }
  return pieces.length === 1 ? pieces[0] : ops.concat(pieces, 1);
}

export function vjpWhile(): never {
  throw new Error(
    "whileLoop: reverse-mode differentiation (grad, vjp, jacrev) is not supported: its number " +
      "of steps is known only at run time; use forward mode (jvp, jacfwd), or foriLoop or scan " +
      "with a fixed number of steps",
  );
}

loopKernels.scan = evalScan;
loopKernels.while = evalWhile;
