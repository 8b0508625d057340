/**
 * cotangent, this runtime (float64), used as a notebook user would: eagerly ("cotangent") and
 * with every case's function compiled by `jit` ("cotangent jit").
 */
import type { Tensor } from "../src/index.js";
import {
  add,
  concat,
  grad,
  hessian,
  jacfwd,
  jacobian,
  jit,
  logSoftmax,
  matmul,
  mul,
  relu,
  slice,
  sparseJacobian,
  square,
  sub,
  sum,
  tensor,
} from "../src/index.js";
import type { CaseId, Inputs, Peer } from "./cases.js";
import type { Result, Runner } from "./harness.js";
import { MLP } from "./mlp.js";
import { FLOW, flowLoop, flowScan } from "./flow.js";

function rosenbrock(x: Tensor): Tensor {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  const b = slice(x, [1, n]);
  const t = sub(b, mul(a, a));
  return sum(add(mul(mul(t, t), 100), square(sub(1, a))));
}

function residuals(x: Tensor): Tensor {
  const n = x.shape[0];
  const a = slice(x, [0, n - 1]);
  const b = slice(x, [1, n]);
  return concat([mul(sub(b, mul(a, a)), 10), sub(1, a)]);
}

function elementwise(x: Tensor): Tensor {
  return add(mul(x.sin(), mul(x, x)), x.neg().exp());
}

interface Params {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

/** How a case's function is run: as is (eager) or compiled. */
type Wrap = <F extends (...args: never[]) => unknown>(f: F) => F;

/** The runner of one case, with every function passed through `wrap` once, up front. */
function oursRunner(id: CaseId, inputs: Inputs, wrap: Wrap): Runner | string {
  const { x10, x1k, x100k, mlp } = inputs;
  const v10 = tensor(x10);
  const v1k = tensor(x1k);
  const v100k = tensor(x100k);
  const { batch, inputs: width, hidden, classes } = MLP;
  const params: Params = {
    w1: tensor(mlp.w1, [width, hidden]),
    b1: tensor(mlp.b1),
    w2: tensor(mlp.w2, [hidden, classes]),
    b2: tensor(mlp.b2),
  };
  const xs = tensor(mlp.x, [batch, width]);
  const oneHot = tensor(mlp.oneHot, [batch, classes]);
  const loss = (p: Params): Tensor => {
    const h = relu(add(matmul(xs, p.w1), p.b1));
    const logits = add(matmul(h, p.w2), p.b2);
    return mul(sum(mul(logSoftmax(logits), oneHot)), -1 / batch);
  };
  const s0 = tensor(FLOW.s0);
  const f = wrap(rosenbrock);
  const g = wrap(grad(rosenbrock));
  switch (id) {
    case "rosen-f-10":
      return () => f(v10).data;
    case "rosen-grad-10":
      return () => g(v10).data;
    case "rosen-f-1k":
      return () => f(v1k).data;
    case "rosen-grad-1k":
      return () => g(v1k).data;
    case "rosen-f-100k":
      return () => f(v100k).data;
    case "rosen-grad-100k":
      return () => g(v100k).data;
    case "mlp-f": {
      const run = wrap(loss);
      return () => run(params).data;
    }
    case "mlp-grad": {
      const run = wrap(grad(loss));
      return (): Result => {
        const d = run(params);
        return { parts: [d.w1.data, d.b1.data, d.w2.data, d.b2.data] };
      };
    }
    case "elem-jac-1k": {
      const run = wrap(jacobian(elementwise));
      return () => run(v1k).data;
    }
    case "resid-jac-1k": {
      const run = wrap(jacobian(residuals));
      return () => run(v1k).data;
    }
    case "resid-sparse-100k":
      if (wrap !== eager) return "not compiled (sparseJacobian runs its own passes)";
      return () => sparseJacobian(residuals, v100k).values;
    case "rosen-hess-1k": {
      const run = wrap(hessian(rosenbrock));
      return () => run(v1k).data;
    }
    case "rk4-flow":
    case "rk4-flow-scan": {
      const run = wrap(id === "rk4-flow" ? flowLoop : flowScan);
      return () => run(s0).data;
    }
    case "rk4-jac":
    case "rk4-jac-scan": {
      const run = wrap(jacfwd(id === "rk4-jac" ? flowLoop : flowScan));
      return () => run(s0).data;
    }
  }
}

const eager: Wrap = (f) => f;
const jitWrap: Wrap = (f) => jit(f);

export const oursPeer: Peer = {
  name: "cotangent",
  precision: "float64",
  runner: (id, inputs) => oursRunner(id, inputs, eager),
};

export const oursJitPeer: Peer = {
  name: "cotangent jit",
  precision: "float64",
  runner: (id, inputs) => oursRunner(id, inputs, jitWrap),
};
