/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy
 * as 1, 2, 3", SC'11; the Random123 reference code): a keyed bijection of 64-bit counters, the
 * block of JAX's default generator. Words are uint32 values held in float64 (exact).
 */
import type { Data } from "./kernels.js";
import { alloc } from "./kernels.js";

/** Rotation constants of Threefry-2x32 (Random123's R_32x2), one per round mod 8. */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];
/** Skein's key-schedule parity constant: ks2 = k0 ⊕ k1 ⊕ 0x1BD11BDA. */
const PARITY = 0x1bd11bda;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/**
 * One block: (x0, x1) ← x + ks, then 20 rounds x0 += x1, x1 = rotl(x1, R) ⊕ x0, with the key
 * schedule injected after every fourth round (ks[s mod 3], ks[(s+1) mod 3] + s).
 */
function block(k0: number, k1: number, c0: number, c1: number, out: Data, at: number): void {
  const ks = [k0, k1, (k0 ^ k1 ^ PARITY) >>> 0];
  let x0 = (c0 + k0) >>> 0;
  let x1 = (c1 + k1) >>> 0;
  for (let round = 0; round < 20; round++) {
    x0 = (x0 + x1) >>> 0;
    x1 = (rotl(x1, ROTATIONS[round % 8]) ^ x0) >>> 0;
    if (round % 4 === 3) {
      const s = (round + 1) / 4;
      x0 = (x0 + ks[s % 3]) >>> 0;
      x1 = (x1 + ks[(s + 1) % 3] + s) >>> 0;
    }
  }
  out[at] = x0;
  out[at + 1] = x1;
}

/**
 * Threefry-2x32 (20 rounds) of equal-length word arrays (each entry taken mod 2³², as uint32)
 * → the two output words of each entry, interleaved (length 2n).
 */
export function threefry2x32(k0: Data, k1: Data, x0: Data, x1: Data): Data {
  const n = x0.length;
  const out = alloc(2 * n);
  for (let i = 0; i < n; i++) block(k0[i] >>> 0, k1[i] >>> 0, x0[i] >>> 0, x1[i] >>> 0, out, 2 * i);
  return out;
}
