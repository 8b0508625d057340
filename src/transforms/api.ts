/**
 * The differentiation API, layered as in JAX: grad on valueAndGrad on vjp; jvp for forward mode.
 * Inputs and outputs are pytrees (numbers and Tensors are leaves; arrays and plain objects are
 * containers); a gradient has the structure of its input, and a number in gives a number out.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Tracer, withNewLevel } from "../core.js";
import { JVPTrace, JVPTracer } from "./jvp.js";
import { VJPTrace, VJPTracer } from "./vjp.js";
import { zeros } from "../tensor/creation.js";
import { describe, flatten, sameStructure, unflatten } from "../tensor/pytree.js";
import type { TreeDef } from "../tensor/pytree.js";
import { fmtShape, sameShape } from "../tensor/shape.js";

/** What a transformed function accepts for a parameter of type T (a number for a Tensor). */
export type ArgOf<T> = [Tensor] extends [T]
  ? Tensor | number // a parameter that takes a Tensor (e.g. TensorLike) is one leaf
  : T extends Tensor
    ? Tensor | number
    : T extends number
      ? number
      : { [K in keyof T]: ArgOf<T[K]> };
export type ArgsOf<P extends readonly unknown[]> = { [K in keyof P]: ArgOf<P[K]> };
/** The gradient (or tangent, cotangent) of a value of type A: the same structure. */
export type GradOf<A> = A extends number
  ? number
  : A extends Tensor
    ? Tensor
    : { [K in keyof A]: GradOf<A[K]> };
/** A function of tensors (any arity and structure). */
export type Fn = (...args: never[]) => unknown;

/** Gradients of concrete leaves that came in as numbers go out as numbers. */
export const concreteNumber = (t: Tensor): boolean => !(t instanceof Tracer);

interface Traced {
  /** f's outputs as a tree of primal values. */
  outDef: TreeDef;
  outPrimals: Tensor[];
  outNodes: number[];
  aux: unknown;
}

/** Runs f on reverse tracers for `primals`; returns the trace and f's outputs. */
export function traceReverse(
  f: (...args: unknown[]) => unknown,
  primals: readonly unknown[],
  hasAux: boolean,
  who: string,
): { trace: VJPTrace; inDef: TreeDef; inNodes: number[]; inLeaves: Tensor[]; out: Traced } {
  return withNewLevel((level) => {
    const trace = new VJPTrace(level);
    const { leaves, def } = flatten(primals, `${who} arguments`);
    const tracers = leaves.map((x) => trace.leaf(x));
    const args = unflatten(def, tracers) as unknown[];
    let result = f(...args);
    let aux: unknown = undefined;
    if (hasAux) {
      if (!Array.isArray(result) || result.length !== 2) {
        throw new Error(`${who}: with hasAux, f must return [output, aux]`);
      }
      [result, aux] = result as [unknown, unknown];
    }
    const flat = flatten(result, `${who}: the output of f`);
    const outNodes = flat.leaves.map((y) =>
      y instanceof VJPTracer && y.trace === trace ? y.node : -1,
    );
    const outPrimals = flat.leaves.map((y) =>
      y instanceof VJPTracer && y.trace === trace ? y.primal : y,
    );
    return {
      trace,
      inDef: def,
      inNodes: tracers.map((t) => t.node),
      inLeaves: leaves,
      out: { outDef: flat.def, outPrimals, outNodes, aux },
    };
  });
}

function makePullback(
  traced: ReturnType<typeof traceReverse>,
  who: string,
): (ct: unknown) => unknown[] {
  const { trace, inDef, inNodes, out } = traced;
  return (ct: unknown) => {
    const flat = flatten(ct, `${who}: the cotangent`);
    if (!sameStructure(flat.def, out.outDef)) {
      throw new Error(
        `${who}: the cotangent has structure ${describe(flat.def, flat.leaves)} but f's output is ${describe(out.outDef, out.outPrimals)}`,
      );
    }
    const seeds = flat.leaves.map((c, i) => {
      const y = out.outPrimals[i];
      if (sameShape(c.shape, y.shape)) return c;
      if (c.size === 1 && y.size === 1) return c.reshape(y.shape);
      throw new Error(
        `${who}: cotangent of shape ${fmtShape(c.shape)} for an output of shape ${fmtShape(y.shape)}`,
      );
    });
    const cts = trace.backward(out.outNodes, seeds, inNodes);
    const leaves = cts.map((c, i) => c ?? zeros(traced.inLeaves[i].shape));
    return unflatten(inDef, leaves, concreteNumber) as unknown[];
  };
}

/**
 * Reverse mode: `[y, pullback]` with y = f(...primals) and pullback(ct) = one cotangent per
 * primal (Jᵀct, shaped like that primal). A number is accepted as ct for a scalar output. The
 * pullback never re-runs f and may be called many times.
 *
 * @example
 * const [y, pullback] = vjp((x: Tensor) => mul(x, x), tensor([1, 2]));
 * y; // → tensor([1, 4])
 * pullback(tensor([1, 1]))[0]; // → tensor([2, 4])
 */
