/**
 * The optimisation rows of `npm run bench`: an MLP training loop (784-128-10, batch 64, Adam with
 * lr 1e-3, 100 steps) in cotangent (one jitted step: grad + Adam update) beside TF.js
 * (`tf.train.adam`, `minimize` per step), and BFGS / L-BFGS on Rosenbrock in n = 1,000 from the
 * bench's start point, with iterations and evaluations. One timed run each: these are whole
 * solves, not micro-benchmarks.
 */
import * as tf from "@tensorflow/tfjs";
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

const rosen = (x: Tensor): Tensor => {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  return sum(add(mul(100, square(sub(slice(x, [1, n]), square(a)))), square(sub(1, a))));
};

/** The rows as markdown. */
export async function optimRows(): Promise<string> {
  const ours = oursAdam();
  const theirs = await tfjsAdam();
  const lines = [
    "| solve | cotangent jit (f64) | TF.js (f32) | TF.js ÷ ours | notes |",
    "| --- | ---: | ---: | ---: | --- |",
    `| MLP + Adam, ${STEPS} steps | ${ours.ms.toFixed(0)} ms | ${theirs.ms.toFixed(0)} ms | ${(theirs.ms / ours.ms).toFixed(2)} | final loss ${ours.loss.toFixed(4)} vs ${theirs.loss.toFixed(4)} |`,
  ];
  for (const method of ["bfgs", "lbfgs"] as const) {
    const t0 = performance.now();
    const r = minimize(rosen, rosenbrockPoint(1000), { method, tol: 1e-8 });
    const ms = performance.now() - t0;
    lines.push(
      `| Rosenbrock n = 1,000, ${method} to max \\|∇f\\| ≤ 1e-8 | ${ms.toFixed(0)} ms | – | – | ${r.iterations} iterations, ${r.evaluations} evaluations, ${r.converged ? "converged" : r.message} |`,
    );
  }
  return lines.join("\n");
}
