/**
 * The optimisation rows of `npm run bench`: an MLP training loop (784-128-10, batch 64, Adam with
 * lr 1e-3, 100 steps) in cotangent (one jitted step: grad + Adam update) beside TF.js
 * (`tf.train.adam`, `minimize` per step) and jax-js (Adam written with its ops, one jitted step),
 * and BFGS / L-BFGS on Rosenbrock in n = 1,000 from the bench's start point, with iterations and
 * evaluations beside scipy's on the same solve (test/optim/fixtures/scipy.json; neither TF.js nor
 * jax-js has a quasi-Newton solver). One timed run each: whole solves, not micro-benchmarks.
 * `npm run bench:optim` runs only these rows.
 */
import * as tf from "@tensorflow/tfjs";
import {
  defaultDevice,
  grad as jaxGrad,
  init as jaxInit,
  jit as jaxJit,
  nn,
  numpy as np,
  type Array as JaxArray,
} from "@jax-js/jax";
import { readFileSync } from "node:fs";
import type { Tensor } from "../src/index.js";
import {
  add,
  grad,
  jit,
  logSoftmax,
  matmul,
  minimize,
  mul,
  optim,
  relu,
  slice,
  square,
  sub,
  sum,
  tensor,
} from "../src/index.js";
import { MLP, mlpData } from "./mlp.js";
import { rosenbrockPoint } from "./problems.js";

interface Params {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

const STEPS = 100;

function oursAdam(): { ms: number; loss: number } {
  const data = mlpData();
  const { batch, inputs, hidden, classes } = MLP;
  const x = tensor(data.x, [batch, inputs]);
  const oneHot = tensor(data.oneHot, [batch, classes]);
  const loss = (p: Params): Tensor => {
    const h = relu(add(matmul(x, p.w1), p.b1));
    return mul(-1 / batch, sum(mul(logSoftmax(add(matmul(h, p.w2), p.b2)), oneHot)));
  };
  const opt = optim.adam(1e-3);
  const step = jit((p: Params, s: optim.OptState[]) => {
    const [u, next] = opt.update(grad(loss)(p), s, p);
    return [optim.applyUpdates(p, u), next] as const;
  });
  let params: Params = {
    w1: tensor(data.w1, [inputs, hidden]),
    b1: tensor(data.b1),
    w2: tensor(data.w2, [hidden, classes]),
    b2: tensor(data.b2),
  };
  let state = opt.init(params);
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) [params, state] = step(params, state);
  return { ms: performance.now() - t0, loss: loss(params).item() };
}

async function tfjsAdam(): Promise<{ ms: number; loss: number }> {
  await tf.setBackend("cpu");
  const data = mlpData();
  const { batch, inputs, hidden, classes } = MLP;
  const w1 = tf.variable(tf.tensor2d(Float32Array.from(data.w1), [inputs, hidden]));
  const b1 = tf.variable(tf.tensor1d(Float32Array.from(data.b1)));
  const w2 = tf.variable(tf.tensor2d(Float32Array.from(data.w2), [hidden, classes]));
  const b2 = tf.variable(tf.tensor1d(Float32Array.from(data.b2)));
  const xs = tf.tensor2d(Float32Array.from(data.x), [batch, inputs]);
  const oneHot = tf.tensor2d(Float32Array.from(data.oneHot), [batch, classes]);
  const loss = (): tf.Scalar =>
    tf
      .logSoftmax(tf.relu(tf.matMul(xs, w1).add(b1)).matMul(w2).add(b2))
      .mul(oneHot)
      .sum()
      .neg()
      .div(batch);
  const opt = tf.train.adam(1e-3);
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) tf.tidy(() => void opt.minimize(loss));
  const ms = performance.now() - t0;
  return { ms, loss: (await loss().data())[0] };
}

type JaxParams = Record<"w1" | "b1" | "w2" | "b2", JaxArray>;
const KEYS = ["w1", "b1", "w2", "b2"] as const;

function jaxLoss(p: JaxParams, xs: JaxArray, oneHot: JaxArray): JaxArray {
  const h = nn.relu(np.matmul(xs, p.w1).add(p.b1));
  return nn
    .logSoftmax(np.matmul(h, p.w2).add(p.b2))
    .mul(oneHot)
    .sum()
    .mul(-1 / MLP.batch);
}

/**
 * Adam (Kingma & Ba, lr 1e-3) written with jax-js ops, one jitted step (grad + update), since
 * jax-js 0.1.25 has no optimizers. The bias corrections 1/(1 − βᵗ) come in as arrays, so the
 * step compiles once. jax-js consumes its arguments: a value used twice is passed as `.ref`.
 */