export function vjp<P extends unknown[] = Tensor[], R = Tensor, A extends ArgsOf<P> = ArgsOf<P>>(
  f: (...args: P) => R,
  ...primals: A
): [R, (ct: GradOf<R> | number) => GradOf<A>] {
  const traced = traceReverse(f as (...args: unknown[]) => unknown, primals, false, "vjp");
  const y = unflatten(traced.out.outDef, traced.out.outPrimals) as R;
  return [y, makePullback(traced, "vjp") as (ct: GradOf<R> | number) => GradOf<A>];
}

/**
 * Forward mode: `[y, yDot]` with yDot = J·tangents; primals and tangents are arrays with one
 * entry per argument of f, tangents shaped like the primals.
 *
 * @example
 * const [y, yDot] = jvp((x: Tensor) => mul(x, x), [tensor([1, 2])], [tensor([1, 0])]);
 * y; // → tensor([1, 4])
 * yDot; // → tensor([2, 0])
 */
export function jvp<P extends unknown[] = Tensor[], R = Tensor, A extends ArgsOf<P> = ArgsOf<P>>(
  f: (...args: P) => R,
  primals: A,
  tangents: GradOf<A> | readonly unknown[],
): [R, GradOf<R>] {
  const p = flatten(primals, "jvp primals");
  const t = flattenTangents("jvp", p, tangents);
  const out = jvpFlat(f as (...args: unknown[]) => unknown, p.def, p.leaves, t);
  return [unflatten(out.def, out.primals) as R, unflatten(out.def, out.tangents) as GradOf<R>];
}

/**
 * The leaves of `tangents`, checked to match the flattened primals in structure and in every
 * leaf's shape; `op` names the transform in the error.
 */
export function flattenTangents(
  op: string,
  p: { leaves: Tensor[]; def: TreeDef },
  tangents: unknown,
): Tensor[] {
  const t = flatten(tangents, `${op} tangents`);
  if (!sameStructure(p.def, t.def)) {
    throw new Error(
      `${op}: tangents ${describe(t.def, t.leaves)} do not match primals ${describe(p.def, p.leaves)}`,
    );
  }
  p.leaves.forEach((x, i) => {
    if (!sameShape(x.shape, t.leaves[i].shape)) {
      throw new Error(
        `${op}: tangent of shape ${fmtShape(t.leaves[i].shape)} for a primal of shape ${fmtShape(x.shape)}`,
      );
    }
  });
  return t.leaves;
}

/** Forward mode on flat leaves: f's output structure, primal leaves and tangent leaves. */
export function jvpFlat(
  f: (...args: unknown[]) => unknown,
  inDef: TreeDef,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): { def: TreeDef; primals: Tensor[]; tangents: Tensor[] } {
  return withNewLevel((level) => {
    const trace = new JVPTrace(level);
    const tracers = primals.map((x, i) => new JVPTracer(trace, x, tangents[i]));
    const out = flatten(f(...(unflatten(inDef, tracers) as unknown[])), "jvp: the output of f");
    const ys = out.leaves.map((y) => (y instanceof JVPTracer && y.trace === trace ? y.primal : y));
    const dys = out.leaves.map((y) =>
      y instanceof JVPTracer && y.trace === trace && y.tangent !== null
        ? y.tangent
        : zeros(y.shape),
    );
    return { def: out.def, primals: ys, tangents: dys };
  });
}

