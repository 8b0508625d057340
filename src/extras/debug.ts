/**
 * NaN/Inf debugging: `withDebugNans(() => …)` runs its body with a check after every concrete
 * primitive application — in forward passes and in the backward passes of reverse mode — and
 * throws a `NonFiniteError` naming the first primitive whose output holds a NaN or an infinity,
 * the pass, its input shapes and, for elementwise primitives, the input values at that entry.
 * `setDebugNans(true)` switches the same check on until switched off (for a whole notebook).
 *
 * A pullback called after `withDebugNans` returned is not checked: call it inside the body.
 */
import { currentRule, setPrimitiveObserver, type Phase, type PrimitiveObserver } from "../core.js";
import type { Primitive } from "../primitives/primitive.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** Thrown by the NaN/Inf check: which primitive, which pass, which entry. */
export class NonFiniteError extends Error {
  constructor(
    message: string,
    readonly primitive: Primitive,
    readonly phase: Phase,
    readonly inputShapes: number[][],
    readonly outputShape: number[],
    /** Flat index of the first non-finite entry of the output. */
    readonly index: number,
    readonly value: number,
    /** True when an input already held a non-finite value (it came from outside the checked code). */
    readonly fromInput: boolean,
  ) {
    super(message);
    this.name = "NonFiniteError";
  }
}

function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return i;
  }
  return -1;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

/** For inputs shaped like the output (elementwise), their values at the failing entry. */
function inputValuesAt(inputs: readonly Tensor[], output: Tensor, index: number): string {
  const values: string[] = [];
  for (const x of inputs) {
    if (x.size === output.size && fmtShape(x.shape) === fmtShape(output.shape))
      values.push(String(x.data[index]));
    else if (x.size === 1) values.push(String(x.data[0]));
    else return "";
  }
  return values.length > 0
    ? ` from input value${values.length > 1 ? "s" : ""} ${values.join(", ")}`
    : "";
}

/** The primal input of the differentiated op at the failing entry: ` at x = 0`. */
function primalAt(primals: readonly Tensor[], output: Tensor, index: number): string {
  const x = primals[0];
  if (x === undefined) return "";
  if (x.size === 1) return `, at x = ${String(x.data[0])}`;
  return x.size === output.size ? `, at x = ${String(x.data[index])}` : "";
}

/** The stack of a backward-pass error: where the differentiated op was applied, then the pass. */
function withSite(error: Error, site: string | undefined): Error {
  const frames = (stack: string | undefined): string[] =>
    (stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  if (site === undefined) return error;
  const head = `${error.name}: ${error.message}`;
  error.stack = [head, ...frames(site), ...frames(error.stack)].join("\n");
  return error;
}

function check(prim: Primitive, inputs: readonly Tensor[], output: Tensor, phase: Phase): void {
  const index = firstNonFinite(output.data);
  if (index < 0) return;
  const value = output.data[index];
  const fromInput = inputs.some((x) => firstNonFinite(x.data) >= 0);
  const shapes = inputs.map((x) => x.shape.slice());
  const where = output.size === 1 ? "" : ` at flat index ${index} of ${fmtShape(output.shape)}`;
  const origin = fromInput
    ? "; an input already held a non-finite value"
    : inputValuesAt(inputs, output, index);
  const rule = phase === "backward" ? currentRule() : null;
  const what = rule
    ? `the backward pass of ${rule.prim}${primalAt(rule.primals, output, index)}, produced ` +
      `${describeValue(value)}${rule.prim === prim ? "" : ` (in its ${prim})`}`
    : `${prim} produced ${describeValue(value)} in the ${phase} pass`;
  const message =
    `${what}${where}` +
    ` (input shapes ${shapes.map((s) => fmtShape(s)).join(", ") || "none"})${origin}`;
  throw withSite(
    new NonFiniteError(message, prim, phase, shapes, output.shape.slice(), index, value, fromInput),
    rule?.site,
  );
}

/** Chains the check before an existing observer, so other observers keep working. */
function checking(previous: PrimitiveObserver | null): PrimitiveObserver {
  return (prim, inputs, output, phase) => {
    previous?.(prim, inputs, output, phase);
    check(prim, inputs, output, phase);
  };
}

/** Runs `body` with the NaN/Inf check on; throws `NonFiniteError` at the first non-finite result. */
export function withDebugNans<T>(body: () => T): T {
  const previous = setPrimitiveObserver(null);
  setPrimitiveObserver(checking(previous));
  try {
    return body();
  } finally {
    setPrimitiveObserver(previous);
  }
}

let globalPrevious: PrimitiveObserver | null | undefined;

/** Switches the NaN/Inf check on or off for everything that follows. */
export function setDebugNans(enabled: boolean): void {
  if (enabled && globalPrevious === undefined) {
    globalPrevious = setPrimitiveObserver(null);
    setPrimitiveObserver(checking(globalPrevious));
  } else if (!enabled && globalPrevious !== undefined) {
    setPrimitiveObserver(globalPrevious);
    globalPrevious = undefined;
  }
}
