/** The physical reference: hand-written loops on Float64Arrays, derivatives derived by hand. */
import type { Peer } from "./cases.js";
import { mlpGrad, mlpLoss } from "./mlp.js";
import {
  elementwiseJacobian,
  residualsJacobian,
  residualsJacobianCsr,
  rosenbrock,
  rosenbrockGrad,
  rosenbrockHessian,
} from "./problems.js";
import { flowPlain } from "./flow.js";

export const plainPeer: Peer = {
  name: "plain JS",
  precision: "float64",
  runner(id, { x10, x1k, x100k, mlp }) {
    switch (id) {
      case "rosen-f-10":
        return () => [rosenbrock(x10)];
      case "rosen-grad-10":
        return () => rosenbrockGrad(x10);
      case "rosen-f-1k":
        return () => [rosenbrock(x1k)];
      case "rosen-grad-1k":
        return () => rosenbrockGrad(x1k);
      case "rosen-f-100k":
        return () => [rosenbrock(x100k)];
      case "rosen-grad-100k":
        return () => rosenbrockGrad(x100k);
      case "mlp-f":
        return () => [mlpLoss(mlp)];
      case "mlp-grad":
        return () => {
          const g = mlpGrad(mlp);
          return { parts: [g.w1, g.b1, g.w2, g.b2] };
        };
      case "elem-jac-1k":
        return () => elementwiseJacobian(x1k);
      case "resid-jac-1k":
        return () => residualsJacobian(x1k);
      case "resid-sparse-100k":
        return () => residualsJacobianCsr(x100k).values;
      case "rosen-hess-1k":
        return () => rosenbrockHessian(x1k);
      case "rk4-flow":
      case "rk4-flow-scan":
        return () => flowPlain(false);
      case "rk4-jac":
      case "rk4-jac-scan":
        return () => flowPlain(true);
    }
  },
};