/** Options of grad and valueAndGrad. */
export interface GradOptions {
  /** Which argument(s) to differentiate: a number (default 0) or an array (gives an array). */
  argnums?: number | readonly number[];
  /** f returns [scalar, aux]; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

export function selectArgs(
  args: readonly unknown[],
  argnums: number | readonly number[],
  who: string,
): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= args.length) {
      throw new Error(
        `${who}: argnums ${a} is out of range for a call with ${args.length} argument(s)`,
      );
    }
  }
  return list;
}

function scalarCheck(traced: ReturnType<typeof traceReverse>, who: string): void {
  const { outDef, outPrimals } = traced.out;
  const y = outPrimals[0];
  if (
    outPrimals.length !== 1 ||
    (outDef.kind !== "tensor" && outDef.kind !== "number") ||
    y.size !== 1
  ) {
    const what =
      outPrimals.length === 1
        ? `a tensor of shape ${fmtShape(y.shape)}`
        : describe(outDef, outPrimals);
    throw new Error(
      `${who}: f must return a scalar, but it returned ${what}; use vjp(f, x) for vector-Jacobian products or jacobian(f) for the full Jacobian`,
    );
  }
}

/** f with the non-differentiated arguments fixed; the differentiated ones passed in order. */
export function partial(
  f: Fn,
  args: readonly unknown[],
  which: readonly number[],
): (...diff: unknown[]) => unknown {
  return (...diff: unknown[]) => {
    const full = args.slice();
    which.forEach((a, i) => (full[a] = diff[i]));
    return (f as (...a: unknown[]) => unknown)(...full);
  };
}

/** f traced in reverse mode on the arguments `argnums` selects, the others held fixed. */
export function traceSelected(
  f: Fn,
  args: readonly unknown[],
  argnums: number | readonly number[],
  hasAux: boolean,
  who: string,
): ReturnType<typeof traceReverse> {
  const which = selectArgs(args, argnums, who);
  return traceReverse(
    partial(f, args, which),
    which.map((a) => args[a]),
    hasAux,
    who,
  );
}

/** valueAndGrad's engine: value, aux, gradients (one per selected argument). */
function valueAuxGrad(
  f: Fn,
  args: readonly unknown[],
  options: GradOptions,
  who: string,
): { value: Tensor; aux: unknown; grads: unknown } {
  const argnums = options.argnums ?? 0;
  const traced = traceSelected(f, args, argnums, options.hasAux ?? false, who);
  scalarCheck(traced, who);
  const cts = makePullback(traced, who)(1);
  const value = traced.out.outPrimals[0];
  return {
    value: value.ndim === 0 ? value : value.reshape([]),
    aux: traced.out.aux,
    grads: typeof argnums === "number" ? cts[0] : cts,
  };
}

/**
 * The gradient of a scalar function, curried as in JAX: `grad(f)(x)`. With `argnums` an array,
 * an array of gradients; with `hasAux`, `[grad, aux]`. Errors if f's output is not a scalar.
 *
 * @example
 * grad((x: Tensor) => sum(square(x)))(tensor([1, 2, 3])); // → tensor([2, 4, 6])
 * grad((x: Tensor) => mul(x, mul(x, x)))(2); // → 12
 */
export function grad<P extends unknown[] = Tensor[], N extends number = 0>(
  f: (...args: P) => Tensor | number,
  options?: { argnums?: N; hasAux?: false },
): <A extends ArgsOf<P>>(...args: A) => GradOf<A[N]>;
export function grad<P extends unknown[] = Tensor[]>(
  f: (...args: P) => Tensor | number,
  options: { argnums: readonly number[]; hasAux?: false },
): <A extends ArgsOf<P>>(...args: A) => GradOf<A[number]>[];
export function grad<P extends unknown[] = Tensor[], X = unknown, N extends number = 0>(
  f: (...args: P) => readonly [Tensor | number, X],
  options: { argnums?: N; hasAux: true },
): <A extends ArgsOf<P>>(...args: A) => [GradOf<A[N]>, X];
export function grad<P extends unknown[] = Tensor[], X = unknown>(
  f: (...args: P) => readonly [Tensor | number, X],
  options: { argnums: readonly number[]; hasAux: true },
): <A extends ArgsOf<P>>(...args: A) => [GradOf<A[number]>[], X];
export function grad(f: Fn, options: GradOptions = {}): (...args: never[]) => unknown {
  return (...args: unknown[]) => {
    const { aux, grads } = valueAuxGrad(f, args, options, "grad");
    return options.hasAux ? [grads, aux] : grads;
  };
}

/**
 * `[value, grad]` (or `[[value, aux], grad]` with hasAux), curried as in JAX.
 *
 * @example
 * const [value, g] = valueAndGrad((x: Tensor) => sum(square(x)))(tensor([3, 4]));
 * value; // → tensor(25)
 * g; // → tensor([6, 8])
 */
export function valueAndGrad<P extends unknown[] = Tensor[], N extends number = 0>(
  f: (...args: P) => Tensor | number,
  options?: { argnums?: N; hasAux?: false },
): <A extends ArgsOf<P>>(...args: A) => [Tensor, GradOf<A[N]>];
export function valueAndGrad<P extends unknown[] = Tensor[]>(
  f: (...args: P) => Tensor | number,
  options: { argnums: readonly number[]; hasAux?: false },
): <A extends ArgsOf<P>>(...args: A) => [Tensor, GradOf<A[number]>[]];
export function valueAndGrad<P extends unknown[] = Tensor[], X = unknown, N extends number = 0>(
  f: (...args: P) => readonly [Tensor | number, X],
  options: { argnums?: N; hasAux: true },
): <A extends ArgsOf<P>>(...args: A) => [[Tensor, X], GradOf<A[N]>];
export function valueAndGrad<P extends unknown[] = Tensor[], X = unknown>(
  f: (...args: P) => readonly [Tensor | number, X],
  options: { argnums: readonly number[]; hasAux: true },
): <A extends ArgsOf<P>>(...args: A) => [[Tensor, X], GradOf<A[number]>[]];
export function valueAndGrad(f: Fn, options: GradOptions = {}): (...args: never[]) => unknown {
  return (...args: unknown[]) => {
    const { value, aux, grads } = valueAuxGrad(f, args, options, "valueAndGrad");
    return options.hasAux ? [[value, aux], grads] : [value, grads];
  };
}
