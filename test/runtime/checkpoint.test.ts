/**
 * scan's checkpointing (rematerialisation in reverse mode): segments of about √length steps,
 * the carries inside a segment recomputed when its pullback runs. Gradients equal those that
 * store every carry, eagerly and under jit, with per-step inputs, outputs and closed-over values.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import { add, cos, grad, jit, mul, scan, sin, sum, tensor } from "cotangent";
import { checkpointSegment } from "../../src/loops/loops.js";

const w = tensor([0.7, -0.3]);

/** A damped rotation driven by xs, with per-step outputs: sum of the final carry and the ys. */
function loss(checkpoint: boolean, length: number) {
  return (s0: Tensor, xs: Tensor): Tensor => {
    const [last, ys] = scan(
      (s: Tensor, x: Tensor) => {
        const next = add(mul(sin(s), w), mul(cos(s), x));
        return [next, mul(next, next)] as const;
      },
      s0,
      xs,
      { length, checkpoint },
    );
    return add(sum(last), sum(ys));
  };
}

describe("scan with checkpoint", () => {
  it.each([100, 12, 7])("%i steps: the gradients equal those storing every carry", (length) => {
    const s0 = tensor([0.4, -1.2]);
    const xs = tensor(Array.from({ length }, (_v, t) => [Math.sin(t), Math.cos(2 * t)]));
    const full = grad(loss(false, length), { argnums: [0, 1] })(s0, xs);
    const remat = grad(loss(true, length), { argnums: [0, 1] })(s0, xs);
    expect(remat[0]).toBeAllclose(full[0], { rtol: 1e-13, atol: 1e-13 });
    expect(remat[1]).toBeAllclose(full[1], { rtol: 1e-13, atol: 1e-13 });
    const compiled = jit(grad(loss(true, length), { argnums: [0, 1] }))(s0, xs);
    expect(compiled[0]).toBeAllclose(full[0], { rtol: 1e-12, atol: 1e-12 });
    expect(compiled[1]).toBeAllclose(full[1], { rtol: 1e-12, atol: 1e-12 });
  });

  it("segments are the divisor of the length closest to its square root", () => {
    expect(checkpointSegment(1000)).toBe(25);
    expect(checkpointSegment(100)).toBe(10);
    expect(checkpointSegment(12)).toBe(3);
    expect(checkpointSegment(7)).toBe(1);
  });
});
