/**
 * The benchmark cases, their inputs and their reference results, and the interface every peer
 * (plain JS, cotangent, TF.js, jax-js) implements.
 */
import type { Runner } from "./harness.js";
import { flowPlain } from "./flow.js";
import { mlpData, mlpGrad, mlpLoss, type MlpData } from "./mlp.js";
import {
  elementwiseJacobian,
  residualsJacobian,
  rosenbrock,
  rosenbrockGrad,
  rosenbrockHessian,
  rosenbrockPoint,
} from "./problems.js";

export type CaseKind = "f" | "grad" | "jacobian" | "sparse" | "hessian";

export type CaseId =
  | "rosen-f-10"
  | "rosen-grad-10"
  | "rosen-f-1k"
  | "rosen-grad-1k"
  | "rosen-f-100k"
  | "rosen-grad-100k"
  | "mlp-f"
  | "mlp-grad"
  | "elem-jac-1k"
  | "resid-jac-1k"
  | "resid-sparse-100k"
  | "rosen-hess-1k"
  | "rk4-flow"
  | "rk4-flow-scan"
  | "rk4-jac"
  | "rk4-jac-scan";

export interface Case {
  id: CaseId;
  title: string;
  kind: CaseKind;
  /** For a gradient case, the matching f case (for the grad/f ratio). */
  fCase?: CaseId;
  /** Compares a result with the reference; the largest scale-aware error. */
  reference: () => ArrayLike<number>;
}

export interface Inputs {
  x10: Float64Array;
  x1k: Float64Array;
  x100k: Float64Array;
  mlp: MlpData;
}

export function makeInputs(): Inputs {
  return {
    x10: rosenbrockPoint(10),
    x1k: rosenbrockPoint(1000),
    x100k: rosenbrockPoint(100_000),
    mlp: mlpData(),
  };
}

export function makeCases(inputs: Inputs): Case[] {
  const { x10, x1k, x100k, mlp } = inputs;
  const scalar = (v: number) => [v];
  const mlpFlat = () => {
    const g = mlpGrad(mlp);
    return [...g.w1, ...g.b1, ...g.w2, ...g.b2];
  };
  return [
    {
      id: "rosen-f-10",
      title: "Rosenbrock f, n = 10",
      kind: "f",
      reference: () => scalar(rosenbrock(x10)),
    },
    {
      id: "rosen-grad-10",
      title: "Rosenbrock grad, n = 10",
      kind: "grad",
      fCase: "rosen-f-10",
      reference: () => rosenbrockGrad(x10),
    },
    {
      id: "rosen-f-1k",
      title: "Rosenbrock f, n = 1,000",
      kind: "f",
      reference: () => scalar(rosenbrock(x1k)),
    },
    {
      id: "rosen-grad-1k",
      title: "Rosenbrock grad, n = 1,000",
      kind: "grad",
      fCase: "rosen-f-1k",
      reference: () => rosenbrockGrad(x1k),
    },
    {
      id: "rosen-f-100k",
      title: "Rosenbrock f, n = 100,000",
      kind: "f",
      reference: () => scalar(rosenbrock(x100k)),
    },
    {
      id: "rosen-grad-100k",
      title: "Rosenbrock grad, n = 100,000",
      kind: "grad",
      fCase: "rosen-f-100k",
      reference: () => rosenbrockGrad(x100k),
    },
    {
      id: "mlp-f",
      title: "MLP 784-128-10, batch 64, loss",
      kind: "f",
      reference: () => scalar(mlpLoss(mlp)),
    },
    {
      id: "mlp-grad",
      title: "MLP 784-128-10, batch 64, grad",
      kind: "grad",
      fCase: "mlp-f",
      reference: mlpFlat,
    },
    {
      id: "elem-jac-1k",
      title: "sin(x)·x² + e^(−x), n = 1,000, Jacobian 1000×1000",
      kind: "jacobian",
      reference: () => elementwiseJacobian(x1k),
    },
    {
      id: "resid-jac-1k",
      title: "Rosenbrock residuals, n = 1,000, dense Jacobian 1998×1000",
      kind: "jacobian",
      reference: () => residualsJacobian(x1k),
    },
    {
      id: "resid-sparse-100k",
      title: "Rosenbrock residuals, n = 100,000, sparse Jacobian (299,997 nonzeros)",
      kind: "sparse",
      reference: () => sparseValuesByRow(x100k),
    },
    {
      id: "rosen-hess-1k",
      title: "Rosenbrock Hessian, n = 1,000",
      kind: "hessian",
      reference: () => rosenbrockHessian(x1k),
    },
    {
      id: "rk4-flow",
      title: "RK4 pendulum flow, 1,000 steps (a JavaScript loop)",
      kind: "f",
      reference: () => flowPlain(false),
    },
    {
      id: "rk4-flow-scan",
      title: "RK4 pendulum flow, 1,000 steps (scan)",
      kind: "f",
      reference: () => flowPlain(false),
    },
    {
      id: "rk4-jac",
      title: "RK4 flow Jacobian 2×2, jacfwd (a JavaScript loop)",
      kind: "jacobian",
      reference: () => flowPlain(true),
    },
    {
      id: "rk4-jac-scan",
      title: "RK4 flow Jacobian 2×2, jacfwd (scan)",
      kind: "jacobian",
      reference: () => flowPlain(true),
    },
  ];
}

/**
 * The sparse residual Jacobian's nonzeros in row-major order (row by row, columns ascending): the
 * common flat form every sparse result is compared in.
 */
function sparseValuesByRow(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(3 * (n - 1));
  let k = 0;
  for (let i = 0; i + 1 < n; i++) {
    out[k++] = -20 * x[i];
    out[k++] = 10;
  }
  for (let i = 0; i + 1 < n; i++) out[k++] = -1;
  return out;
}

/** A peer: builds a runner per case it supports, or says why it cannot run the case. */
export interface Peer {
  name: string;
  precision: "float32" | "float64";
  setup?: () => Promise<void>;
  /** A runner, or a short reason the peer does not run this case. */
  runner(id: CaseId, inputs: Inputs): Runner | string;
  /** A peer that times itself (in another process): its median and result, or a reason. */
  measured?(id: CaseId, inputs: Inputs): { ms: number; result: ArrayLike<number> } | string;
}
