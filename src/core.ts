/**
 * The interpreter stack. Every op calls `bind(prim, inputs, params)`. With no tracer among the
 * inputs (no transformation active) it runs the eval rule directly on the typed arrays: the
 * eval path costs one `instanceof` per input. Otherwise the trace of highest level among the
 * inputs processes the primitive (JVP, reverse, batching, or a custom interpreter), usually by
 * binding again on lower-level values: this is how transformations nest (JAX's design).
 */
import type { ParamsOf } from "./primitives/primitive.js";
import type { Primitive } from "./primitives/primitive.js";
import { EMPTY_DATA, Tensor } from "./tensor/tensor.js";
import { evalRules } from "./primitives/eval-rules.js";
import { fmtShape } from "./tensor/shape.js";
import { RESULT, TensorSizeError } from "./tensor/memory.js";

/** A transformation in progress. Levels order nested transformations: higher is inner. */
export abstract class Trace {
  constructor(readonly level: number) {}
  /** Wraps a value that is not one of this trace's tracers (a constant for this trace). */
  abstract lift(x: Tensor): Tracer;
  /** Applies `prim` to this trace's tracers; returns a tracer of this trace or a plain value. */
  abstract process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor;
}

/** A Tensor whose value is being transformed. Its `shape` is the logical (per-example) shape. */
export abstract class Tracer extends Tensor {
  abstract readonly trace: Trace;

  constructor(shape: readonly number[]) {
    super(EMPTY_DATA, shape);
  }

  /** The concrete value when one exists (JVP and reverse tracers carry their primal). */
  abstract concrete(): Tensor;

  override get data(): Float64Array {
    return this.concrete().data;
  }
}

let depth = 0;

/** Runs `body` with a fresh trace level above every active one. */
export function withNewLevel<T>(body: (level: number) => T): T {
  depth += 1;
  try {
    return body(depth);
  } finally {
    depth -= 1;
  }
}

/** The trace of highest level among `values`, or null when all are concrete. */
export function topTrace(values: readonly unknown[]): Trace | null {
  let top: Trace | null = null;
  for (const x of values) {
    if (x instanceof Tracer) {
      const t = x.trace;
      if (top === null || t.level > top.level) top = t;
      else if (t.level === top.level && t !== top) {
        throw new Error(
          "a tracer escaped its transformation (it was used after the transform returned)",
        );
      }
    }
  }
  return top;
}

export type Phase = "forward" | "backward";

/** Called after every concrete primitive application (see `setPrimitiveObserver`). */
export type PrimitiveObserver = (
  prim: Primitive,
  inputs: readonly Tensor[],
  output: Tensor,
  phase: Phase,
) => void;

let observer: PrimitiveObserver | null = null;
let phase: Phase = "forward";

/**
 * Installs a hook called after every concrete primitive application, in forward passes and in
 * the backward passes of reverse mode (`phase`), e.g. to find the first non-finite value.
 * Pass null to remove it. Returns the previous observer. Costs one null check when unset.
 */
export function setPrimitiveObserver(next: PrimitiveObserver | null): PrimitiveObserver | null {
  const previous = observer;
  observer = next;
  return previous;
}

/** Whether a primitive observer is installed (transformations that compile run eagerly then). */
export function isObserving(): boolean {
  return observer !== null;
}

/** The primitive whose VJP rule the backward pass is running, and where it was applied. */
export interface RuleContext {
  prim: Primitive;
  primals: readonly Tensor[];
  /** The stack where the forward primitive was applied (recorded while an observer watches). */
  site: string | undefined;
}

let rule: RuleContext | null = null;

/** The VJP rule running now (for observers: whose backward pass made this value). */
export function currentRule(): RuleContext | null {
  return rule;
}

/** Runs `body` as the VJP rule of `next` (see `currentRule`). */
export function inRule<T>(next: RuleContext, body: () => T): T {
  const previous = rule;
  rule = next;
  try {
    return body();
  } finally {
    rule = previous;
  }
}

/** Runs `body` with the observer phase set (reverse mode marks its backward pass). */
export function inPhase<T>(next: Phase, body: () => T): T {
  const previous = phase;
  phase = next;
  try {
    return body();
  } finally {
    phase = previous;
  }
}

/** Applies a primitive to tensors: the single entry point of every op. */
export function bind<P extends Primitive>(prim: P, inputs: Tensor[], params: ParamsOf<P>): Tensor {
  const top = topTrace(inputs);
  if (top === null) {
    let out: Tensor;
    try {
      out = evalRules[prim](inputs, params);
    } catch (e) {
      if (e instanceof TensorSizeError && e.what === RESULT)
        throw new TensorSizeError(`${prim} of ${shapesText(inputs)}`, e.entries);
      throw e;
    }
    if (observer !== null) observer(prim, inputs, out, phase);
    return out;
  }
  const tracers = new Array<Tracer>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    tracers[i] = x instanceof Tracer && x.trace === top ? x : top.lift(x);
  }
  return top.process(prim, tracers, params);
}

/** Shapes of the inputs for error messages: `[2,3] and [3]`. */
function shapesText(inputs: readonly Tensor[]): string {
  return inputs.map((x) => fmtShape(x.shape)).join(" and ");
}
