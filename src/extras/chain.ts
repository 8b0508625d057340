/**
 * The seed's composition made executable. `chain(f1, …, fk)` is F = fk ∘ … ∘ f1 (f1 applied
 * first), an ordinary function that every transform accepts; `traceChain(F, x, v)` records, stage
 * by stage, the value flowing forward and the cotangent flowing back:
 *
 *   Jᵀv = J₁ᵀ J₂ᵀ ⋯ J_kᵀ v = vjp(f₁, vjp(f₂, ⋯ vjp(f_k, v)))
 *
 * — each stage's input, output and Jacobian at the traced point, the cotangent that flows into it
 * from the right and the one it sends left (its vjp), plus the final Jᵀv.
 */
import { asTensor } from "../tensor/creation.js";
import { fmtShape } from "../tensor/shape.js";
import type { Jacobian } from "../tensor/jacobian.js";
import { jacobian } from "../transforms/jacobians.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { vjp } from "../transforms/api.js";

/** A stage function: one tensor in, one tensor (or number) out. */
export type StageFn = (x: Tensor) => Tensor | number;

/** A stage as given to `chain`: a function, or a function with a label. */
export type StageSpec = StageFn | { name: string; fn: StageFn };

/** A stage with its label. */
export interface NamedStage {
  readonly name: string;
  readonly fn: StageFn;
}

/** F = f_k ∘ … ∘ f_1, callable like any function, with its stages attached. */
export interface ChainFunction {
  (x: Tensor): Tensor;
  readonly stages: readonly NamedStage[];
}

/** One stage of a traced chain. */
export interface ChainStage {
  name: string;
  /** The stage's input and output at the traced point. */
  input: Tensor;
  output: Tensor;
  /** The stage's Jacobian at its input, shape [...output.shape, ...input.shape]. */
  jacobian: Jacobian;
  /** The cotangent that flows into this stage from the right (shaped like its output). */
  cotangentIn: Tensor;
  /** The cotangent it sends left, Jᵀ·cotangentIn (shaped like its input). */
  cotangentOut: Tensor;
}

/** A recorded chain: what the notebook draws as the cotangent flowing back through the stages. */
export class ChainTrace {
  constructor(
    /** Stages in application order: stages[0] is f₁. */
    readonly stages: ChainStage[],
    /** The seed cotangent v (shaped like the final output). */
    readonly v: Tensor,
    /** Jᵀv (shaped like the input). */
    readonly result: Tensor,
    readonly title?: string,
  ) {}

  /** The chain's input x. */
  get input(): Tensor {
    return this.stages[0].input;
  }

  /** The chain's output F(x). */
  get output(): Tensor {
    return this.stages[this.stages.length - 1].output;
  }

  toString(): string {
    const lines = this.stages.map(
      (s, k) =>
        `  ${k + 1}. ${s.name}: ${fmtShape(s.input.shape)} → ${fmtShape(s.output.shape)}, ` +
        `cotangent ${fmtShape(s.cotangentIn.shape)} → ${fmtShape(s.cotangentOut.shape)}`,
    );
    const head = `ChainTrace${this.title ? ` "${this.title}"` : ""} (${this.stages.length} stages)`;
    return [head, ...lines, `  Jᵀv = ${this.result.toString()}`].join("\n");
  }
}

const STAGES = Symbol("cotangent.chain.stages");

function named(spec: StageSpec, k: number): NamedStage {
  if (typeof spec === "function") return { name: spec.name || `f${k + 1}`, fn: spec };
  if (spec !== null && typeof spec === "object" && typeof spec.fn === "function") {
    return { name: spec.name || `f${k + 1}`, fn: spec.fn };
  }
  throw new Error(`chain: stage ${k + 1} is neither a function nor { name, fn }`);
}

/** F = f_k ∘ … ∘ f_1: f1 is applied first. A stage may be `{ name, fn }` to label it. */
export function chain(...specs: StageSpec[]): ChainFunction {
  if (specs.length === 0) throw new Error("chain: give at least one stage");
  const stages = specs.map(named);
  const F = (x: Tensor): Tensor => {
    let value: Tensor | number = x;
    for (const stage of stages) value = stage.fn(asTensor(value));
    return asTensor(value);
  };
  Object.defineProperty(F, "stages", { value: stages, enumerable: true });
  Object.defineProperty(F, STAGES, { value: true });
  return F as ChainFunction;
}

/** The stages of F: its own when F came from `chain`, else F as one stage. */
function stagesOf(F: StageFn | ChainFunction): readonly NamedStage[] {
  if (STAGES in F) return (F as ChainFunction).stages;
  return [{ name: F.name || "f", fn: F }];
}

function seedCotangent(output: Tensor, v: TensorLike | undefined): Tensor {
  if (v === undefined) {
    if (output.size !== 1) {
      throw new Error(
        `traceChain: the output has shape ${fmtShape(output.shape)}, not a scalar, so give v ` +
          `(a cotangent of that shape)`,
      );
    }
    return new Tensor(new Float64Array([1]), output.shape);
  }
  const seed = asTensor(v);
  if (seed.size === output.size && seed.size === 1) return seed.reshape(output.shape);
  if (fmtShape(seed.shape) !== fmtShape(output.shape)) {
    throw new Error(
      `traceChain: v has shape ${fmtShape(seed.shape)} but the output has shape ${fmtShape(output.shape)}`,
    );
  }
  return seed;
}

/**
 * Runs F at x stage by stage and pulls v back through the stages: every stage's input, output,
 * Jacobian, and the cotangents in and out, plus the final Jᵀv. v defaults to 1 for a scalar output.
 */
export function traceChain(
  F: ChainFunction | StageFn,
  x: TensorLike,
  v?: TensorLike,
  options: { title?: string } = {},
): ChainTrace {
  const stages = stagesOf(F);
  let value = asTensor(x);
  const forward = stages.map((stage) => {
    const input = value;
    const [out, pullback] = vjp((t: Tensor) => asTensor(stage.fn(t)), input);
    const stageJacobian = jacobian((t: Tensor) => asTensor(stage.fn(t)))(input);
    value = out;
    return { stage, input, output: out, pullback, stageJacobian };
  });
  const seed = seedCotangent(value, v);
  let ct = seed;
  const recorded: ChainStage[] = new Array<ChainStage>(stages.length);
  for (let k = forward.length - 1; k >= 0; k--) {
    const { stage, input, output, pullback, stageJacobian } = forward[k];
    const cotangentOut = asTensor(pullback(ct)[0]);
    recorded[k] = {
      name: stage.name,
      input,
      output,
      jacobian: stageJacobian,
      cotangentIn: ct,
      cotangentOut,
    };
    ct = cotangentOut;
  }
  return new ChainTrace(recorded, seed, ct, options.title);
}
