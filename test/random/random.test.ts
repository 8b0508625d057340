/**
 * Random keys: Threefry-2x32 (20 rounds) against the published known-answer vectors, keys,
 * split, foldIn and every sampler against jax.random 0.10.2 in 64-bit mode
 * (test/random/fixtures/jax-random.json, from scripts/optim/jax_random_fixtures.py), the same
 * samples under jit and vmap with traced keys, zero derivatives, and the errors.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import { grad, jacfwd, jit, random, stack, sum, tensor, vmap } from "cotangent";

interface Sample {
  seed: number;
  shape?: number[];
  values: number[];
}
interface Fixture {
  keys: Record<string, number[]>;
  split: { seed: number; n: number; keys: number[][] };
  split2: { seed: number; keys: number[][] };
  foldIn: { seed: number; data: number; key: number[] };
  bits: { seed: number; shape: number[]; hi: number[]; lo: number[] };
  uniform: Sample;
  uniformRange: Sample & { minval: number; maxval: number };
  normal: Sample;
  bernoulli: Sample & { p: number };
  categorical: Sample & { logits: number[][] };
  categoricalShape: Sample & { logits: number[]; shape: number[] };
  truncatedNormal: Sample & { lower: number; upper: number };
  splitThenNormal: Sample;
}
const jax = JSON.parse(
  readFileSync(new URL("./fixtures/jax-random.json", import.meta.url), "utf8"),
) as Fixture;

const values = (t: Tensor): number[] => Array.from(t.data);

describe("threefry2x32: the Random123 known answers", () => {
  // Random123 1.14 (D. E. Shaw Research), tests/kat_vectors, lines "threefry2x32 20 ctr key
  // expected"; the same three vectors are in JAX's tests/random_test.py (testThreefry2x32).
  const KAT: [string, number[], number[], number[]][] = [
    ["zeros", [0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    ["all ones", [0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    ["pi digits", [0x243f6a88, 0x85a308d3], [0x13198a2e, 0x03707344], [0xc4923a9c, 0x483df7a0]],
  ];
  it.each(KAT)("%s", (_name, ctr, key, expected) => {
    const out = random.threefry2x32(key[0], key[1], ctr[0], ctr[1]);
    expect(out.shape).toEqual([2]);
    expect(values(out)).toEqual(expected);
    // the same block under jit and batched
    const jitted = jit((k: Tensor, c: Tensor) =>
      random.threefry2x32(k.slice(0), k.slice(1), c.slice(0), c.slice(1)),
    )(tensor(key), tensor(ctr));
    expect(values(jitted)).toEqual(expected);
  });

  it("broadcasts its four words and puts the two output words last", () => {
    const out = random.threefry2x32(0, 0, tensor([0, 0xffffffff]), tensor([[0], [0xffffffff]]));
    expect(out.shape).toEqual([2, 2, 2]);
    expect(values(out.slice(0, 0))).toEqual([0x6b200159, 0x99ba4efe]);
    expect(() => random.threefry2x32(0, 0, tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /threefry2x32/,
    );
  });
});

describe("keys against jax.random", () => {
  it("random.key(seed) has JAX's words, negative and large seeds included", () => {
    for (const [seed, words] of Object.entries(jax.keys))
      expect(values(random.key(Number(seed)))).toEqual(words);
  });

  it("split and foldIn", () => {
    const keys = random.split(random.key(jax.split.seed), jax.split.n);
    expect(keys.shape).toEqual([3, 2]);
    expect(values(keys)).toEqual(jax.split.keys.flat());
    expect(values(random.split(random.key(jax.split2.seed)))).toEqual(jax.split2.keys.flat());
    const folded = random.foldIn(random.key(jax.foldIn.seed), jax.foldIn.data);
    expect(values(folded)).toEqual(jax.foldIn.key);
    expect(values(random.foldIn(random.key(0), tensor(jax.foldIn.data)))).toEqual(jax.foldIn.key);
  });

  it("bits: the 64-bit words of jax.random.bits(key, shape, uint64)", () => {
    const w = random.bits(random.key(jax.bits.seed), jax.bits.shape);
    expect(w.shape).toEqual([5, 2]);
    expect(values(w.slice(null, 0))).toEqual(jax.bits.hi);
    expect(values(w.slice(null, 1))).toEqual(jax.bits.lo);
  });
});

describe("samplers against jax.random", () => {
  it("uniform is JAX's float64 uniform (bit for bit on [0, 1))", () => {
    const u = random.uniform(random.key(jax.uniform.seed), jax.uniform.shape);
    expect(u.shape).toEqual([2, 3]);
    expect(values(u)).toEqual(jax.uniform.values);
    const r = jax.uniformRange;
    const v = random.uniform(random.key(r.seed), r.shape, { minval: r.minval, maxval: r.maxval });
    // XLA fuses u·(max − min) + min into one rounding (an FMA); we round twice: one ulp apart
    expect(v).toBeAllclose(tensor(r.values), { rtol: 3e-16, atol: 0 });
  });

  it("normal and truncatedNormal agree with JAX to rounding (Giles' erfinv)", () => {
    const n = random.normal(random.key(jax.normal.seed), jax.normal.shape);
    expect(n).toBeAllclose(tensor(jax.normal.values), { rtol: 1e-13, atol: 1e-14 });
    const t = jax.truncatedNormal;
    const tn = random.truncatedNormal(random.key(t.seed), t.lower, t.upper, t.shape);
    expect(tn).toBeAllclose(tensor(t.values), { rtol: 1e-12, atol: 1e-13 });
    const sub = random.split(random.key(jax.splitThenNormal.seed)).slice(1);
    expect(random.normal(sub, [3])).toBeAllclose(tensor(jax.splitThenNormal.values), {
      rtol: 1e-13,
      atol: 1e-14,
    });
  });

  it("bernoulli and categorical draw JAX's values", () => {
    const b = jax.bernoulli;
    expect(values(random.bernoulli(random.key(b.seed), b.p, b.shape))).toEqual(b.values);
    const c = jax.categorical;
    expect(values(random.categorical(random.key(c.seed), tensor(c.logits)))).toEqual(c.values);
    const s = jax.categoricalShape;
    const drawn = random.categorical(random.key(s.seed), tensor(s.logits), { shape: s.shape });
    expect(values(drawn)).toEqual(s.values);
  });

  it("their statistics: 20,000 draws (fixed keys)", () => {
    const k = random.key(2024);
    const n = random.normal(k, [20000]);
    const mean = sum(n).item() / 20000;
    const variance = sum(n.mul(n)).item() / 20000 - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
    const t = random.truncatedNormal(k, -0.5, 1.5, [20000]);
    expect(Math.min(...values(t))).toBeGreaterThan(-0.5);
    expect(Math.max(...values(t))).toBeLessThan(1.5);
    const c = random.categorical(k, tensor([0, Math.log(3)]), { shape: [20000] });
    expect(Math.abs(sum(c).item() / 20000 - 0.75)).toBeLessThan(0.015);
  });
});

describe("permutation", () => {
  it("is a permutation, the same eagerly, under jit and under vmap", () => {
    const k = random.key(11);
    const p = values(random.permutation(k, 50));
    expect(p.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(values(jit((key: Tensor) => random.permutation(key, 50))(k))).toEqual(p);
    const keys = random.split(k, 3);
    const batched = vmap((key: Tensor) => random.permutation(key, 20))(keys);
    const loop = stack([0, 1, 2].map((i) => random.permutation(keys.slice(i), 20)));
    expect(values(batched)).toEqual(values(loop));
  });

  it("shuffles a tensor along an axis", () => {
    const x = tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const k = random.key(3);
    const order = values(random.permutation(k, 4));
    const y = random.permutation(k, x, { axis: 1 });
    expect(values(y.slice(0))).toEqual(order.map((i) => i + 1));
    expect(values(jit((key: Tensor) => random.permutation(key, x, { axis: 1 }))(k))).toEqual(
      values(y),
    );
  });
});

describe("traced keys", () => {
  it("jit: one compilation for every key, samples equal to eager", () => {
    let traces = 0;
    const draw = jit((key: Tensor) => {
      traces++;
      const [a, b] = [random.split(key).slice(0), random.split(key).slice(1)];
      return random.normal(a, [4]).add(random.uniform(random.foldIn(b, 3), [4]));
    });
    for (let seed = 0; seed < 5; seed++) {
      const key = random.key(seed);
      const [a, b] = [random.split(key).slice(0), random.split(key).slice(1)];
      const eager = random.normal(a, [4]).add(random.uniform(random.foldIn(b, 3), [4]));
      expect(values(draw(key))).toEqual(values(eager));
    }
    expect(traces).toBe(1);
  });

  it("foldIn of a traced step count: one compilation, the eager keys", () => {
    let traces = 0;
    const k = random.key(21);
    const draw = jit((key: Tensor, step: Tensor) => {
      traces++;
      return random.normal(random.foldIn(key, step), [3]);
    });
    for (let step = 0; step < 4; step++)
      expect(values(draw(k, tensor(step)))).toEqual(
        values(random.normal(random.foldIn(k, step), [3])),
      );
    expect(traces).toBe(1);
  });

  it("vmap over a batch of keys equals a loop", () => {
    const keys = random.split(random.key(8), 4);
    const f = (key: Tensor): Tensor =>
      random.categorical(key, tensor([0.5, 0.1, 1.0]), { shape: [6] }).add(random.normal(key, [6]));
    const loop = stack([0, 1, 2, 3].map((i) => f(keys.slice(i))));
    expect(vmap(f)(keys)).toBeAllclose(loop, { rtol: 0, atol: 0 });
    expect(jit(vmap(f))(keys)).toBeAllclose(loop, { rtol: 0, atol: 0 });
  });

  it("has a zero derivative: noise is a constant to grad and jacfwd", () => {
    const key = random.key(5);
    const noise = random.normal(key, [3]);
    const loss = (x: Tensor): Tensor => sum(x.mul(random.normal(key, [3])));
    expect(grad(loss)(tensor([1, 2, 3]))).toBeAllclose(noise, { rtol: 0, atol: 0 });
    const j = jacfwd((k: Tensor) => random.uniform(k, [2]))(random.key(1));
    expect(values(j)).toEqual([0, 0, 0, 0]);
  });
});

describe("errors", () => {
  it("name the op and the shapes", () => {
    expect(() => random.normal(tensor([1, 2, 3]), [2])).toThrow(
      /random\.bits: a key has shape \[2\].*got shape \[3\]/,
    );
    expect(() => random.key(0.5)).toThrow(/random.key: expected a safe integer/);
    expect(() => random.uniform(random.key(0), [2], { minval: tensor([0, 0, 0]) })).toThrow(
      /random.uniform/,
    );
    expect(() => random.categorical(random.key(0), tensor([[1, 2]]), { shape: [3] })).toThrow(
      /must end with the logits' shape/,
    );
    expect(() => random.split(random.key(0), -1)).toThrow(/random.split: n must be/);
    // p may broadcast to the sample shape, never the sample to p's
    expect(() => random.bernoulli(random.key(0), tensor([0.1, 0.5, 0.9]), [])).toThrow(
      /random\.bernoulli: p of shape \[3\] does not broadcast to the sample shape \[\]/,
    );
    expect(random.bernoulli(random.key(0), tensor([0.1, 0.5, 0.9]), [2, 3]).shape).toEqual([2, 3]);
  });
});
