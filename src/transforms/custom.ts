/** customVjp: a function with a hand-written backward pass for reverse mode. */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { topTrace } from "../core.js";
import { asTensor } from "../tensor/creation.js";
import { VJPTrace, VJPTracer } from "./vjp.js";
import { fmtShape, sameShape } from "../tensor/shape.js";
import type { ArgsOf } from "./api.js";

/**
 * `customVjp(f, fwd, bwd)` behaves as f, but reverse mode (vjp, grad, jacrev, …) uses the given
 * rule: `fwd(...args) → [y, residuals]` runs instead of f and `bwd(residuals, ȳ)` returns one
 * cotangent per argument (null for zero). The arguments are tensors or numbers; y is one tensor.
 * Forward mode and batching (jvp, jacfwd, vmap) differentiate f itself, as JAX cannot.
 *
 * @example
 * // the identity, with gradients clipped to [-1, 1] on the way back
 * const clipGrad = customVjp(
 *   (x: Tensor) => x,
 *   (x: Tensor) => [x, null] as const,
 *   (_residuals, ct) => [minimum(maximum(ct, -1), 1)],
 * );
 * grad((x: Tensor) => sum(mul(clipGrad(x), 5)))(tensor([1, 2])); // → tensor([1, 1])
 */
export function customVjp<P extends Tensor[], R>(
  f: (...args: P) => TensorLike,
  fwd: (...args: P) => readonly [TensorLike, R],
  bwd: (residuals: R, ct: Tensor) => readonly (TensorLike | null)[],
): (...args: ArgsOf<P>) => Tensor {
  return (...args: ArgsOf<P>) => {
    const inputs = (args as unknown as TensorLike[]).map(asTensor);
    const top = topTrace(inputs);
    if (!(top instanceof VJPTrace)) return asTensor(f(...(inputs as P)));
    const primals = inputs.map((x) => (x instanceof VJPTracer && x.trace === top ? x.primal : x));
    const [y, residuals] = fwd(...(primals as P));
    const out = asTensor(y);
    return top.recordCustom(inputs, out, (ct) => {
      const cts = bwd(residuals, ct);
      if (cts.length !== inputs.length) {
        throw new Error(
          `customVjp: bwd returned ${cts.length} cotangents for ${inputs.length} arguments`,
        );
      }
      return cts.map((c, i) => {
        if (c === null) return null;
        const t = asTensor(c);
        const want = inputs[i].shape;
        if (!sameShape(t.shape, want)) {
          throw new Error(
            `customVjp: bwd returned a cotangent of shape ${fmtShape(t.shape)} for argument ${i} of shape ${fmtShape(want)}`,
          );
        }
        return t;
      });
    });
  };
}
