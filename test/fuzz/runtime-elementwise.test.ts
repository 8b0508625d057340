/**
 * The runtime's elementwise ops and reductions, property-based (fast-check, fixed seeds): random
 * shapes with numpy broadcasting, NaN/±Inf/−0 and empty tensors. Every result matches a plain-JS
 * oracle, or the call fails with our own error naming the op and the shapes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";
import {
  axisArg,
  finite,
  operand,
  operandPair,
  shape,
  SPECIAL,
  type Operand,
} from "./arbitraries.js";
import { fuzzParams, fuzzTimeout } from "./config.js";
import { outcome } from "./expect-own-error.js";
import {
  broadcast,
  firstMismatch,
  mapBroadcast,
  reduceAxes,
  ravelBroadcast,
  sizeOf,
  unravel,
} from "./oracle.js";

const t = (o: Operand): ct.Tensor => ct.tensor(Float64Array.from(o.values), o.shape);

const maxOf = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
const minOf = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);

/** Each binary op, its name in errors and its oracle. */
const BINARY: [
  string,
  (x: ct.Tensor, y: ct.Tensor) => ct.Tensor,
  (a: number, b: number) => number,
][] = [
  ["add", ct.add, (a, b) => a + b],
  ["sub", ct.sub, (a, b) => a - b],
  ["mul", ct.mul, (a, b) => a * b],
  ["div", ct.div, (a, b) => a / b],
  ["pow", ct.pow, (a, b) => Math.pow(a, b)],
  ["maximum", ct.maximum, maxOf],
  ["minimum", ct.minimum, minOf],
  ["greater", ct.greater, (a, b) => Number(a > b)],
  ["greaterEqual", ct.greaterEqual, (a, b) => Number(a >= b)],
  ["less", ct.less, (a, b) => Number(a < b)],
  ["lessEqual", ct.lessEqual, (a, b) => Number(a <= b)],
  ["equal", ct.equal, (a, b) => Number(a === b)],
  ["notEqual", ct.notEqual, (a, b) => Number(a !== b)],
];

const sigmoid = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

const UNARY: [string, (x: ct.Tensor) => ct.Tensor, (a: number) => number][] = [
  ["neg", ct.neg, (a) => -a],
  ["exp", ct.exp, Math.exp],
  ["log", ct.log, Math.log],
  ["log1p", ct.log1p, Math.log1p],
  ["expm1", ct.expm1, Math.expm1],
  ["sin", ct.sin, Math.sin],
  ["cos", ct.cos, Math.cos],
  ["tan", ct.tan, Math.tan],
  ["tanh", ct.tanh, Math.tanh],
  ["sigmoid", ct.sigmoid, sigmoid],
  ["softplus", ct.softplus, softplus],
  ["relu", ct.relu, (a) => (Number.isNaN(a) ? NaN : Math.max(a, 0))],
  ["sqrt", ct.sqrt, Math.sqrt],
  ["abs", ct.abs, Math.abs],
  ["sign", ct.sign, (a) => (Number.isNaN(a) ? NaN : a > 0 ? 1 : a < 0 ? -1 : 0)],
  ["square", ct.square, (a) => a * a],
];

function checkBinary(
  name: string,
  op: (x: ct.Tensor, y: ct.Tensor) => ct.Tensor,
  f: (a: number, b: number) => number,
  a: Operand,
  b: Operand,
): void {
  const out = broadcast(a.shape, b.shape);
  const result = outcome(() => op(t(a), t(b)), name, [a.shape, b.shape]);
  if (out === null) {
    expect(result.ok, `${name} of ${String(a.shape)} and ${String(b.shape)} should fail`).toBe(
      false,
    );
    return;
  }
  expect(result.ok, result.ok ? "" : result.message).toBe(true);
  if (!result.ok) return;
  expect(result.value.shape).toEqual(out);
  const mismatch = firstMismatch(
    result.value.data,
    mapBroadcast(a.values, a.shape, b.values, b.shape, out, f),
    1e-12,
  );
  expect(mismatch, `${name}: ${mismatch}`).toBeUndefined();
}

