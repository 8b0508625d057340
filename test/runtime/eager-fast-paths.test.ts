/**
 * The fast paths of the eager kernels against slow, obviously right references: take and its
 * VJP (scatter-add) with Int32Array, number[] and tensor indices, on every slice width the kernel
 * special-cases (1, < 16, ≥ 16); tensor() from flat and nested arrays; toArray.
 */
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";

/** take by the definition: out[o, t, i] = x[o, idx[t], i]. */
function takeReference(x: ct.Tensor, idx: number[], axis: number): number[] {
  const shape = x.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = shape[axis];
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const t of idx) {
      const k = t < 0 ? t + dim : t;
      for (let i = 0; i < inner; i++) out.push(x.data[(o * dim + k) * inner + i]);
    }
  return out;
}

describe("take", () => {
  const cases: [number[], number][] = [
    [[50], 0],
    [[7, 50], 1],
    [[30, 5], 0],
    [[4, 30, 20], 1],
    [[3, 40, 3], 1],
  ];
  for (const [shape, axis] of cases) {
    it(`gathers ${JSON.stringify(shape)} along ${axis} with each index form`, () => {
      const x = ct.randn(shape, { seed: shape.length + axis });
      const dim = shape[axis];
      const idx = [0, dim - 1, 3, -1, -dim, 2, 2, 0];
      const expected = takeReference(x, idx, axis);
      expect(Array.from(ct.take(x, idx, axis).data)).toEqual(expected);
      expect(Array.from(ct.take(x, Int32Array.from(idx), axis).data)).toEqual(expected);
      expect(Array.from(ct.take(x, ct.tensor(idx), axis).data)).toEqual(expected);
      const nested = ct.take(x, [idx.slice(0, 4), idx.slice(4)], axis);
      expect(nested.shape).toEqual([...shape.slice(0, axis), 2, 4, ...shape.slice(axis + 1)]);
      expect(Array.from(nested.data)).toEqual(expected);
    });
  }

  it("adds repeated indices in its gradient (scatter-add), for each index form", () => {
    const x = ct.randn([6, 5], { seed: 9 });
    const idx = [1, 4, 1, -1, 0, 1];
    for (const form of [idx, Int32Array.from(idx)]) {
      for (const axis of [0, 1]) {
        const g = ct.grad((v: ct.Tensor) => ct.sum(ct.mul(ct.take(v, form, axis), 2)))(x);
        const counts = new Array<number>(x.shape[axis]).fill(0);
        for (const t of idx) counts[t < 0 ? t + x.shape[axis] : t] += 2;
        const expected = Array.from({ length: 30 }, (_v, i) =>
          axis === 0 ? counts[Math.floor(i / 5)] : counts[i % 5],
        );
        expect(Array.from(g.data)).toEqual(expected);
      }
    }
  });

  it("rejects indices out of range or not integers, in every form", () => {
    const x = ct.arange(4);
    const message = "take: index 4 is out of range for an axis of length 4";
    expect(() => ct.take(x, [4])).toThrow(message);
    expect(() => ct.take(x, Int32Array.of(4))).toThrow(message);
    expect(() => ct.take(x, Int32Array.of(-5))).toThrow("index -5 is out of range");
    expect(() => ct.take(x, [1.5])).toThrow("index 1.5 is out of range");
    expect(() => ct.take(x, [NaN])).toThrow("index NaN is out of range");
  });

  it("copies the caller's Int32Array (changing it later does not change a pullback)", () => {
    const idx = Int32Array.of(2, -1);
    const [, pullback] = ct.vjp((v: ct.Tensor) => ct.take(v, idx), ct.arange(4));
    idx[0] = 0;
    idx[1] = 0;
    expect(Array.from(pullback(ct.ones([2]))[0].data)).toEqual([0, 0, 1, 1]);
  });
});

describe("tensor() and toArray", () => {
  it("builds from flat numbers, nested arrays and typed arrays, and round-trips", () => {
    const flat = Array.from({ length: 24 }, (_v, i) => i * 0.5 - 3);
    const t = ct.tensor(flat, [2, 3, 4]);
    const nested = t.toArray() as number[][][];
    expect(nested.length).toBe(2);
    expect(nested[1][2]).toEqual(flat.slice(20, 24));
    expect(Array.from(ct.tensor(nested).data)).toEqual(flat);
    expect(ct.tensor(nested).shape).toEqual([2, 3, 4]);
    expect(Array.from(ct.tensor(Float64Array.from(flat)).data)).toEqual(flat);
    expect(ct.tensor([[]]).shape).toEqual([1, 0]);
    expect(ct.tensor([]).shape).toEqual([0]);
  });

  it("names the entry of a ragged or non-numeric array", () => {
    expect(() => ct.tensor([[1, 2], [3]])).toThrow("ragged nested array at values[1]");
    expect(() =>
      ct.tensor([
        [1, 2],
        [3, [4]],
      ] as never),
    ).toThrow("at values[1][1]");
    expect(() => ct.tensor([1, "a"] as never)).toThrow("at values[1]");
    expect(() => ct.tensor([[1], 2] as never)).toThrow("at values[1] (expected length 1)");
  });
});

