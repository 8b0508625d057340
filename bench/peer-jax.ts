/**
 * jax-js on its WebAssembly backend (float32), eagerly and under `jit`. jax-js counts references:
 * every function consumes its array arguments, so an array used twice is passed as `x.ref` once.
 */
import {
  defaultDevice,
  grad,
  hessian,
  init,
  jacfwd,
  jacrev,
  jit,
  nn,
  numpy as np,
  type Array as JaxArray,
} from "@jax-js/jax";
import type { CaseId, Inputs, Peer } from "./cases.js";
import type { Result, Runner } from "./harness.js";
import { MLP } from "./mlp.js";
import { FLOW } from "./flow.js";

interface Params {
  w1: JaxArray;
  b1: JaxArray;
  w2: JaxArray;
  b2: JaxArray;
}

function rosen(x: JaxArray): JaxArray {
  const n = x.shape[0];
  const a = x.ref.slice([0, n - 1]);
  const b = x.slice([1, n]);
  const t = b.sub(a.ref.mul(a.ref));
  return t.ref
    .mul(t)
    .mul(100)
    .add(np.square(np.subtract(1, a)))
    .sum();
}

function residuals(x: JaxArray): JaxArray {
  const n = x.shape[0];
  const a = x.ref.slice([0, n - 1]);
  const b = x.slice([1, n]);
  return np.concatenate([b.sub(a.ref.mul(a.ref)).mul(10), np.subtract(1, a)]);
}

function elementwise(x: JaxArray): JaxArray {
  return np
    .sin(x.ref)
    .mul(x.ref.mul(x.ref))
    .add(np.exp(np.negative(x)));
}

function mlpLoss(p: Params, xs: JaxArray, oneHot: JaxArray): JaxArray {
  const h = nn.relu(np.matmul(xs, p.w1).add(p.b1));
  const logits = np.matmul(h, p.w2).add(p.b2);
  return nn
    .logSoftmax(logits)
    .mul(oneHot)
    .sum()
    .mul(-1 / MLP.batch);
}

/** The RK4 pendulum step of bench/flow.ts (s used five times: four references, then itself). */
function rk4(s: JaxArray): JaxArray {
  const { h, g } = FLOW;
  const field = (x: JaxArray): JaxArray =>
    np.concatenate([x.ref.slice([1, 2]), np.sin(x.slice([0, 1])).mul(-g)]);
  const k1 = field(s.ref);
  const k2 = field(s.ref.add(k1.ref.mul(h / 2)));
  const k3 = field(s.ref.add(k2.ref.mul(h / 2)));
  const k4 = field(s.ref.add(k3.ref.mul(h)));
  return s.add(
    k1
      .add(k2.mul(2))
      .add(k3.mul(2).add(k4))
      .mul(h / 6),
  );
}

function flow(s: JaxArray): JaxArray {
  for (let i = 0; i < FLOW.steps; i++) s = rk4(s);
  return s;
}

function f32(values: Float64Array, shape?: number[]): JaxArray {
  const array = np.array(Float32Array.from(values));
  return shape ? array.reshape(shape) : array;
}

/**
 * Realises an array and reads it out (consuming it). The declared type of `dataSync` names
 * Float16Array, which the ES2022 lib lacks, so it is read through a narrower view of the array.
 */
function read(array: JaxArray): ArrayLike<number> {
  const readable = array as unknown as { dataSync(): ArrayLike<number> };
  return readable.dataSync();
}

type Fn = (x: JaxArray) => JaxArray;

/** The function a case runs on a vector input, before jit. */
function vectorCase(id: CaseId): Fn | undefined {
  switch (id) {
    case "rosen-f-10":
    case "rosen-f-1k":
    case "rosen-f-100k":
      return rosen;
    case "rosen-grad-10":
    case "rosen-grad-1k":
    case "rosen-grad-100k":
      return grad(rosen);
    case "elem-jac-1k":
      return jacrev(elementwise);
    case "resid-jac-1k":
      // Tall (1998 × 1000): forward mode needs fewer passes, as JAX's docs advise. jax-js 0.1.25's
      // jacfwd returns the transpose (input axis first), and its jacrev fails on concatenate under
      // vmap, so the result is transposed back here (inside the jitted function).
      return (x) => jacfwd(residuals)(x).transpose();
    case "rosen-hess-1k":
      return hessian(rosen);
    case "rk4-flow":
      return flow;
    case "rk4-jac":
      // transposed back, as for the residuals (jax-js's jacfwd puts the input axis first)
      return (x) => jacfwd(flow)(x).transpose();
    default:
      return undefined;
  }
}

function vectorInput(id: CaseId, inputs: Inputs): Float64Array {
  if (id.startsWith("rk4")) return FLOW.s0;
  if (id.endsWith("-10")) return inputs.x10;
  if (id.endsWith("-100k")) return inputs.x100k;
  return inputs.x1k;
}

function mlpRunner(id: CaseId, inputs: Inputs, useJit: boolean): Runner {
  const { batch, inputs: width, hidden, classes } = MLP;
  const d = inputs.mlp;
  const p: Params = {
    w1: f32(d.w1, [width, hidden]),
    b1: f32(d.b1),
    w2: f32(d.w2, [hidden, classes]),
    b2: f32(d.b2),
  };
  const xs = f32(d.x, [batch, width]);
  const oneHot = f32(d.oneHot, [batch, classes]);
  const refs = (): Params => ({ w1: p.w1.ref, b1: p.b1.ref, w2: p.w2.ref, b2: p.b2.ref });
  if (id === "mlp-f") {
    const f = useJit ? jit(mlpLoss) : mlpLoss;
    return (): Result => read(f(refs(), xs.ref, oneHot.ref));
  }
  const g = useJit ? jit(grad(mlpLoss)) : grad(mlpLoss);
  return (): Result => {
    const out = g(refs(), xs.ref, oneHot.ref);
    return { parts: [read(out.w1), read(out.b1), read(out.w2), read(out.b2)] };
  };
}

function makePeer(useJit: boolean): Peer {
  return {
    name: useJit ? "jax-js jit" : "jax-js",
    precision: "float32",
    async setup() {
      await init("wasm", "cpu");
      defaultDevice("wasm");
    },
    runner(id, inputs) {
      if (id === "mlp-f" || id === "mlp-grad") return mlpRunner(id, inputs, useJit);
      const fn = vectorCase(id);
      if (id === "rk4-flow-scan" || id === "rk4-jac-scan") return "no scan in jax-js 0.1";
      // measured once: eager 2.8 s per call at 100 steps (growing faster than the steps); jit of
      // the 1,000-step loop 36 s to compile, then 0.5 s per call
      if (id === "rk4-flow" && !useJit) return "not run (eager: 2.8 s per call at 100 steps)";
      if (id === "rk4-jac") return "not run (its jit of the flow alone compiles for 36 s)";
      if (!fn) return "no sparse Jacobians (dense would be 2·10¹⁰ entries)";
      const compiled: Fn = useJit ? jit(fn) : fn;
      const x = f32(vectorInput(id, inputs));
      return (): Result => read(compiled(x.ref));
    },
  };
}

export const jaxPeer = makePeer(false);
export const jaxJitPeer = makePeer(true);
