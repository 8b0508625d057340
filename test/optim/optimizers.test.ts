/**
 * The optimizers and schedules: hand-computed first steps, optax 0.2.8 trajectories and schedule
 * values (test/optim/fixtures/optax.json, from scripts/optim/optax_fixtures.py), and a jitted
 * training step that is traced once over 100 steps.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, jit, mul, optim, pow, sub, sum, square, tensor } from "cotangent";
import type { Tensor } from "cotangent";

interface Params {
  w: Tensor;
  b: Tensor;
}
type Spec = Record<string, number | boolean | string>;
interface Fixture {
  optimizers: Record<string, { spec: Spec; params: { w: number[]; b: number }[] }>;
  schedules: Record<string, { spec: unknown[]; values: number[] }>;
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/optax.json", import.meta.url), "utf8"),
) as Fixture;

const C = tensor([1, 3, 0.5]);
const T = tensor([0.5, -1, 2]);
const loss = (p: Params): Tensor => sum(mul(C, square(sub(p.w, T)))).add(pow(sub(p.b, 1), 4));

function optimizer(spec: Spec): optim.GradientTransformation<optim.OptState[]> {
  const lr = spec.lr as number;
  const num = (k: string): number | undefined => spec[k] as number | undefined;
  switch (spec.kind) {
    case "sgd":
      return optim.sgd(lr, { momentum: num("momentum"), nesterov: spec.nesterov === true });
    case "adam":
      return optim.adam(lr, { b1: num("b1"), b2: num("b2"), eps: num("eps") });
    case "adamw":
      return optim.adamw(lr, { weightDecay: num("weightDecay") });
    case "rmsprop":
      return optim.rmsprop(lr, { decay: num("decay"), momentum: num("momentum") });
    case "adagrad":
      return optim.adagrad(lr);
    case "lion":
      return optim.lion(lr, { b1: num("b1"), weightDecay: num("weightDecay") });
    default:
      return optim.chain(optim.clipByGlobalNorm(1), optim.adam(optim.cosineDecay(0.1, 4)));
  }
}

function run(opt: optim.GradientTransformation<optim.OptState[]>, steps: number): Params[] {
  let params: Params = { w: tensor([0, 0, 0]), b: tensor(0.3) };
  let state = opt.init(params);
  const out: Params[] = [];
  for (let i = 0; i < steps; i++) {
    const [updates, next] = opt.update(grad(loss)(params), state, params);
    params = optim.applyUpdates(params, updates);
    state = next;
    out.push(params);
  }
  return out;
}

const close = (actual: number, expected: number, tol = 1e-12): void =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));

describe("optimizers against optax 0.2.8", () => {
  for (const [name, { spec, params }] of Object.entries(fixture.optimizers)) {
    it(`${name}: ${params.length} steps match`, () => {
      const ours = run(optimizer(spec), params.length);
      ours.forEach((p, i) => {
        (p.w.toArray() as number[]).forEach((v, j) => close(v, params[i].w[j]));
        close(p.b.item(), params[i].b);
      });
    });
  }
});

describe("hand-computed steps", () => {
  it("Adam's first two steps (Kingma & Ba with bias correction)", () => {
    const opt = optim.adam(0.1);
    let state = opt.init(tensor([0]));
    let [u, s] = opt.update(tensor([2]), state);
    // m = 0.2, v = 0.004; m̂ = 2, v̂ = 4; u = −0.1 · 2 / (2 + 1e-8)
    close(u.item(), (-0.1 * 2) / (2 + 1e-8));
    state = s;
    [u, s] = opt.update(tensor([-1]), state);
    const m = 0.9 * 0.2 + 0.1 * -1;
    const v = 0.999 * 0.004 + 0.001 * 1;
    const expected = (-0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    close(u.item(), expected);
    expect(s).toHaveLength(2);
  });

  it("AdamW decays the weights decoupled from the moments (Loshchilov & Hutter)", () => {
    const opt = optim.adamw(0.1, { weightDecay: 0.5 });
    const [u] = opt.update(tensor([2]), opt.init(tensor([3])), tensor([3]));
    close(u.item(), -0.1 * (2 / (2 + 1e-8) + 0.5 * 3));
  });

  it("Nesterov momentum looks ahead: u = −η (g + β (g + β m))", () => {
    const opt = optim.sgd(0.5, { momentum: 0.9, nesterov: true });
    let [, s] = opt.update(tensor([1]), opt.init(tensor([0])));
    const [u] = opt.update(tensor([2]), s);
    // m₁ = 1; m₂ = 2 + 0.9 = 2.9; u = −0.5 (2 + 0.9 · 2.9)
    close(u.item(), -0.5 * (2 + 0.9 * 2.9));
    s = opt.init(tensor([0]));
    expect(s).toHaveLength(2);
  });

  it("Lion steps by the sign, Adagrad by the root of the sum of squares", () => {
    const l = optim.lion(0.1, { weightDecay: 0 });
    const [u] = l.update(tensor([3, -0.001, 0]), l.init(tensor([0, 0, 0])), tensor([0, 0, 0]));
    expect(u.toArray()).toEqual([-0.1, 0.1, -0]);
    const a = optim.adagrad(1, { initialAccumulatorValue: 0, eps: 0 });
    const [v] = a.update(tensor([3, 0]), a.init(tensor([0, 0])));
    expect(v.toArray()).toEqual([-1, -0]);
  });

  it("clipByGlobalNorm scales the whole tree by maxNorm / ‖u‖ only when it is longer", () => {
    const clip = optim.clipByGlobalNorm(1);
    const [long] = clip.update({ a: tensor([3]), b: 4 }, {});
    close(long.a.item(), 0.6);
    close(long.b, 0.8);
    const [short] = clip.update({ a: tensor([0.3]), b: 0.4 }, {});
    expect(short).toEqual({ a: tensor([0.3]), b: 0.4 });
  });

  it("number leaves stay numbers through update and applyUpdates", () => {
    const opt = optim.sgd(0.1);
    const params = { x: 2, y: [tensor([1, 1])] };
    const [u] = opt.update({ x: 1, y: [tensor([1, -1])] }, opt.init(params));
    const next = optim.applyUpdates(params, u);
    expect(typeof next.x).toBe("number");
    close(next.x, 1.9);
    expect(next.y[0].toArray()).toEqual([0.9, 1.1]);
  });
});

describe("schedules against optax 0.2.8", () => {
  type Builder = (...args: never[]) => optim.Schedule;
  const builders = optim as unknown as Record<string, Builder>;
  for (const [name, { spec, values }] of Object.entries(fixture.schedules)) {
    it(`${name} at steps 0..30`, () => {
      const [fn, ...args] = spec as [string, ...never[]];
      const schedule = builders[fn](...args);
      const jitted = jit((c: Tensor) => schedule(c));
      values.forEach((v, t) => {
        close(schedule(tensor(t)).item(), v, 1e-14);
        close(jitted(tensor(t)).item(), v, 1e-14);
      });
    });
  }
});

describe("a jitted training step", () => {
  it("is traced once over 100 steps with a warm-up cosine schedule and clipping", () => {
    const opt = optim.chain(
      optim.clipByGlobalNorm(5),
      optim.adamw(optim.warmupCosineDecay(0, 0.1, 10, 100), { weightDecay: 1e-3 }),
    );
    let traces = 0;
    const step = jit((p: Params, s: optim.OptState[], target: Tensor) => {
      traces += 1;
      const g = grad((q: Params) => loss({ w: q.w.sub(target), b: q.b }))(p);
      const [u, next] = opt.update(g, s, p);
      return [optim.applyUpdates(p, u), next] as const;
    });
    let params: Params = { w: tensor([0, 0, 0]), b: tensor(0.3) };
    let state = opt.init(params);
    let eager: Params = params;
    let eagerState = state;
    for (let i = 0; i < 100; i++) {
      [params, state] = step(params, state, tensor([0, 0, 0]));
      const g = grad(loss)(eager);
      const [u, next] = opt.update(g, eagerState, eager);
      eager = optim.applyUpdates(eager, u);
      eagerState = next;
    }
    expect(traces).toBe(1);
    (params.w.toArray() as number[]).forEach((v, j) =>
      close(v, (eager.w.toArray() as number[])[j], 1e-12),
    );
    expect(loss(params).item()).toBeLessThan(
      0.05 * loss({ w: tensor([0, 0, 0]), b: tensor(0.3) }).item(),
    );
  });
});
