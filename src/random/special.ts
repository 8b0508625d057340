/**
 * The scalar functions the samplers need beyond the primitives: the inverse error function in
 * traced ops (Giles' polynomials), floor of non-negative values in traced ops, and erf and
 * nextafter on numbers.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import * as ops from "../ops.js";
import { asTensor } from "../tensor/creation.js";

/** 2⁵²: adding and subtracting it rounds a value in [0, 2⁵²) to the nearest integer. */
const TWO52 = 2 ** 52;

/** ⌊y⌋ for 0 ≤ y < 2⁵², in traced ops: r = (y + 2⁵²) − 2⁵² rounds, then r − [r > y]. */
export function floorNonNegative(y: TensorLike): Tensor {
  const r = ops.sub(ops.add(y, TWO52), TWO52);
  return ops.sub(r, ops.greater(r, y));
}

// M. Giles, "Approximating the erfinv function", GPU Computing Gems Jade (2011): the double
// precision coefficients, highest degree first, for w < 6.25, w < 16 and w ≥ 16.
const G1 = [
  -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
  1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
  6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
  2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
  1.051212273321532285e-9, -4.1126339803469836976e-9, -2.9070369957882005086e-8,
  4.2347877827932403518e-7, -1.3654692000834678645e-6, -1.3882523362786468719e-5,
  0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
  0.24015818242558961693, 1.6536545626831027356,
];
const G2 = [
  2.2137376921775787049e-9, 9.0756561938885390979e-8, -2.7517406297064545428e-7,
  1.8239629214389227755e-8, 1.5027403968909827627e-6, -4.013867526981545969e-6,
  2.9234449089955446044e-6, 1.2475304481671778723e-5, -4.7318229009055733981e-5,
  6.8284851459573175448e-5, 2.4031110387097893999e-5, -0.0003550375203628474796,
  0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
  -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334, 3.0838856104922207635,
];
const G3 = [
  -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-9,
  -3.7894654401267369937e-9, 7.6157012080783393804e-9, -1.4960026627149240478e-8,
  2.9147953450901080826e-8, -6.7711997758452339498e-8, 2.2900482228026654717e-7,
  -9.9298272942317002539e-7, 4.5260625972231537039e-6, -1.9681778105531670567e-5,
  7.5995277030017761139e-5, -0.00021503011930044477347, -0.00013871931833623122026,
  1.0103004648645343977, 4.8499064014085844221,
];

function horner(coefficients: readonly number[], w: Tensor): Tensor {
  let p = ops.add(ops.mul(w, coefficients[0]), coefficients[1]);
  for (let i = 2; i < coefficients.length; i++) p = ops.add(ops.mul(p, w), coefficients[i]);
  return p;
}

/**
 * erf⁻¹(x) for x in [−1, 1], in traced ops: w = −log((1 − x)(1 + x)), then x · p(w) with one of
 * Giles' three polynomials (in w − 3.125, √w − 3.25 or √w − 5); ±∞ at ±1.
 */
export function erfinv(x: TensorLike): Tensor {
  const t = asTensor(x);
  const w = ops.neg(ops.log(ops.mul(ops.sub(1, t), ops.add(1, t))));
  const s = ops.sqrt(w);
  const p1 = horner(G1, ops.sub(w, 3.125));
  const p2 = horner(G2, ops.sub(s, 3.25));
  const p3 = horner(G3, ops.sub(s, 5));
  const p = ops.where(ops.less(w, 6.25), p1, ops.where(ops.less(w, 16), p2, p3));
  return ops.where(ops.equal(ops.abs(t), 1), ops.mul(t, Infinity), ops.mul(p, t));
}

/**
 * erf(x) on a number: (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)), a series of positive terms
 * (no cancellation) for |x| < 6; ±1 beyond (erfc(6) < 2.2e−17).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** The next float64 after x toward `toward` (C's nextafter). */
export function nextAfter(x: number, toward: number): number {
  if (Number.isNaN(x) || Number.isNaN(toward)) return NaN;
  if (x === toward) return toward;
  if (x === 0) return toward > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += x < toward === x > 0 ? 1n : -1n;
  return f[0];
}