/** A reduction by the definition: every entry's multi-index, its output index with axes dropped. */
function reduceReference(
  x: ct.Tensor,
  axes: number[],
  init: number,
  step: (acc: number, v: number) => number,
): number[] {
  const shape = x.shape;
  const outShape = shape.filter((_d, i) => !axes.includes(i));
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(init);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < x.size; flat++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) o = o * shape[d] + idx[d];
    out[o] = step(out[o], x.data[flat]);
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return out;
}

describe("reductions over contiguous and scattered axes", () => {
  const nanMax = (a: number, b: number): number => (a > b || Number.isNaN(a) ? a : b);
  const nanMin = (a: number, b: number): number => (a < b || Number.isNaN(a) ? a : b);
  const kinds: [
    string,
    (x: ct.Tensor, axes: number[]) => ct.Tensor,
    number,
    (a: number, b: number) => number,
  ][] = [
    ["sum", (x, a) => ct.sum(x, a), 0, (acc, v) => acc + v],
    ["prod", (x, a) => ct.prod(x, a), 1, (acc, v) => acc * v],
    ["max", (x, a) => ct.max(x, a), -Infinity, nanMax],
    ["min", (x, a) => ct.min(x, a), Infinity, nanMin],
  ];
  const axesSets = [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]];
  for (const [name, f, init, step] of kinds) {
    it(`${name} matches the definition on [4, 5, 3] for every set of axes, NaN included`, () => {
      const x = ct.randn([4, 5, 3], { seed: 21 });
      const data = x.data.slice();
      data[7] = NaN;
      const xn = ct.tensor(data, [4, 5, 3]);
      for (const t of [x, xn])
        for (const axes of axesSets) {
          const got = Array.from(f(t, axes).data);
          const want = reduceReference(t, axes, init, step);
          expect(got.length).toBe(want.length);
          for (let i = 0; i < want.length; i++) {
            const where = `${name} over ${axes.join(",")} [${i}]`;
            if (Number.isNaN(want[i])) expect(got[i], where).toBeNaN();
            else expect(got[i], where).toBeCloseTo(want[i], 12);
          }
        }
    });
  }
});

describe("the backward pass adds fan-in cotangents in place", () => {
  it("gives the right gradient for an input used many times, on every call", () => {
    const x = ct.randn([7], { seed: 31 });
    const f = (v: ct.Tensor): ct.Tensor =>
      ct.sum(ct.add(ct.add(ct.mul(v, 3), ct.exp(v)), ct.add(ct.sin(v), ct.mul(v, v))));
    const g = ct.grad(f);
    const want = Array.from(x.data, (v) => 3 + Math.exp(v) + Math.cos(v) + 2 * v);
    for (let call = 0; call < 3; call++) {
      const got = Array.from(g(x).data);
      for (let i = 0; i < 7; i++) expect(got[i]).toBeCloseTo(want[i], 12);
    }
  });

  it("never writes into the caller's cotangent or a tensor the rules pass through", () => {
    const x = ct.randn([5], { seed: 32 });
    // add's rule passes ȳ through to both inputs: x's cotangent starts as the caller's own tensor
    const [, pullback] = ct.vjp((v: ct.Tensor) => ct.add(ct.add(v, v), ct.add(v, v)), x);
    const c = ct.tensor([1, 2, 3, 4, 5]);
    const first = Array.from(pullback(c)[0].data);
    expect(first).toEqual([4, 8, 12, 16, 20]);
    expect(Array.from(c.data)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(pullback(c)[0].data)).toEqual(first);
  });

  it("agrees with the traced (non-concrete) path under jit and hessian", () => {
    const f = (v: ct.Tensor): ct.Tensor =>
      ct.sum(ct.add(ct.mul(ct.exp(v), v), ct.add(ct.sin(v), v)));
    const x = ct.randn([6], { seed: 33 });
    const eager = Array.from(ct.grad(f)(x).data);
    const jitted = Array.from(ct.jit(ct.grad(f))(x).data);
    for (let i = 0; i < 6; i++) expect(jitted[i]).toBeCloseTo(eager[i], 12);
    const h = ct.hessian(f)(x);
    expect(h.shape).toEqual([6, 6]);
    for (let i = 0; i < 6; i++) {
      const v = x.data[i];
      expect(h.data[i * 6 + i]).toBeCloseTo(Math.exp(v) * (2 + v) - Math.sin(v), 10);
    }
  });
});
