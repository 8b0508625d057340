/** fast-check generators shared by the runtime's fuzz suite: shapes, values, tensors. */
import fc from "fast-check";
import { sizeOf, type Shape } from "./oracle.js";

/** The values where floating point is most often mishandled, drawn often. */
export const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 2, 1e-300, 1e300];

export const value: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 3, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) },
);

/** Finite values of moderate size (sums and products of a few stay finite and exact-ish). */
export const finite: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.integer({ min: -5, max: 5 }),
);

/** An axis length: 0 now and then (empty tensors), else 1 to 4. */
export const dim: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constant(1) },
  { weight: 5, arbitrary: fc.integer({ min: 2, max: 4 }) },
);

export const shape = (maxRank = 4): fc.Arbitrary<Shape> => fc.array(dim, { maxLength: maxRank });

/** Values for a tensor of `s`. */
export const valuesOf = (s: Shape, of: fc.Arbitrary<number> = value): fc.Arbitrary<number[]> =>
  fc.array(of, { minLength: sizeOf(s), maxLength: sizeOf(s) });

export interface Operand {
  shape: Shape;
  values: number[];
}

export const operand = (s: Shape, of: fc.Arbitrary<number> = value): fc.Arbitrary<Operand> =>
  valuesOf(s, of).map((values) => ({ shape: s, values }));

/** A shape that broadcasts to `out`: a suffix of it with some axes set to 1. */
const broadcastable = (out: Shape): fc.Arbitrary<Shape> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** Two shapes that usually broadcast together (and sometimes are any two shapes). */
export const shapePair: fc.Arbitrary<[Shape, Shape]> = fc.oneof(
  {
    weight: 4,
    arbitrary: shape().chain((out) => fc.tuple(broadcastable(out), broadcastable(out))),
  },
  { weight: 1, arbitrary: fc.tuple(shape(), shape()) },
);

/** Two operands with values for a shape pair. */
export const operandPair = (of: fc.Arbitrary<number> = value): fc.Arbitrary<[Operand, Operand]> =>
  shapePair.chain(([a, b]) => fc.tuple(operand(a, of), operand(b, of)));

/** An axis argument as users write it, valid or not, for a tensor of rank `ndim`. */
export const axisArg = (ndim: number): fc.Arbitrary<number | number[] | undefined> => {
  const one = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -ndim, max: Math.max(ndim - 1, 0) }) },
    { weight: 1, arbitrary: fc.integer({ min: -ndim - 2, max: ndim + 2 }) },
    { weight: 1, arbitrary: fc.constantFrom(0.5, NaN, Infinity) },
  );
  return fc.oneof(fc.constant(undefined), one, fc.array(one, { maxLength: Math.max(ndim, 1) + 1 }));
};