describe("elementwise ops against a plain-JS oracle", () => {
  it.each(BINARY)("%s broadcasts like numpy and computes like JS", (name, op, f) => {
    fc.assert(
      fc.property(operandPair(), ([a, b]) => checkBinary(name, op, f, a, b)),
      fuzzParams(`runtime.binary.${name}`, 1 / 4),
    );
  });

  it(
    "every binary op, mixed, with scalars and plain numbers on either side",
    () => {
      const which = fc.integer({ min: 0, max: BINARY.length - 1 });
      fc.assert(
        fc.property(
          which,
          operandPair(),
          fc.constantFrom(...SPECIAL),
          fc.boolean(),
          (k, [a], s, left) => {
            const [name, op, f] = BINARY[k];
            const scalar: Operand = { shape: [], values: [s] };
            if (left) checkBinary(name, op, f, scalar, a);
            else checkBinary(name, op, f, a, scalar);
            const plain = outcome(
              () =>
                left ? op(s as unknown as ct.Tensor, t(a)) : op(t(a), s as unknown as ct.Tensor),
              name,
            );
            expect(plain.ok).toBe(true);
          },
        ),
        fuzzParams("runtime.binary.scalars"),
      );
    },
    fuzzTimeout(5),
  );

  it.each(UNARY)("%s matches Math on every entry", (name, op, f) => {
    fc.assert(
      fc.property(
        shape().chain((s) => operand(s)),
        (a) => {
          const result = op(t(a));
          expect(result.shape).toEqual(a.shape);
          const mismatch = firstMismatch(result.data, a.values.map(f), 1e-12);
          expect(mismatch, `${name}: ${mismatch}`).toBeUndefined();
        },
      ),
      fuzzParams(`runtime.unary.${name}`, 1 / 8),
    );
  });

  it(
    "where broadcasts its three operands together",
    () => {
      fc.assert(
        fc.property(operandPair(), operandPair(), ([c, x], [, y]) => {
          const cx = broadcast(c.shape, x.shape);
          const out = cx && broadcast(cx, y.shape);
          const result = outcome(() => ct.where(t(c), t(x), t(y)), "where");
          expect(result.ok).toBe(out !== null);
          if (!result.ok || !out) return;
          expect(result.value.shape).toEqual(out);
          const want = Array.from({ length: sizeOf(out) }, (_, k) => {
            const index = unravel(k, out);
            const pick = c.values[ravelBroadcast(index, c.shape)] !== 0;
            return pick
              ? x.values[ravelBroadcast(index, x.shape)]
              : y.values[ravelBroadcast(index, y.shape)];
          });
          const mismatch = firstMismatch(result.value.data, want, 0);
          expect(mismatch, `where: ${mismatch}`).toBeUndefined();
        }),
        fuzzParams("runtime.where"),
      );
    },
    fuzzTimeout(5),
  );
});

/** numpy's axis rule: integers in [-ndim, ndim), none repeated (a 0-d tensor has no axis). */
function oracleAxes(axis: number | number[] | undefined, ndim: number): number[] | "invalid" {
  if (axis === undefined) return [...Array(ndim).keys()];
  const list = typeof axis === "number" ? [axis] : axis;
  const valid = list.every((a) => Number.isInteger(a) && a >= -ndim && a < ndim);
  if (!valid) return "invalid";
  const axes = list.map((a) => (a < 0 ? a + ndim : a));
  if (new Set(axes).size !== axes.length) return "invalid";
  return axes.sort((p, q) => p - q);
}

type Reduction = [
  string,
  (x: ct.Tensor, axis?: number | number[], keep?: boolean) => ct.Tensor,
  number,
  (acc: number, x: number) => number,
];

