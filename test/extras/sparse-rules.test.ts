/**
 * Every sparsity rule against the dense Jacobian: for each case of the shared primitive list (and
 * so each primitive, in forward and, through the ops that use them, adjoint forms), with all its
 * inputs taken from one vector, sparseJacobian must equal jacobian — which also proves the
 * detected pattern covers every nonzero.
 */
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";
import { jacobian, randn, sparseJacobian, type Tensor } from "cotangent";
import { differentiableCases, domainOf, type PrimitiveCase } from "../runtime/cases.js";

/** A case as a function of one vector x holding all its inputs, each mapped into its domain. */
function ofOneVector(c: PrimitiveCase): { f: (x: Tensor) => Tensor; size: number } {
  const sizes = c.shapes.map((shape) => shape.reduce((n, d) => n * d, 1));
  const size = sizes.reduce((n, k) => n + k, 0);
  const f = (x: Tensor): Tensor => {
    let at = 0;
    const xs = c.shapes.map((shape, i) => {
      const v = ct.slice(x, [at, (at += sizes[i])]).reshape(shape);
      const domain = domainOf(c, i);
      if (domain === "pos") return ct.abs(v).add(0.5);
      if (domain === "away") return ct.sign(v).mul(ct.abs(v).add(0.2));
      return domain === "small" ? v.mul(0.3) : v;
    });
    return c.f(...xs);
  };
  return { f, size };
}

const m34 = (x: Tensor) => x.reshape([3, 4]);

describe("sparsity rules: sparseJacobian equals jacobian", () => {
  // whileLoop refuses reverse mode, which sparseJacobian may choose
  const cases = differentiableCases.filter((c) => !c.reverseRefused);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { f, size } = ofOneVector(c);
    const x = randn([size], { seed: 20 });
    const sparse = sparseJacobian(f, x);
    const dense = jacobian(f)(x);
    expect(sparse.toDense()).toBeAllclose(dense, { rtol: 1e-12, atol: 1e-13 });
    expect(sparse.outShape).toEqual(dense.outShape);
  });

  it("keeps elementwise patterns diagonal and reductions to their groups", () => {
    const x = randn([12], { seed: 20 });
    expect(sparseJacobian((v: Tensor) => ct.tanh(v), x).nnz).toBe(12);
    const rowSums = sparseJacobian((v: Tensor) => ct.sum(m34(v), 1), x);
    expect(rowSums.nnz).toBe(12);
    expect(rowSums.colors).toBe(4);
    expect(sparseJacobian((v: Tensor) => ct.mul(ct.sign(v), 2), x).nnz).toBe(0);
  });
});
