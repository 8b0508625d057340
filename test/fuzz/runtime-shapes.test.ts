/**
 * The runtime's shape ops, matmul and constructors, property-based (fast-check, fixed seeds):
 * random shapes (empty ones too), permutations, slices, targets valid and not, and shapes too
 * large to allocate. Results match a plain-JS oracle, or the call fails with our own error
 * naming the op (and the shapes), never a raw TypeError or RangeError.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ct from "cotangent";
import { dim, operand, shape, type Operand } from "./arbitraries.js";
import { fuzzParams, fuzzTimeout } from "./config.js";
import { expectFailure, outcome } from "./expect-own-error.js";
import { broadcast, firstMismatch, ravelBroadcast, sizeOf, unravel, type Shape } from "./oracle.js";

const t = (o: Operand): ct.Tensor => ct.tensor(Float64Array.from(o.values), o.shape);
const withValues = shape().chain((s) => operand(s));

/** A target shape for a reshape: often the right size (maybe with one -1), sometimes not. */
const reshapeTarget = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof<fc.Arbitrary<number[]>[]>(
    shape(),
    fc
      .array(dim, { maxLength: 3 })
      .map((s) => [...s, n === 0 ? 0 : Math.max(1, Math.round(n / Math.max(1, sizeOf(s))))]),
    fc.constant<number[]>([n]),
    fc.constant<number[]>([-1]),
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.boolean())
      .map(([k, first]) => (first ? [-1, k] : [k, -1])),
    fc.constantFrom<number[]>([-1, -1], [1.5], [NaN], [-2, -2]),
  );

function checkReshape(a: Operand, target: number[]): void {
  const known = target.filter((d) => d !== -1);
  const holes = target.length - known.length;
  const resolved = target.map((d) => (d === -1 ? a.values.length / Math.max(1, sizeOf(known)) : d));
  const valid =
    holes <= 1 &&
    resolved.every((d) => Number.isInteger(d) && d >= 0) &&
    sizeOf(resolved) === a.values.length;
  const result = outcome(() => ct.reshape(t(a), target), "reshape");
  if (!(holes === 1 && sizeOf(known) === 0))
    expect(result.ok, `reshape ${String(a.shape)} → ${String(target)}`).toBe(valid);
  if (!result.ok) return;
  expect(sizeOf(result.value.shape)).toBe(a.values.length);
  expect(firstMismatch(result.value.data, a.values, 0)).toBeUndefined();
}

function transposed(a: Operand, perm: readonly number[]): number[] {
  const out = perm.map((p) => a.shape[p]);
  const values: number[] = [];
  for (let k = 0; k < sizeOf(out); k++) {
    const index = unravel(k, out);
    const source = new Array<number>(a.shape.length);
    perm.forEach((p, i) => (source[p] = index[i]));
    values.push(a.values[ravelBroadcast(source, a.shape)]);
  }
  return values;
}

const permutation = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.integer({ min: -n - 1, max: n + 1 }), { maxLength: n + 1 }),
    },
  );