const REDUCTIONS: Reduction[] = [
  ["sum", ct.sum, 0, (acc, x) => acc + x],
  ["prod", ct.prod, 1, (acc, x) => acc * x],
  ["max", ct.max, -Infinity, maxOf],
  ["min", ct.min, Infinity, minOf],
];

const tame = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0) },
  { weight: 4, arbitrary: finite },
);

function checkReduction(
  [name, op, init, f]: Reduction,
  a: Operand,
  axis: number | number[] | undefined,
  keep: boolean,
): void {
  const axes = oracleAxes(axis, a.shape.length);
  const empty = axes !== "invalid" && axes.some((k) => a.shape[k] === 0);
  const result = outcome(() => op(t(a), axis, keep), name);
  if (axes === "invalid" || ((name === "max" || name === "min") && empty)) {
    expect(
      result.ok,
      `${name} over ${JSON.stringify(axis)} of ${String(a.shape)} should fail`,
    ).toBe(false);
    return;
  }
  expect(result.ok, result.ok ? "" : result.message).toBe(true);
  if (!result.ok) return;
  const expected = reduceAxes(a.values, a.shape, axes, init, f);
  const outShape = keep ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : expected.shape;
  expect(result.value.shape).toEqual(outShape);
  const mismatch = firstMismatch(result.value.data, expected.values, 1e-9);
  expect(
    mismatch,
    `${name} over ${JSON.stringify(axis)} of [${String(a.shape)}]: ${mismatch}`,
  ).toBeUndefined();
}

describe("reductions against a plain-JS oracle", () => {
  it.each(REDUCTIONS)(
    "%s over random axes (invalid, repeated, empty), with keepdims",
    (...reduction) => {
      fc.assert(
        fc.property(
          shape().chain((s) => fc.tuple(operand(s, tame), axisArg(s.length), fc.boolean())),
          ([a, axis, keep]) => checkReduction(reduction, a, axis, keep),
        ),
        fuzzParams(`runtime.reduce.${reduction[0]}`, 1 / 2),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "mean is the sum over the count (NaN for an empty axis)",
    () => {
      fc.assert(
        fc.property(
          shape().chain((s) => fc.tuple(operand(s, tame), axisArg(s.length))),
          ([a, axis]) => {
            const axes = oracleAxes(axis, a.shape.length);
            const result = outcome(() => ct.mean(t(a), axis), "mean");
            expect(result.ok).toBe(axes !== "invalid");
            if (!result.ok || axes === "invalid") return;
            const count = axes.reduce((n, k) => n * a.shape[k], 1);
            const sums = reduceAxes(a.values, a.shape, axes, 0, (p, q) => p + q).values;
            const mismatch = firstMismatch(
              result.value.data,
              sums.map((v) => v / count),
              1e-9,
            );
            expect(mismatch, `mean: ${mismatch}`).toBeUndefined();
          },
        ),
        fuzzParams("runtime.reduce.mean", 1 / 2),
      );
    },
    fuzzTimeout(5),
  );
});

describe("shapes too large to allocate", () => {
  const huge = fc.constantFrom(1e5, 2 ** 20, 2 ** 31, 2 ** 53);
  it("broadcasting into one fails with our error, before any allocation", () => {
    fc.assert(
      fc.property(
        huge,
        huge,
        fc.constantFrom<[string, typeof ct.add]>(
          ["add", ct.add],
          ["mul", ct.mul],
          ["maximum", ct.maximum],
        ),
        (m, n, [name, op]) => {
          const a = ct.zeros([Math.min(m, 1e5), 1]);
          const b = ct.zeros([1, Math.min(n, 1e5)]);
          const result = outcome(() => op(a, b), name, [a.shape, b.shape]);
          expect(result.ok).toBe(false);
        },
      ),
      fuzzParams("runtime.huge.broadcast", 0.02),
    );
  });
});
