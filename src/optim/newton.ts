/**
 * Newton directions. "exact": the dense Hessian from `jit(hessian(f))`, factored by Cholesky with
 * a multiple of the identity added until it is positive definite (N&W Algorithm 3.3). "hvp-cg":
 * Hessian-vector products (the compiled jvp of the gradient) and conjugate gradients stopped at
 * the forcing tolerance min(0.5, √‖g‖) ‖g‖ or at negative curvature (N&W Algorithm 7.1).
 */
import type { Objective } from "./objective.js";
import type { Point, Strategy } from "./strategies.js";
import { cholesky, choleskySolve, dot, norm, scaled, type Vec } from "./vec.js";

/** −(H + τI)⁻¹ g with the least τ ∈ {0, β, 2β, 4β, …} (β = 1e-3 · max |Hᵢᵢ|) that factors. */
export function dampedNewtonStep(h: Vec, g: Vec): Vec {
  const n = g.length;
  let minDiag = Infinity;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, h[i * n + i]);
    maxDiag = Math.max(maxDiag, Math.abs(h[i * n + i]));
  }
  const beta = 1e-3 * Math.max(maxDiag, 1e-8);
  let tau = minDiag > 0 ? 0 : beta - minDiag;
  for (let attempt = 0; attempt < 80; attempt++) {
    const l = cholesky(h, n, tau);
    if (l !== null) return scaled(-1, choleskySolve(l, g));
    tau = Math.max(2 * tau, beta);
  }
  return scaled(-1, g);
}

/** Truncated conjugate gradients on H p = −g through products v ↦ Hv (N&W Algorithm 7.1). */
export function newtonCg(hv: (v: Vec) => Vec, g: Vec, maxIter: number): Vec {
  const n = g.length;
  const gNorm = norm(g);
  const tol = Math.min(0.5, Math.sqrt(gNorm)) * gNorm;
  const z = new Float64Array(n);
  const r = Float64Array.from(g); // residual of H z = −g is r = H z + g
  const d = scaled(-1, g);
  let rr = dot(r, r);
  for (let j = 0; j < maxIter; j++) {
    const hd = hv(d);
    const curvature = dot(d, hd);
    if (curvature <= 0) return j === 0 ? scaled(-1, g) : z;
    const alpha = rr / curvature;
    for (let i = 0; i < n; i++) {
      z[i] += alpha * d[i];
      r[i] += alpha * hd[i];
    }
    const next = dot(r, r);
    if (Math.sqrt(next) <= tol) return z;
    const beta = next / rr;
    rr = next;
    for (let i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
  }
  return z;
}

export function newton(objective: Objective, mode: "exact" | "hvp-cg"): Strategy {
  return {
    direction(s: Point): Vec {
      if (mode === "exact") return dampedNewtonStep(objective.hessian(s.x), s.grad);
      return newtonCg((v) => objective.hvp(s.x, v), s.grad, Math.max(20, 2 * s.grad.length));
    },
    update: () => undefined,
    reset: () => false,
    unitStep: true,
  };
}
