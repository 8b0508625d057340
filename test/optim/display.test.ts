/** Solver results in the notebook: a fit or a root shows its final Jacobian, with its summary as text. */
import { describe, expect, it } from "vitest";
import { findRoot, leastSquares, minimize, mul, square, stack, sub, sum, tensor } from "cotangent";
import type { Tensor } from "cotangent";
import { MIME, toMimeBundle } from "../../kernel/display/index.js";
import type { JacobianPayload } from "../../kernel/shared/payloads.js";

describe("solver results as MIME bundles", () => {
  it("a least-squares fit shows its residual Jacobian and its summary", () => {
    const t = tensor([1, 2, 3]);
    const fit = leastSquares((p: Tensor) => sub(mul(p, t), tensor([2, 4, 6.1])), [0]);
    const bundle = toMimeBundle(fit)!;
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(payload.title).toBe("lm: the Jacobian at the last iterate");
    expect(payload.stats.nnz).toBe(3);
    expect(bundle["text/plain"]).toMatch(/lm: converged after \d+ iterations.*standard errors/s);
  });

  it("a root shows the Jacobian of f there", () => {
    const f = (v: Tensor): Tensor => stack([sub(square(v.slice(0)), 4), sub(v.slice(1), 1)]);
    const bundle = toMimeBundle(findRoot(f, [1, 0]))!;
    expect((bundle[MIME.jacobian] as JacobianPayload).title).toMatch(/^newton/);
    expect(bundle["text/plain"]).toMatch(/newton: converged after \d+ iterations/);
  });

  it("a minimize result reads as its summary", () => {
    const r = minimize((x: Tensor) => sum(square(sub(x, 2))), [0, 0]);
    expect(toMimeBundle(r)).toBeUndefined(); // the executor prints it with util.inspect
    expect(String(r)).toMatch(/^bfgs: converged after \d+ iterations, \d+ evaluations/);
  });
});