function jaxAdamStep(
  p: JaxParams,
  m: JaxParams,
  v: JaxParams,
  c1: JaxArray,
  c2: JaxArray,
  xs: JaxArray,
  oneHot: JaxArray,
): { p: JaxParams; m: JaxParams; v: JaxParams } {
  const refs = { w1: p.w1.ref, b1: p.b1.ref, w2: p.w2.ref, b2: p.b2.ref };
  const g = jaxGrad(jaxLoss)(refs, xs, oneHot);
  const out = { p: { ...p }, m: { ...m }, v: { ...v } };
  KEYS.forEach((k, i) => {
    const last = i === KEYS.length - 1;
    const gk = g[k];
    const mk = m[k].mul(0.9).add(gk.ref.mul(0.1));
    const vk = v[k].mul(0.999).add(gk.ref.mul(gk).mul(0.001));
    const mHat = mk.ref.mul(last ? c1 : c1.ref);
    const vHat = vk.ref.mul(last ? c2 : c2.ref);
    out.p[k] = p[k].sub(mHat.mul(1e-3).div(np.sqrt(vHat).add(1e-8)));
    out.m[k] = mk;
    out.v[k] = vk;
  });
  return out;
}

async function jaxAdam(): Promise<{ ms: number; loss: number }> {
  await jaxInit("wasm", "cpu");
  defaultDevice("wasm");
  const data = mlpData();
  const { batch, inputs, hidden, classes } = MLP;
  const f32 = (values: Float64Array | number[], shape?: number[]): JaxArray => {
    const a = np.array(Float32Array.from(values));
    return shape ? a.reshape(shape) : a;
  };
  let p: JaxParams = {
    w1: f32(data.w1, [inputs, hidden]),
    b1: f32(data.b1),
    w2: f32(data.w2, [hidden, classes]),
    b2: f32(data.b2),
  };
  const zerosOf = (q: JaxParams): JaxParams => ({
    w1: np.zerosLike(q.w1.ref),
    b1: np.zerosLike(q.b1.ref),
    w2: np.zerosLike(q.w2.ref),
    b2: np.zerosLike(q.b2.ref),
  });
  let m = zerosOf(p);
  let v = zerosOf(p);
  const xs = f32(data.x, [batch, inputs]);
  const oneHot = f32(data.oneHot, [batch, classes]);
  const step = jaxJit(jaxAdamStep);
  const t0 = performance.now();
  for (let t = 1; t <= STEPS; t++) {
    const c1 = f32([1 / (1 - 0.9 ** t)]);
    const c2 = f32([1 / (1 - 0.999 ** t)]);
    ({ p, m, v } = step(p, m, v, c1, c2, xs.ref, oneHot.ref));
  }
  const loss = jaxLoss(p, xs, oneHot) as unknown as { dataSync(): ArrayLike<number> };
  const value = loss.dataSync()[0];
  return { ms: performance.now() - t0, loss: value };
}

interface ScipyBench {
  bench?: {
    rosenbrock1000?: Record<"bfgs" | "lbfgs", { iterations: number; evaluations: number }>;
  };
}

/** scipy 1.17's iterations and evaluations on the same solve (scripts/optim/scipy_fixtures.py). */
function scipyCounts(method: "bfgs" | "lbfgs"): string {
  // npm scripts run at the repository root
  const fixture = JSON.parse(readFileSync("test/optim/fixtures/scipy.json", "utf8")) as ScipyBench;
  const r = fixture.bench?.rosenbrock1000?.[method];
  return r === undefined
    ? "scipy: not in the fixture"
    : `scipy ${r.iterations} iterations, ${r.evaluations} evaluations`;
}

const rosen = (x: Tensor): Tensor => {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  return sum(add(mul(100, square(sub(slice(x, [1, n]), square(a)))), square(sub(1, a))));
};

/** The rows as markdown. */
export async function optimRows(): Promise<string> {
  const ours = oursAdam();
  const theirs = await tfjsAdam();
  const jax = await jaxAdam();
  const lines = [
    "| solve | cotangent jit (f64) | TF.js (f32) | jax-js jit (f32) | notes |",
    "| --- | ---: | ---: | ---: | --- |",
    `| MLP + Adam, ${STEPS} steps | ${ours.ms.toFixed(0)} ms | ${theirs.ms.toFixed(0)} ms | ${jax.ms.toFixed(0)} ms | final loss ${ours.loss.toFixed(4)} / ${theirs.loss.toFixed(4)} / ${jax.loss.toFixed(4)}; jax-js: Adam by hand in one jit step (no optimizers in 0.1.25) |`,
  ];
  for (const method of ["bfgs", "lbfgs"] as const) {
    const t0 = performance.now();
    const r = minimize(rosen, rosenbrockPoint(1000), { method, tol: 1e-8 });
    const ms = performance.now() - t0;
    lines.push(
      `| Rosenbrock n = 1,000, ${method} to max \\|∇f\\| ≤ 1e-8 | ${ms.toFixed(0)} ms | – | – | ${r.iterations} iterations, ${r.evaluations} evaluations, ${r.converged ? "converged" : r.message}; ${scipyCounts(method)} |`,
    );
  }
  return lines.join("\n");
}
