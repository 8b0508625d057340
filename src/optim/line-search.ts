/**
 * The strong-Wolfe line search of Nocedal & Wright, Algorithms 3.5 and 3.6: brackets a step
 * along a descent direction, then zooms in with cubic interpolation (the minimiser of the cubic
 * through both end points' values and slopes, N&W eq. 3.59), safeguarded by bisection. The step
 * returned satisfies φ(α) ≤ φ(0) + c₁ α φ′(0) and |φ′(α)| ≤ c₂ |φ′(0)|.
 */
import type { Vec } from "./vec.js";

/** A trial point of the line search: the step, φ(α), φ′(α) and what the solver keeps. */
export interface LinePoint {
  alpha: number;
  value: number;
  slope: number;
  x: Vec;
  grad: Vec;
}

export interface LineSearchOptions {
  c1?: number | undefined;
  c2?: number | undefined;
  /** Trial steps allowed (default 30). */
  maxSteps?: number | undefined;
}

/** The minimiser of the cubic interpolating (a, fa, da) and (b, fb, db), or NaN. */
export function cubicMin(
  a: number,
  fa: number,
  da: number,
  b: number,
  fb: number,
  db: number,
): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Sufficient decrease; near a minimum, where f's rounding hides the decrease, the approximate
 * Wolfe test of Hager & Zhang stands in: φ(α) ≤ φ(0) + 1e-12 |φ(0)| and φ′(α) ≤ (2c₁ − 1) φ′(0).
 */
const sufficient = (p: LinePoint, phi0: LinePoint, c1: number): boolean =>
  p.value <= phi0.value + c1 * p.alpha * phi0.slope ||
  (p.value <= phi0.value + 1e-12 * Math.abs(phi0.value) && p.slope <= (2 * c1 - 1) * phi0.slope);

/** A trial step inside [lo, hi] away from both ends (cubic, else bisection). */
function trialStep(lo: LinePoint, hi: LinePoint): number {
  const left = Math.min(lo.alpha, hi.alpha);
  const width = Math.abs(hi.alpha - lo.alpha);
  const a = cubicMin(lo.alpha, lo.value, lo.slope, hi.alpha, hi.value, hi.slope);
  if (Number.isFinite(a) && a > left + 0.1 * width && a < left + 0.9 * width) return a;
  return (lo.alpha + hi.alpha) / 2;
}

/** N&W Algorithm 3.6: lo satisfies sufficient decrease, and the minimiser lies between lo and hi. */
function zoom(
  phi: (alpha: number) => LinePoint,
  phi0: LinePoint,
  bracket: [LinePoint, LinePoint],
  c1: number,
  c2: number,
  budget: number,
): LinePoint | null {
  let [lo, hi] = bracket;
  for (let j = 0; j < budget; j++) {
    const alpha = trialStep(lo, hi);
    if (!(Math.abs(hi.alpha - lo.alpha) > 1e-16 * Math.max(1, lo.alpha))) break;
    const p = phi(alpha);
    if (!Number.isFinite(p.value) || !sufficient(p, phi0, c1) || p.value > lo.value) {
      hi = Number.isFinite(p.value) ? p : { ...p, value: Infinity, slope: NaN };
      continue;
    }
    if (Math.abs(p.slope) <= -c2 * phi0.slope) return p;
    if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
    lo = p;
  }
  return lo.alpha > 0 && sufficient(lo, phi0, c1) ? lo : null;
}

/**
 * N&W Algorithm 3.5 from the step `alpha1`: a point satisfying the strong Wolfe conditions, or
 * (when the budget runs out) the best point with sufficient decrease, or null.
 */
export function strongWolfe(
  phi: (alpha: number) => LinePoint,
  phi0: LinePoint,
  alpha1: number,
  options: LineSearchOptions = {},
): LinePoint | null {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  let budget = options.maxSteps ?? 30;
  let prev = phi0;
  let alpha = alpha1;
  for (let i = 0; budget > 0; i++) {
    const p = phi(alpha);
    budget -= 1;
    if (!Number.isFinite(p.value) || !p.grad.every(Number.isFinite)) {
      alpha = (prev.alpha + alpha) / 2; // stepped out of the domain: come back
      continue;
    }
    if (!sufficient(p, phi0, c1) || (i > 0 && p.value >= prev.value))
      return zoom(phi, phi0, [prev, p], c1, c2, budget);
    if (Math.abs(p.slope) <= -c2 * phi0.slope) return p;
    if (p.slope >= 0) return zoom(phi, phi0, [p, prev], c1, c2, budget);
    prev = p;
    alpha *= 2;
  }
  return prev.alpha > 0 ? prev : null;
}
