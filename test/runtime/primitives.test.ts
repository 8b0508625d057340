/**
 * Table-driven checks over every primitive, through the public ops: forward mode against
 * central finite differences, reverse mode against forward mode by ⟨J t, c⟩ = ⟨t, Jᵀ c⟩, the
 * same at order 2 (on the pullback as a function of x), batching (vmap against a loop, jacrev
 * against jacfwd against finite differences). An observer checks that the table reaches every
 * primitive of the enum.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import * as ct from "cotangent";
import { Primitive, jacfwd, jacrev, jvp, setPrimitiveObserver, stack, vjp, vmap } from "cotangent";
import type { TensorFn } from "./helpers.js";
import { fdJvp, innerProducts, randomLike, relErr } from "./helpers.js";
import { caseInputs as inputs, derivativeCases as cases } from "./cases.js";

/** The pullback in direction c as a function of the inputs: x ↦ Jᵀ(x) c (first input's part). */
function pullbackFn(f: TensorFn, xs: Tensor[]): TensorFn {
  const c = randomLike(f(...xs));
  return (...ys: Tensor[]) => vjp(f, ...ys)[1](c)[0];
}

function fdJacobian(f: TensorFn, xs: Tensor[], k: number): Tensor {
  const y = f(...xs);
  const cols: Tensor[] = [];
  for (let j = 0; j < xs[k].size; j++) {
    const ts = xs.map((x, i) =>
      i === k
        ? ct.zeros([x.size]).add(ct.eye(x.size).slice(j)).reshape(x.shape)
        : ct.zeros(x.shape),
    );
    cols.push(fdJvp(f, xs, ts).reshape([y.size]));
  }
  return ct.stack(cols, 1).reshape([...y.shape, ...xs[k].shape]);
}

describe("every primitive, through the ops", () => {
  const seen = new Set<Primitive>();

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: jvp vs finite differences, vjp vs jvp",
    (_name, c) => {
      const previous = setPrimitiveObserver((p) => seen.add(p));
      try {
        const xs = inputs(c, 11);
        const ts = xs.map(randomLike);
        const [, yDot] = jvp(c.f, xs, ts);
        if (c.zero) {
          expect(yDot).toBeAllclose(ct.zeros(yDot.shape));
          const [, pullback] = vjp(c.f, ...xs);
          for (const g of pullback(randomLike(yDot))) expect(g).toBeAllclose(ct.zeros(g.shape));
          return;
        }
        expect(yDot).toBeAllclose(fdJvp(c.f, xs, ts), { rtol: 1e-6, atol: 1e-7 });
        if (c.reverseRefused) {
          expect(() => vjp(c.f, ...xs)[1](randomLike(yDot))).toThrow(c.reverseRefused);
          return;
        }
        const { forward, reverse } = innerProducts(c.f, xs);
        expect(relErr(forward, reverse)).toBeLessThan(1e-10);
      } finally {
        setPrimitiveObserver(previous);
      }
    },
  );

  it.each(
    cases.filter((c) => !c.zero && !c.order1 && !c.reverseRefused).map((c) => [c.name, c] as const),
  )("%s: order 2 (the pullback differentiated both ways)", (_name, c) => {
    const xs = inputs(c, 23);
    const g = pullbackFn(c.f, xs);
    const ts = xs.map(randomLike);
    const [, gDot] = jvp(g, xs, ts);
    expect(gDot).toBeAllclose(fdJvp(g, xs, ts), { rtol: 1e-6, atol: 1e-6 });
    const { forward, reverse } = innerProducts(g, xs);
    expect(relErr(forward, reverse)).toBeLessThan(1e-9);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: batching (vmap, jacrev, jacfwd)",
    (_name, c) => {
      const xs = inputs(c, 37);
      // vmap over the first argument against a loop
      const batch = [0, 1, 2].map((k) => inputs(c, 50 + k)[0]);
      const mapped = vmap((x0: Tensor) => c.f(x0, ...xs.slice(1)))(stack(batch));
      expect(mapped).toBeAllclose(stack(batch.map((x0) => c.f(x0, ...xs.slice(1)))), {
        rtol: 1e-12,
        atol: 1e-12,
      });
      // Jacobians for every argument
      const argnums = xs.map((_, i) => i);
      const jf = jacfwd(c.f, { argnums })(...xs) as Tensor[];
      const jr = c.reverseRefused ? jf : (jacrev(c.f, { argnums })(...xs) as Tensor[]);
      xs.forEach((_, k) => {
        expect(jr[k]).toBeAllclose(jf[k], { rtol: 1e-10, atol: 1e-12 });
        if (!c.zero) expect(jr[k]).toBeAllclose(fdJacobian(c.f, xs, k), { rtol: 1e-6, atol: 1e-7 });
      });
    },
  );

  it("the table reaches every primitive", () => {
    const missing = Object.values(Primitive).filter((p) => !seen.has(p));
    expect(missing).toEqual([]);
  });
});
