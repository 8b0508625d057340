/**
 * Search directions of the line-search methods: steepest descent, BFGS (dense inverse Hessian,
 * N&W eq. 6.17, scaled before the first update by eq. 6.20) and L-BFGS (the two-loop recursion,
 * N&W Algorithm 7.4). Each gives a direction at the current point and learns from each step.
 */
import { dot, scaled, subVec, type Vec } from "./vec.js";
import { PackedSymmetric, updateBfgs } from "./bfgs-packed.js";

/** A point of the iteration: x, f(x), ∇f(x). */
export interface Point {
  x: Vec;
  value: number;
  grad: Vec;
}

export interface Strategy {
  /** The search direction at `s` (should be a descent direction). */
  direction(s: Point): Vec;
  /** Learns from the step from `prev` to `next`. */
  update(prev: Point, next: Point): void;
  /** Forgets curvature (after a failed line search); false if there was none to forget. */
  reset(): boolean;
  /** The first trial step: 1 for Newton; otherwise from the last decrease (scipy's rule). */
  unitStep: boolean;
}

export function gradientDescent(): Strategy {
  return {
    direction: (s) => scaled(-1, s.grad),
    update: () => undefined,
    reset: () => false,
    unitStep: false,
  };
}

/** The step and the change of gradient, or null when the curvature yᵀs is not positive. */
function pair(prev: Point, next: Point): { s: Vec; y: Vec; sy: number } | null {
  const s = subVec(next.x, prev.x);
  const y = subVec(next.grad, prev.grad);
  const sy = dot(s, y);
  return sy > 1e-300 ? { s, y, sy } : null;
}

/**
 * BFGS on a dense inverse Hessian approximation H (packed upper triangle, n(n+1)/2 numbers; two
 * passes over it per iteration, bfgs-packed.ts).
 */
export function bfgs(n: number): Strategy {
  let h: PackedSymmetric | null = null;
  // H g at the newest point, from the update (so the direction costs no pass over H), and
  // the H g behind the last direction (so the update needs H g₊ only)
  let cached: { grad: Vec; hg: Vec } | null = null;
  let used: { grad: Vec; hg: Vec } | null = null;
  return {
    direction(point) {
      if (h === null) return scaled(-1, point.grad);
      const hg = cached !== null && cached.grad === point.grad ? cached.hg : h.mul(point.grad);
      used = { grad: point.grad, hg };
      return scaled(-1, hg);
    },
    update(prev, next) {
      const hgPrev = h !== null && used !== null && used.grad === prev.grad ? used.hg : null;
      cached = null;
      used = null;
      const q = pair(prev, next);
      if (q === null) return;
      h ??= new PackedSymmetric(n, q.sy / dot(q.y, q.y));
      cached = { grad: next.grad, hg: updateBfgs(h, q, next.grad, prev.grad, hgPrev) };
    },
    reset() {
      const had = h !== null;
      h = null;
      cached = null;
      used = null;
      return had;
    },
    unitStep: false,
  };
}

/** L-BFGS with the last `m` pairs; H₀ = (sᵀy / yᵀy) I from the newest pair. */
export function lbfgs(m: number): Strategy {
  let pairs: { s: Vec; y: Vec; rho: number }[] = [];
  return {
    direction(point) {
      const q = scaled(-1, point.grad);
      const alphas: number[] = [];
      for (let i = pairs.length - 1; i >= 0; i--) {
        const { s, y, rho } = pairs[i];
        const a = rho * dot(s, q);
        alphas[i] = a;
        for (let j = 0; j < q.length; j++) q[j] -= a * y[j];
      }
      const last = pairs[pairs.length - 1];
      const gamma = last === undefined ? 1 : 1 / (last.rho * dot(last.y, last.y));
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
      for (let i = 0; i < pairs.length; i++) {
        const { s, y, rho } = pairs[i];
        const b = alphas[i] - rho * dot(y, q);
        for (let j = 0; j < q.length; j++) q[j] += b * s[j];
      }
      return q;
    },
    update(prev, next) {
      const q = pair(prev, next);
      if (q === null) return;
      pairs.push({ s: q.s, y: q.y, rho: 1 / q.sy });
      if (pairs.length > m) pairs = pairs.slice(1);
    },
    reset() {
      const had = pairs.length > 0;
      pairs = [];
      return had;
    },
    unitStep: false,
  };
}
