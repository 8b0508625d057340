/**
 * scan's checkpointing (rematerialisation in reverse mode): segments of about √length steps,
 * the carries inside a segment recomputed when its pullback runs. Gradients equal those that
 * store every carry, eagerly and under jit, with per-step inputs, outputs and closed-over values.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import { add, cos, grad, jit, mul, scan, sin, sum, tensor, vmap } from "cotangent";
import { checkpointSegment } from "../../src/loops/loops.js";
import { setPrimitiveObserver } from "../../src/core.js";
import { Primitive } from "../../src/primitives/primitive.js";

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

  it("is kept when the scan is batched: grad of vmap stores segment starts, not every carry", () => {
    // the largest output of any scan run: the stored carries when every carry is kept
    const largestScan = (checkpoint: boolean): { size: number; grads: Tensor } => {
      let size = 0;
      const previous = setPrimitiveObserver((prim, _inputs, output) => {
        if (prim === Primitive.Scan) size = Math.max(size, output.size);
      });
      try {
        const one = (s0: Tensor): Tensor =>
          sum(
            scan((s: Tensor) => [mul(sin(s), 0.9), null] as const, s0, null, {
              length: 100,
              checkpoint,
            })[0],
          );
        const batch = tensor([
          [0.4, -1.2],
          [0.1, 0.3],
          [1.0, 2.0],
        ]);
        const grads = grad((b: Tensor) => sum(vmap(one)(b)))(batch);
        return { size, grads };
      } finally {
        setPrimitiveObserver(previous);
      }
    };
    const full = largestScan(false);
    const remat = largestScan(true);
    expect(remat.grads).toBeAllclose(full.grads, { rtol: 1e-13, atol: 1e-13 });
    // 100 steps × 3 examples × 2 entries stored, against 10 segment starts (and the carry)
    expect(full.size).toBeGreaterThanOrEqual(100 * 3 * 2);
    expect(remat.size).toBeLessThan(20 * 3 * 2);
  });

  it("segments are the divisor of the length closest to its square root", () => {
    expect(checkpointSegment(1000)).toBe(25);
    expect(checkpointSegment(100)).toBe(10);
    expect(checkpointSegment(12)).toBe(3);
    expect(checkpointSegment(7)).toBe(1);
  });
});
