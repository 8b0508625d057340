/** cotangent, this runtime (float64), used as a notebook user would. */
import type { Tensor } from "../src/index.js";
import {
  add,
  concat,
  grad,
  hessian,
  jacobian,
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
import type { Peer } from "./cases.js";
import type { Result } from "./harness.js";
import { MLP } from "./mlp.js";

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

export const oursPeer: Peer = {
  name: "cotangent",
  precision: "float64",
  runner(id, { x10, x1k, x100k, mlp }) {
    const v10 = tensor(x10);
    const v1k = tensor(x1k);
    const v100k = tensor(x100k);
    const { batch, inputs, hidden, classes } = MLP;
    const params: Params = {
      w1: tensor(mlp.w1, [inputs, hidden]),
      b1: tensor(mlp.b1),
      w2: tensor(mlp.w2, [hidden, classes]),
      b2: tensor(mlp.b2),
    };
    const xs = tensor(mlp.x, [batch, inputs]);
    const oneHot = tensor(mlp.oneHot, [batch, classes]);
    const loss = (p: Params): Tensor => {
      const h = relu(add(matmul(xs, p.w1), p.b1));
      const logits = add(matmul(h, p.w2), p.b2);
      return mul(sum(mul(logSoftmax(logits), oneHot)), -1 / batch);
    };
    const gradRosen = grad(rosenbrock);
    switch (id) {
      case "rosen-f-10":
        return () => rosenbrock(v10).data;
      case "rosen-grad-10":
        return () => gradRosen(v10).data;
      case "rosen-f-1k":
        return () => rosenbrock(v1k).data;
      case "rosen-grad-1k":
        return () => gradRosen(v1k).data;
      case "rosen-f-100k":
        return () => rosenbrock(v100k).data;
      case "rosen-grad-100k":
        return () => gradRosen(v100k).data;
      case "mlp-f":
        return () => loss(params).data;
      case "mlp-grad":
        return (): Result => {
          const g = grad(loss)(params);
          return { parts: [g.w1.data, g.b1.data, g.w2.data, g.b2.data] };
        };
      case "elem-jac-1k":
        return () => jacobian(elementwise)(v1k).data;
      case "resid-jac-1k":
        return () => jacobian(residuals)(v1k).data;
      case "resid-sparse-100k":
        return () => sparseJacobian(residuals, v100k).values;
      case "rosen-hess-1k":
        return () => hessian(rosenbrock)(v1k).data;
    }
  },
};
