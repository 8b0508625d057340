/**
 * Reverse mode: a tape of primitive applications recorded while f runs on reverse tracers, then
 * a backward pass over the tape in reverse order applying the VJP rules. The rules bind traced
 * ops, so the backward pass runs under any outer transformation (grad of grad, jacrev's batch).
 */
import type { ParamsOf } from "./primitive.js";
import { Primitive } from "./primitive.js";
import type { Tensor } from "./tensor.js";
import { Trace, Tracer, bind, inPhase, inRule, isObserving } from "./core.js";
import { vjpRules } from "./vjp-rules.js";
import { addMaybe, mul } from "./rule-helpers.js";
import { add } from "./ops.js";

/** A custom backward function: output cotangent → one cotangent per input (null = zero). */
export type CustomBackward = (ct: Tensor) => (Tensor | null)[];

interface TapeEntry {
  /** null for a leaf (an input being differentiated) or a custom rule. */
  prim: Primitive | null;
  params: unknown;
  primals: Tensor[];
  out: Tensor;
  /** Tape index of each input, -1 for constants. */
  inputs: number[];
  custom: CustomBackward | null;
  /** Where the primitive was applied, recorded only while an observer watches (debugging). */
  site?: string | undefined;
}

const NON_DIFFERENTIABLE = new Set<Primitive>([
  Primitive.Compare,
  Primitive.Sign,
  Primitive.StopGradient,
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
    this.tape.push({
      prim: null,
      params: null,
      primals: [],
      out: primal,
      inputs: [],
      custom: null,
    });
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
      this.tape.push({ prim, params, primals, out, inputs: [nodes[0], -1], custom: twice, site });
    } else {
      this.tape.push({ prim, params, primals, out, inputs: nodes, custom: null, site });
    }
    return new VJPTracer(this, out, this.tape.length - 1);
  }

  /** Records a custom rule with tracer inputs; returns the output tracer. */
  recordCustom(inputs: readonly Tensor[], out: Tensor, backward: CustomBackward): Tensor {
    const nodes = inputs.map((x) => (x instanceof VJPTracer && x.trace === this ? x.node : -1));
    if (nodes.every((n) => n < 0)) return out;
    this.tape.push({ prim: null, params: null, primals: [], out, inputs: nodes, custom: backward });
    return new VJPTracer(this, out, this.tape.length - 1);
  }

  /**
   * The backward pass: seeds (node → cotangent) in, cotangent per requested node out (null =
   * zero). The tape is kept, so this can run many times.
   */
  backward(seeds: ReadonlyMap<number, Tensor>, wanted: readonly number[]): (Tensor | null)[] {
    const cts: (Tensor | null)[] = new Array<Tensor | null>(this.tape.length).fill(null);
    for (const [node, ct] of seeds) cts[node] = addMaybe(cts[node] ?? null, ct);
    const keep = new Set(wanted);
    inPhase("backward", () => {
      for (let i = this.tape.length - 1; i >= 0; i--) {
        const ct = cts[i];
        const entry = this.tape[i];
        if (ct === null || ct === undefined || (entry.prim === null && entry.custom === null))
          continue;
        const needs = entry.inputs.map((n) => n >= 0);
        const apply = (): (Tensor | null)[] =>
          entry.custom
            ? entry.custom(ct)
            : (vjpRules[entry.prim!] as (...a: unknown[]) => (Tensor | null)[])(
                ct,
                entry.primals,
                entry.out,
                entry.params,
                needs,
              );
        const { prim, primals, site } = entry;
        const inCts = prim === null ? apply() : inRule({ prim, primals, site }, apply);
        entry.inputs.forEach((n, j) => {
          const c = inCts[j];
          if (n >= 0 && c !== null && c !== undefined) cts[n] = addMaybe(cts[n] ?? null, c);
        });
        if (!keep.has(i)) cts[i] = null;
      }
    });
    return wanted.map((n) => (n >= 0 ? (cts[n] ?? null) : null));
  }
}
