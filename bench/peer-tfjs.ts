/**
 * TensorFlow.js with the `cpu` backend (float32). TF.js has no jacobian, hessian or vmap, so full
 * Jacobians are built by hand, each case with whichever of two constructions was faster here:
 * batched (the input tiled into one row per output, f on all rows at once — every function here
 * maps over the last axis — and one reverse pass of Σ f(X) ⊙ I) for the elementwise Jacobian, and
 * one reverse pass per row (`tf.grad(f)(x, eᵢ)`) for the residual Jacobian and the Hessian.
 */
import * as tf from "@tensorflow/tfjs";
import type { Peer } from "./cases.js";
import type { Result, Runner } from "./harness.js";
import { MLP } from "./mlp.js";

type T = tf.Tensor;

/** Rosenbrock along the last axis: [..., n] → [...]. */
function rosenRows(x: T): T {
  const n = x.shape[x.shape.length - 1];
  const a = x.slice(
    [...x.shape.slice(0, -1).map(() => 0), 0],
    [...x.shape.slice(0, -1).map(() => -1), n - 1],
  );
  const b = x.slice(
    [...x.shape.slice(0, -1).map(() => 0), 1],
    [...x.shape.slice(0, -1).map(() => -1), n - 1],
  );
  const t = b.sub(a.square());
  return t.square().mul(100).add(tf.scalar(1).sub(a).square()).sum(-1);
}

function residualRows(x: T): T {
  const n = x.shape[x.shape.length - 1];
  const lead = x.shape.slice(0, -1);
  const a = x.slice([...lead.map(() => 0), 0], [...lead.map(() => -1), n - 1]);
  const b = x.slice([...lead.map(() => 0), 1], [...lead.map(() => -1), n - 1]);
  return tf.concat([b.sub(a.square()).mul(10), tf.scalar(1).sub(a)], -1);
}

function elementwise(x: T): T {
  return x.sin().mul(x.square()).add(x.neg().exp());
}

/** The m × n Jacobian of a row-mapped f at x (n) by one batched reverse pass. */
function batchedJacobian(f: (x: T) => T, x: T, m: number): T {
  const rows = tf.tile(x.reshape([1, -1]), [m, 1]);
  const basis = tf.eye(m);
  return tf.grad((X: T) => f(X).mul(basis).sum())(rows);
}

/** TF.js takes float32 data (it rejects a Float64Array). */
function vec(values: Float64Array): T {
  return tf.tensor1d(Float32Array.from(values));
}

/** The m × n Jacobian row by row: one reverse pass with the cotangent eᵢ per output i. */
function rowByRowJacobian(f: (x: T) => T, x: T, m: number): T {
  const pullback = tf.grad(f);
  const rows: T[] = [];
  for (let i = 0; i < m; i++) {
    rows.push(tf.tidy(() => pullback(x, tf.oneHot(tf.scalar(i, "int32"), m).asType("float32"))));
  }
  const jacobian = tf.stack(rows);
  for (const row of rows) row.dispose();
  return jacobian;
}

function run(compute: () => T | T[]): Runner {
  return (): Result => {
    const out = tf.tidy(compute);
    const list = Array.isArray(out) ? out : [out];
    const parts = list.map((t) => t.dataSync());
    for (const t of list) t.dispose();
    return { parts };
  };
}

export const tfjsPeer: Peer = {
  name: "TF.js cpu",
  precision: "float32",
  async setup() {
    await tf.setBackend("cpu");
    await tf.ready();
  },
  runner(id, { x10, x1k, x100k, mlp }) {
    const v10 = vec(x10);
    const v1k = vec(x1k);
    const v100k = vec(x100k);
    const { batch, inputs, hidden, classes } = MLP;
    const params = [
      tf.tensor2d(Float32Array.from(mlp.w1), [inputs, hidden]),
      vec(mlp.b1),
      tf.tensor2d(Float32Array.from(mlp.w2), [hidden, classes]),
      vec(mlp.b2),
    ];
    const xs = tf.tensor2d(Float32Array.from(mlp.x), [batch, inputs]);
    const oneHot = tf.tensor2d(Float32Array.from(mlp.oneHot), [batch, classes]);
    const loss = (w1: T, b1: T, w2: T, b2: T): T => {
      const h = tf.relu(tf.matMul(xs, w1).add(b1));
      const logits = tf.matMul(h, w2).add(b2);
      return tf.logSoftmax(logits).mul(oneHot).sum().neg().div(batch);
    };
    const gradRows = (X: T) => tf.grad((Y: T) => rosenRows(Y).sum())(X);
    switch (id) {
      case "rosen-f-10":
        return run(() => rosenRows(v10));
      case "rosen-grad-10":
        return run(() => tf.grad(rosenRows)(v10));
      case "rosen-f-1k":
        return run(() => rosenRows(v1k));
      case "rosen-grad-1k":
        return run(() => tf.grad(rosenRows)(v1k));
      case "rosen-f-100k":
        return run(() => rosenRows(v100k));
      case "rosen-grad-100k":
        return run(() => tf.grad(rosenRows)(v100k));
      case "mlp-f":
        return run(() => loss(params[0], params[1], params[2], params[3]));
      case "mlp-grad":
        return run(() => tf.grads((w1: T, b1: T, w2: T, b2: T) => loss(w1, b1, w2, b2))(params));
      case "elem-jac-1k":
        return run(() => batchedJacobian(elementwise, v1k, 1000));
      case "resid-jac-1k":
        return run(() => rowByRowJacobian(residualRows, v1k, 1998));
      case "resid-sparse-100k":
        return "no sparse Jacobians (dense would be 2·10¹⁰ entries)";
      case "rosen-hess-1k":
        return run(() => rowByRowJacobian(gradRows, v1k, 1000));
      case "rk4-flow":
      case "rk4-flow-scan":
      case "rk4-jac":
      case "rk4-jac-scan":
        return "not run (the flow compares cotangent with jax-js)";
    }
  },
};
