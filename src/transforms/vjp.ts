/**
 * Reverse mode: a tape of primitive applications recorded while f runs on reverse tracers, then
 * a backward pass over the tape in reverse order applying the VJP rules. The rules bind traced
 * ops, so the backward pass runs under any outer transformation (grad of grad, jacrev's batch).
 */
import type { ParamsOf } from "../primitives/primitive.js";
import { Primitive } from "../primitives/primitive.js";
import type { Tensor } from "../tensor/tensor.js";
import { Trace, Tracer, bind, inPhase, inRule, isObserving } from "../core.js";
import type { VjpRule } from "./vjp-rules.js";
import { vjpRules } from "./vjp-rules.js";
import { addMaybe, mul, sumToShape } from "./rule-helpers.js";
import { add } from "../ops.js";
import { sameShape } from "../tensor/shape.js";

/** A custom backward function: output cotangent → one cotangent per input (null = zero). */
export type CustomBackward = (ct: Tensor) => (Tensor | null)[];

interface TapeEntry {
  /** The output; cotangents flowing into this entry are summed back to its shape. */
  out: Tensor;
  /** Tape index of each input, -1 for constants. */
  inputs: number[];
  /** Output cotangent → one cotangent per input, built when the step is recorded; null for a leaf. */
  backward: CustomBackward | null;
}

const NON_DIFFERENTIABLE = new Set<Primitive>([
  Primitive.Compare,
  Primitive.Sign,
  Primitive.StopGradient,
  Primitive.Threefry2x32,
]);

export class VJPTracer extends Tracer {
  constructor(
    readonly trace: VJPTrace,
    readonly primal: Tensor,
    readonly node: number,
  ) {
    super(primal.shape);
  }
  concrete(): Tensor {
    return this.primal instanceof Tracer ? this.primal.concrete() : this.primal;
  }
}

export class VJPTrace extends Trace {
  readonly tape: TapeEntry[] = [];

  /** A tracer for an input that is differentiated. */
  leaf(primal: Tensor): VJPTracer {
    this.tape.push({ out: primal, inputs: [], backward: null });
    return new VJPTracer(this, primal, this.tape.length - 1);
  }

  lift(x: Tensor): Tracer {
    return new VJPTracer(this, x, -1);
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: ParamsOf<P>): Tensor {
    const count = inputs.length;
    const primals = new Array<Tensor>(count);
    const nodes = new Array<number>(count);
    let differentiated = false;
    for (let i = 0; i < count; i++) {
      const t = inputs[i] as VJPTracer;
      primals[i] = t.primal;
      nodes[i] = t.node;
      if (t.node >= 0) differentiated = true;
    }
    const out = bind(prim, primals, params);
    if (!differentiated || NON_DIFFERENTIABLE.has(prim)) return out;
    const site = isObserving() ? new Error().stack : undefined;
    if (prim === Primitive.Mul && inputs[0] === inputs[1]) {
      // x·x: one cotangent 2x·ȳ rather than two (x·ȳ each) added afterwards
      const x = primals[0];
      const twice: CustomBackward = (ct) => [mul(ct, add(x, x))];
      const backward: CustomBackward = (ct) => inRule({ prim, primals, site }, () => twice(ct));
      this.tape.push({ out, inputs: [nodes[0], -1], backward });
    } else {
      const rule: VjpRule<P> = vjpRules[prim];
      const needs = nodes.map((n) => n >= 0);
      // the rule runs inside its context, so a NaN it makes names the user-level op and its site
      const backward: CustomBackward = (ct) =>
        inRule({ prim, primals, site }, () => rule(ct, primals, out, params, needs));
      this.tape.push({ out, inputs: nodes, backward });
    }
    return new VJPTracer(this, out, this.tape.length - 1);
  }

  /** Records a custom rule with tracer inputs; returns the output tracer. */
  recordCustom(inputs: readonly Tensor[], out: Tensor, backward: CustomBackward): Tensor {
    const nodes = inputs.map((x) => (x instanceof VJPTracer && x.trace === this ? x.node : -1));
    if (nodes.every((n) => n < 0)) return out;
    this.tape.push({ out, inputs: nodes, backward });
    return new VJPTracer(this, out, this.tape.length - 1);
  }

  /**
   * The backward pass: a cotangent for each output node in (-1 = an output that does not depend
   * on the inputs; an output appearing twice gets the sum), a cotangent per requested node out
   * (null = zero). The tape is kept, so this can run many times.
   */
  backward(
    outNodes: readonly number[],
    outCts: readonly Tensor[],
    wanted: readonly number[],
  ): (Tensor | null)[] {
    const cts: (Tensor | null)[] = new Array<Tensor | null>(this.tape.length).fill(null);
    const owned = new Array<boolean>(this.tape.length).fill(false);
    outNodes.forEach((n, i) => {
      if (n >= 0) cts[n] = addMaybe(cts[n] ?? null, outCts[i]);
    });
    const keep = new Set(wanted);
    inPhase("backward", () => {
      for (let i = this.tape.length - 1; i >= 0; i--) {
        const ct = cts[i];
        const { inputs, backward } = this.tape[i];
        if (ct === null || ct === undefined || backward === null) continue;
        const inCts = backward(ct);
        inputs.forEach((n, j) => {
          const c = inCts[j];
          if (n >= 0 && c !== null && c !== undefined) this.accumulate(cts, owned, n, c);
        });
        if (!keep.has(i)) cts[i] = null;
      }
    });
    return wanted.map((n) => (n >= 0 ? (cts[n] ?? null) : null));
  }

  /**
   * Adds a cotangent into node n's, first summing broadcast axes back to the node's shape. The
   * first sum is a new tensor that only `cts[n]` references until node n's step runs (every
   * contribution to n comes from a later node, so before it), so further contributions are
   * added into its buffer in place instead of allocating one per addition — when the values are
   * concrete and no primitive observer is watching the results. `owned[n]`: cts[n] is such a sum.
   */
  private accumulate(cts: (Tensor | null)[], owned: boolean[], n: number, ct: Tensor): void {
    const c = sumToShape(ct, this.tape[n].out.shape);
    const previous = cts[n] ?? null;
    if (previous !== null && owned[n] && addInPlace(previous, c)) return;
    cts[n] = addMaybe(previous, c);
    owned[n] = previous !== null;
  }
}

/** target += c entrywise when both are concrete tensors of one shape (and nobody observes). */
function addInPlace(target: Tensor, c: Tensor): boolean {
  if (target instanceof Tracer || c instanceof Tracer || isObserving()) return false;
  if (!sameShape(target.shape, c.shape)) return false;
  const t = target.data;
  const d = c.data;
  for (let i = 0; i < t.length; i++) t[i] += d[i];
  return true;
}
