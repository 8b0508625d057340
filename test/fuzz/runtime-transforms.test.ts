/**
 * Derivatives through broadcasting, property-based (fast-check, fixed seeds): vjp and jvp of the
 * binary ops on random broadcastable shapes (empty ones too) match the oracle's sums over the
 * broadcast axes, and every cotangent has its primal's shape.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";
import { finite, operand, operandPair, type Operand } from "./arbitraries.js";
import { fuzzParams, fuzzTimeout } from "./config.js";
import { broadcast, firstMismatch, ravelBroadcast, sizeOf, unravel } from "./oracle.js";

const t = (o: Operand): ct.Tensor => ct.tensor(Float64Array.from(o.values), o.shape);

/** Each op and its partial derivatives ∂/∂x and ∂/∂y at (x, y). */
const OPS: [
  string,
  (x: ct.Tensor, y: ct.Tensor) => ct.Tensor,
  (x: number, y: number) => [number, number],
][] = [
  ["add", ct.add, () => [1, 1]],
  ["sub", ct.sub, () => [1, -1]],
  ["mul", ct.mul, (x, y) => [y, x]],
  ["div", ct.div, (x, y) => [1 / y, -x / (y * y)]],
];

/** Σ over the broadcast axes of ct · ∂op, for both operands; and the jvp for tangents tx, ty. */
function oracle(
  a: Operand,
  b: Operand,
  out: number[],
  c: number[],
  tx: number[],
  ty: number[],
  d: (x: number, y: number) => [number, number],
) {
  const gx = new Array<number>(a.values.length).fill(0);
  const gy = new Array<number>(b.values.length).fill(0);
  const tangent: number[] = [];
  for (let k = 0; k < sizeOf(out); k++) {
    const index = unravel(k, out);
    const [i, j] = [ravelBroadcast(index, a.shape), ravelBroadcast(index, b.shape)];
    const [dx, dy] = d(a.values[i], b.values[j]);
    gx[i] += c[k] * dx;
    gy[j] += c[k] * dy;
    tangent.push(dx * tx[i] + dy * ty[j]);
  }
  return { gx, gy, tangent };
}

const nonzero = finite.filter((v) => Math.abs(v) > 0.1);

describe("vjp and jvp through broadcasting", () => {
  it.each(OPS)(
    "%s: cotangents are summed back to each operand's shape",
    (name, op, d) => {
      const cases = operandPair(nonzero)
        .filter(([a, b]) => broadcast(a.shape, b.shape) !== null)
        .chain(([a, b]) => {
          const out = broadcast(a.shape, b.shape)!;
          return fc.tuple(
            fc.constant(a),
            fc.constant(b),
            operand(out, finite),
            operand(a.shape, finite),
            operand(b.shape, finite),
          );
        });
      fc.assert(
        fc.property(cases, ([a, b, c, tx, ty]) => {
          const want = oracle(a, b, c.shape, c.values, tx.values, ty.values, d);
          const [y, pullback] = ct.vjp(op, t(a), t(b));
          expect(y.shape).toEqual(c.shape);
          const [gx, gy] = pullback(t(c));
          expect(gx.shape).toEqual(a.shape);
          expect(gy.shape).toEqual(b.shape);
          expect(firstMismatch(gx.data, want.gx, 1e-9), `${name} ∂x`).toBeUndefined();
          expect(firstMismatch(gy.data, want.gy, 1e-9), `${name} ∂y`).toBeUndefined();
          const [, yDot] = ct.jvp(op, [t(a), t(b)], [t(tx), t(ty)]);
          expect(firstMismatch(yDot.data, want.tangent, 1e-9), `${name} jvp`).toBeUndefined();
        }),
        fuzzParams(`runtime.vjp.${name}`, 1 / 4),
      );
    },
    fuzzTimeout(10),
  );
});