describe("layout ops against an index oracle", () => {
  it(
    "reshape keeps the entries in row-major order, or names the shapes it cannot join",
    () => {
      fc.assert(
        fc.property(
          withValues.chain((a) => fc.tuple(fc.constant(a), reshapeTarget(a.values.length))),
          ([a, target]) => checkReshape(a, target),
        ),
        fuzzParams("runtime.reshape"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "transpose moves entries as the permutation says",
    () => {
      fc.assert(
        fc.property(
          withValues.chain((a) => fc.tuple(fc.constant(a), permutation(a.shape.length))),
          ([a, perm]) => {
            const n = a.shape.length;
            const norm = perm.map((p) => (p < 0 ? p + n : p));
            const valid =
              perm.length === n &&
              perm.every((p) => Number.isInteger(p) && p >= -n && p < n) &&
              new Set(norm).size === n;
            const result = outcome(() => ct.transpose(t(a), perm), "transpose");
            expect(result.ok, `transpose ${String(a.shape)} by ${String(perm)}`).toBe(valid);
            if (!result.ok) return;
            expect(result.value.shape).toEqual(norm.map((p) => a.shape[p]));
            expect(firstMismatch(result.value.data, transposed(a, norm), 0)).toBeUndefined();
          },
        ),
        fuzzParams("runtime.transpose"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "broadcastTo repeats entries along new and unit axes",
    () => {
      fc.assert(
        fc.property(withValues, shape(), (a, target) => {
          const out = broadcast(a.shape, target);
          const valid =
            out !== null && target.length >= a.shape.length && out.join() === target.join();
          const result = outcome(() => ct.broadcastTo(t(a), target), "broadcastTo", [
            a.shape,
            target,
          ]);
          expect(result.ok, `broadcastTo ${String(a.shape)} → ${String(target)}`).toBe(valid);
          if (!result.ok) return;
          const want = Array.from(
            { length: sizeOf(target) },
            (_, k) => a.values[ravelBroadcast(unravel(k, target), a.shape)],
          );
          expect(firstMismatch(result.value.data, want, 0)).toBeUndefined();
        }),
        fuzzParams("runtime.broadcastTo"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "concat and stack join along an axis, or name the shapes that differ",
    () => {
      const parts = shape(3).chain((s) =>
        fc.array(
          fc
            .oneof({ weight: 4, arbitrary: fc.constant(s) }, { weight: 1, arbitrary: shape(3) })
            .chain((p) => operand(p)),
          { minLength: 1, maxLength: 3 },
        ),
      );
      fc.assert(
        fc.property(parts, fc.integer({ min: -4, max: 3 }), fc.boolean(), (xs, axis, stacked) => {
          const name = stacked ? "stack" : "concat";
          const result = outcome(() => (stacked ? ct.stack : ct.concat)(xs.map(t), axis), name);
          const expected = stacked ? stackOracle(xs, axis) : concatOracle(xs, axis);
          expect(
            result.ok,
            `${name} of ${xs.map((x) => `[${String(x.shape)}]`).join(" ")} on ${axis}`,
          ).toBe(expected !== null);
          if (!result.ok || !expected) return;
          expect(result.value.shape).toEqual(expected.shape);
          expect(firstMismatch(result.value.data, expected.values, 0)).toBeUndefined();
        }),
        fuzzParams("runtime.concat"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "slice takes numpy's windows and indices, or says which index is out of range",
    () => {
      const spec = (d: number): fc.Arbitrary<ct.SliceSpec> =>
        fc.oneof(
          fc.constant(null),
          fc.integer({ min: -d - 1, max: d }),
          fc
            .tuple(
              fc.option(fc.integer({ min: -6, max: 6 })),
              fc.option(fc.integer({ min: -6, max: 6 })),
              fc.integer({ min: -1, max: 3 }),
            )
            .map(([a, b, s]) => [a, b, s] as const),
          fc.constantFrom(":", "1:", ":-1", "::2", "x:", "0.5"),
        );
      fc.assert(
        fc.property(
          withValues.chain((a) =>
            fc.tuple(fc.constant(a), fc.tuple(...a.shape.map((d) => spec(d)))),
          ),
          ([a, specs]) => {
            const expected = sliceOracle(a, specs);
            const result = outcome(() => ct.slice(t(a), ...specs), "slice");
            expect(result.ok, `slice [${String(a.shape)}] by ${JSON.stringify(specs)}`).toBe(
              expected !== null,
            );
            if (!result.ok || !expected) return;
            expect(result.value.shape).toEqual(expected.shape);
            expect(firstMismatch(result.value.data, expected.values, 0)).toBeUndefined();
          },
        ),
        fuzzParams("runtime.slice"),
      );
    },
    fuzzTimeout(5),
  );
});

function concatOracle(xs: Operand[], axis: number): { shape: Shape; values: number[] } | null {
  const first = xs[0].shape;
  const n = first.length;
  if (!Number.isInteger(axis) || axis < -n || axis >= n) return null;
  const a = axis < 0 ? axis + n : axis;
  if (xs.some((x) => x.shape.length !== n || x.shape.some((d, i) => i !== a && d !== first[i])))
    return null;
  const out = first.map((d, i) => (i === a ? xs.reduce((s, x) => s + x.shape[a], 0) : d));
  const values: number[] = [];
  for (let k = 0; k < sizeOf(out); k++) {
    const index = unravel(k, out);
    let at = index[a];
    const part = xs.findIndex((x) => (at < x.shape[a] ? true : ((at -= x.shape[a]), false)));
    index[a] = at;
    values.push(xs[part].values[ravelBroadcast(index, xs[part].shape)]);
  }
  return { shape: out, values };
}

function stackOracle(xs: Operand[], axis: number): { shape: Shape; values: number[] } | null {
  const n = xs[0].shape.length + 1;
  if (xs.some((x) => x.shape.join() !== xs[0].shape.join())) return null;
  if (!Number.isInteger(axis) || axis < -n || axis >= n) return null;
  const a = axis < 0 ? axis + n : axis;
  const expanded = xs.map((x) => ({
    shape: [...x.shape.slice(0, a), 1, ...x.shape.slice(a)],
    values: x.values,
  }));
  return concatOracle(expanded, a);
}

function sliceAxis(
  spec: ct.SliceSpec,
  d: number,
): { start: number; stop: number; step: number; drop: boolean } | null {
  if (spec === null) return { start: 0, stop: d, step: 1, drop: false };
  if (typeof spec === "number" || (typeof spec === "string" && !spec.includes(":"))) {
    const i = Number(spec);
    if (!Number.isInteger(i) || i < -d || i >= d) return null;
    const w = i < 0 ? i + d : i;
    return { start: w, stop: w + 1, step: 1, drop: true };
  }
  const parts =
    typeof spec === "string"
      ? spec.split(":").map((s) => (s === "" ? null : Number(s)))
      : [spec[0], spec[1] ?? null, spec[2] ?? null];
  if (parts.some((p) => p !== null && !Number.isInteger(p))) return null;
  const step = parts[2] ?? 1;
  if (step <= 0) return null;
  const fix = (v: number | null, dflt: number): number =>
    v === null ? dflt : Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const start = fix(parts[0], 0);
  return { start, stop: Math.max(start, fix(parts[1], d)), step, drop: false };
}

function sliceOracle(a: Operand, specs: ct.SliceSpec[]): { shape: Shape; values: number[] } | null {
  const axes = a.shape.map((d, i) => sliceAxis(specs[i] ?? null, d));
  if (axes.some((p) => p === null)) return null;
  const parsed = axes as NonNullable<(typeof axes)[number]>[];
  const window = parsed.map((p) => Math.ceil((p.stop - p.start) / p.step));
  const values: number[] = [];
  for (let k = 0; k < sizeOf(window); k++) {
    const index = unravel(k, window).map((i, ax) => parsed[ax].start + i * parsed[ax].step);
    values.push(a.values[ravelBroadcast(index, a.shape)]);
  }
  return { shape: window.filter((_, i) => !parsed[i].drop), values };
}

/** numpy's matmul, written out: 1-D promotion, batch broadcasting, then the sum of products. */
function matmulOracle(a: Operand, b: Operand): { shape: Shape; values: number[] } | null {
  if (a.shape.length === 0 || b.shape.length === 0) return null;
  const sa = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const sb = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const [m, k] = sa.slice(-2);
  const [k2, n] = sb.slice(-2);
  if (k !== k2) return null;
  const batch = broadcast(sa.slice(0, -2), sb.slice(0, -2));
  if (batch === null) return null;
  const values: number[] = [];
  for (let q = 0; q < sizeOf(batch) * m * n; q++) {
    const index = unravel(q, [...batch, m, n]);
    const [i, j] = index.slice(-2);
    let s = 0;
    for (let r = 0; r < k; r++) {
      const x = a.values[ravelBroadcast([...index.slice(0, -2), i, r], sa)];
      const y = b.values[ravelBroadcast([...index.slice(0, -2), r, j], sb)];
      s += x * y;
    }
    values.push(s);
  }
  const out = [...batch, ...(a.shape.length > 1 ? [m] : []), ...(b.shape.length > 1 ? [n] : [])];
  return { shape: out, values };
}

describe("matmul against the sum of products", () => {
  it(
    "promotes 1-D operands, broadcasts the batch axes, or names the shapes that do not align",
    () => {
      const pair = fc.tuple(shape(4), shape(4)).chain(([p, q]) => {
        const aligned =
          p.length > 0 && q.length > 1 ? [...q.slice(0, -2), p[p.length - 1], q[q.length - 1]] : q;
        return fc.tuple(operand(p), fc.oneof(operand(q), operand(aligned)));
      });
      fc.assert(
        fc.property(pair, ([a, b]) => {
          const expected = matmulOracle(a, b);
          const result = outcome(() => ct.matmul(t(a), t(b)), "matmul", [a.shape, b.shape]);
          expect(result.ok, `matmul [${String(a.shape)}] [${String(b.shape)}]`).toBe(
            expected !== null,
          );
          if (!result.ok || !expected) return;
          expect(result.value.shape).toEqual(expected.shape);
          expect(firstMismatch(result.value.data, expected.values, 1e-9)).toBeUndefined();
        }),
        fuzzParams("runtime.matmul"),
      );
    },
    fuzzTimeout(5),
  );
});

const badNumber = fc.constantFrom(-1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 1e300);
const creationShape = fc.array(
  fc.oneof({ weight: 3, arbitrary: dim }, { weight: 1, arbitrary: badNumber }),
  { maxLength: 4 },
);

describe("constructors with bad sizes", () => {
  it(
    "zeros, ones, full, rand and randn give the shape asked, or fail naming themselves",
    () => {
      const makers: [string, (s: number[]) => ct.Tensor][] = [
        ["zeros", (s) => ct.zeros(s)],
        ["ones", (s) => ct.ones(s)],
        ["full", (s) => ct.full(s, 7)],
        ["rand", (s) => ct.rand(s, { seed: 1 })],
        ["randn", (s) => ct.randn(s, { seed: 1 })],
      ];
      fc.assert(
        fc.property(fc.constantFrom(...makers), creationShape, ([name, make], s) => {
          const valid =
            s.every((d) => Number.isInteger(d) && d >= 0) &&
            (s.includes(0) || sizeOf(s) <= 2 ** 29);
          const result = outcome(() => make(s), name, [s]);
          expect(result.ok, `${name}(${JSON.stringify(s)})`).toBe(valid);
          if (result.ok) expect(result.value.shape).toEqual(s);
        }),
        fuzzParams("runtime.create.shape"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "eye, arange and linspace take only sizes they can build",
    () => {
      const n = fc.oneof(fc.integer({ min: 0, max: 5 }), badNumber);
      const bound = fc.oneof(
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom(NaN, Infinity, -Infinity, 1e12),
      );
      const calls = fc.oneof(
        fc.tuple(n, n).map(([p, q]) => ({ name: "eye", make: () => ct.eye(p, q), args: [p, q] })),
        fc.tuple(bound, bound, fc.oneof(bound, fc.constant(0.5))).map(([p, q, s]) => ({
          name: "arange",
          make: () => ct.arange(p, q, s),
          args: [p, q, s],
        })),
        fc.tuple(bound, bound, n).map(([p, q, k]) => ({
          name: "linspace",
          make: () => ct.linspace(p, q, k),
          args: [p, q, k],
        })),
      );
      fc.assert(
        fc.property(calls, ({ name, make, args }) => {
          const [p, q, s] = args as [number, number, number];
          const count =
            name === "eye" ? p * q : name === "arange" ? Math.max(0, Math.ceil((q - p) / s)) : s;
          const buildable =
            name === "arange"
              ? Number.isFinite(count) && s !== 0 && count <= 2 ** 29
              : (name === "eye" ? [p, q] : [s]).every((a) => Number.isInteger(a) && a >= 0) &&
                ((name === "eye" && (p === 0 || q === 0)) || count <= 2 ** 29);
          const result = outcome(make, name);
          expect(result.ok, `${name}(${args.join(", ")})`).toBe(buildable);
          if (!result.ok) return;
          expect(result.value.size).toBe(name === "eye" && (p === 0 || q === 0) ? 0 : count);
          if (name === "eye") expect(ct.sum(result.value).item()).toBe(Math.min(p, q));
        }),
        fuzzParams("runtime.create.ranges"),
      );
    },
    fuzzTimeout(5),
  );

  it(
    "tensor() of ragged or non-numeric nested arrays says where",
    () => {
      const leaf = fc.oneof(
        { weight: 6, arbitrary: fc.double() },
        { weight: 1, arbitrary: fc.constantFrom<unknown>("1", null, undefined, {}, true) },
      );
      const nested = fc.letrec<{ node: unknown }>((tie) => ({
        node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 3 })),
      })).node;
      const leaves = (v: unknown): number =>
        Array.isArray(v) ? v.reduce((n: number, x) => n + leaves(x), 0) : 1;
      fc.assert(
        fc.property(fc.array(nested, { maxLength: 4 }), (value) => {
          const result = outcome(() => ct.tensor(value as ct.NestedArray[]), "tensor");
          if (result.ok) expect(result.value.size).toBe(leaves(value));
          else expect(result.message).toMatch(/at values/);
        }),
        fuzzParams("runtime.create.nested"),
      );
    },
    fuzzTimeout(5),
  );

  it("reductions and matmul of empty tensors are empty or zero, never garbage", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (m, n) => {
        expect(ct.matmul(ct.zeros([m, 0]), ct.zeros([0, n])).data.every((v) => v === 0)).toBe(true);
        expect(ct.sum(ct.zeros([m, 0]), 1).shape).toEqual([m]);
        expect(expectFailure(() => ct.max(ct.zeros([m, 0]), 1), "max")).toContain("empty");
      }),
      fuzzParams("runtime.empty", 0.1),
    );
  });
});
