/**
 * Singular-value timings: the values-only solver (`singularValues`, bidiagonal + QL) beside the
 * full SVD (`svd`, one-sided Jacobi, U and Vᵀ too). The full SVD is skipped above 300×300 (tens
 * of seconds). Run with `npm run bench:linalg`.
 */
import { singularValues, svd, Tensor } from "../src/index.js";

function randomMatrix(n: number, seed: number): Tensor {
  let state = seed;
  const data = Float64Array.from({ length: n * n }, () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return (state / 2 ** 32) * 2 - 1;
  });
  return new Tensor(data, [n, n]);
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

for (const n of [100, 300, 500]) {
  const a = randomMatrix(n, n);
  const values = time(() => singularValues(a));
  const full = n <= 300 ? `${time(() => svd(a).s).toFixed(0)} ms` : "skipped";
  console.log(`${n}×${n}: singularValues ${values.toFixed(0)} ms, svd (Jacobi) ${full}`);
}
