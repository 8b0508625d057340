/**
 * The dense BFGS inverse Hessian H stored as its upper triangle, row by row (n(n+1)/2 numbers):
 * H is symmetric, and at n = 1,000 the iteration is bound by memory traffic over H, so each
 * iteration makes two passes over half the matrix — one reading it for H g₊ (H g is minus the
 * last direction), one writing the rank-two update — and the next direction −H₊ g₊ follows from
 * those products by vector algebra, without a third pass.
 */
import { dot, type Vec } from "./vec.js";

/** Packed upper triangle: row i holds columns i..n−1 from offset i·n − i(i−1)/2. */
export class PackedSymmetric {
  readonly data: Float64Array;

  constructor(
    readonly n: number,
    diagonal: number,
  ) {
    this.data = new Float64Array((n * (n + 1)) / 2);
    for (let i = 0, p = 0; i < n; p += n - i, i++) this.data[p] = diagonal;
  }

  /** H a and H b in one pass over the triangle (each entry off the diagonal used twice). */
  mul2(a: Vec, b: Vec): [Vec, Vec] {
    const { n, data } = this;
    const ha = new Float64Array(n);
    const hb = new Float64Array(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const ai = a[i];
      const bi = b[i];
      const d = data[p++];
      let sa = d * ai;
      let sb = d * bi;
      for (let j = i + 1; j < n; j++, p++) {
        const h = data[p];
        sa += h * a[j];
        sb += h * b[j];
        ha[j] += h * ai;
        hb[j] += h * bi;
      }
      ha[i] += sa;
      hb[i] += sb;
    }
    return [ha, hb];
  }

  /** H v in one pass over the triangle. */
  mul(v: Vec): Vec {
    const { n, data } = this;
    const out = new Float64Array(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      let sum = data[p++] * vi;
      for (let j = i + 1; j < n; j++, p++) {
        const h = data[p];
        sum += h * v[j];
        out[j] += h * vi;
      }
      out[i] += sum;
    }
    return out;
  }

  /** H ← H + α (u wᵀ + w uᵀ) + β u uᵀ, on the triangle. */
  update(u: Vec, w: Vec, alpha: number, beta: number): void {
    const { n, data } = this;
    let p = 0;
    for (let i = 0; i < n; i++) {
      const a = alpha * u[i];
      const b = alpha * w[i] + beta * u[i];
      for (let j = i; j < n; j++, p++) data[p] += a * w[j] + b * u[j];
    }
  }
}

/**
 * One BFGS update H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ = H − ρ (s (Hy)ᵀ + (Hy) sᵀ) +
 * (ρ² yᵀHy + ρ) s sᵀ (N&W eq. 6.17) from s = x₊ − x, y = g₊ − g; returns H₊ g₊ (= H g₊ −
 * ρ (s (Hy)ᵀg₊ + Hy sᵀg₊) + (ρ² yᵀHy + ρ) s sᵀg₊, from the same products). `hgPrev`, H g
 * when the caller has it (the last direction was −H g), saves computing it.
 */
export function updateBfgs(
  h: PackedSymmetric,
  step: { s: Vec; y: Vec; sy: number },
  gNext: Vec,
  gPrev: Vec,
  hgPrev: Vec | null,
): Vec {
  const { s, y, sy } = step;
  const [hgNext, hgOld] = hgPrev === null ? h.mul2(gNext, gPrev) : [h.mul(gNext), hgPrev];
  const n = h.n;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) hy[i] = hgNext[i] - hgOld[i];
  const rho = 1 / sy;
  const c = rho * rho * dot(y, hy) + rho;
  h.update(s, hy, -rho, c);
  const hyG = dot(hy, gNext);
  const sG = dot(s, gNext);
  const out = hgNext;
  for (let i = 0; i < n; i++) out[i] += -rho * (s[i] * hyG + hy[i] * sG) + c * s[i] * sG;
  return out;
}
