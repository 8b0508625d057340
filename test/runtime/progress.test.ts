/**
 * Batched transforms on concrete values: the basis in chunks (bounded memory) gives the same
 * Jacobian as one pass, and every batch is reported to the progress hook; under jit the pass
 * stays one batch and reports nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ProgressReport, Tensor } from "cotangent";
import {
  hessian,
  jacfwd,
  jacobian,
  jacrev,
  jit,
  matmul,
  mul,
  setProgressHook,
  sin,
  slice,
  sparseJacobian,
  sum,
  tensor,
  transpose,
  vmap,
} from "cotangent";
import { chunkSize } from "../../src/progress.js";

const reports: ProgressReport[] = [];
afterEach(() => {
  setProgressHook(undefined);
  reports.length = 0;
});
const listen = (): void => void setProgressHook((r) => reports.push(r));

const W = tensor(Array.from({ length: 7 }, (_r, i) => [1, 2, 3, 4, 5].map((j) => Math.cos(i * j))));
const f = (x: Tensor): Tensor => sin(matmul(W, x)); // R⁵ → R⁷
const x0 = tensor([0.1, -0.2, 0.3, 0.4, -0.5]);

describe("batched Jacobians", () => {
  it("jacrev in chunks of 3 rows equals one pass and reports each batch", () => {
    const whole = jacrev(f)(x0);
    listen();
    const chunked = jacrev(f, { chunkSize: 3 })(x0);
    expect(chunked).toBeAllclose(whole, { rtol: 0, atol: 0 });
    expect(chunked.shape).toEqual([7, 5]);
    expect(reports.map((r) => [r.label, r.unit, r.done, r.batches.done, r.finished])).toEqual([
      ["jacrev", "rows", 0, 0, false],
      ["jacrev", "rows", 3, 1, false],
      ["jacrev", "rows", 6, 2, false],
      ["jacrev", "rows", 7, 3, true],
    ]);
    expect(reports.every((r) => r.total === 7 && r.chunk === 3 && r.batches.total === 3)).toBe(
      true,
    );
    expect(new Set(reports.map((r) => r.task)).size).toBe(1);
  });

  it("jacfwd, jacobian and hessian in chunks equal one pass", () => {
    expect(jacfwd(f, { chunkSize: 2 })(x0)).toBeAllclose(jacfwd(f)(x0), { rtol: 0, atol: 0 });
    expect(jacobian(f, { chunkSize: 4 })(x0)).toBeAllclose(jacobian(f)(x0), { rtol: 0, atol: 0 });
    const g = (x: Tensor): Tensor => sum(mul(f(x), f(x)));
    listen();
    const H = hessian(g, { chunkSize: 2 })(x0);
    expect(H).toBeAllclose(hessian(g)(x0), { rtol: 1e-15, atol: 1e-15 });
    // the outer forward pass over the 5 input columns is batched; the inner one is traced
    const labels = new Set(reports.map((r) => `${r.label}/${r.unit}`));
    expect(labels).toEqual(new Set(["jacfwd/columns"]));
    expect(reports.filter((r) => r.finished && r.batches.total === 3)).toHaveLength(1);
  });

  it("sparseJacobian batches its colours", () => {
    const band = (x: Tensor): Tensor => mul(x, x);
    const dense = jacobian(band)(x0);
    listen();
    const S = sparseJacobian(band, x0);
    expect(S.toDense()).toBeAllclose(dense, { rtol: 0, atol: 0 });
    expect(reports.at(-1)).toMatchObject({
      label: "sparseJacobian",
      unit: "colours",
      finished: true,
    });
  });

  it("vmap with a chunk size maps in batches", () => {
    const xs = tensor(Array.from({ length: 10 }, (_r, i) => [i, i + 1, i + 2, i + 3, i + 4]));
    const rowSum = (x: Tensor): Tensor => sum(f(x));
    listen();
    expect(vmap(rowSum, { chunkSize: 4 })(xs)).toBeAllclose(vmap(rowSum)(xs), { rtol: 0, atol: 0 });
    expect(reports.map((r) => r.done)).toEqual([0, 4, 8, 10]);
    expect(() => vmap(rowSum, { chunkSize: 0 })).toThrow(
      "vmap: chunkSize must be a positive integer",
    );
  });

  it("under jit the pass is one batch: nothing is reported", () => {
    const eager = jacrev(f)(x0);
    listen();
    const J = jit(jacrev(f, { chunkSize: 2 }))(x0);
    expect(J).toBeAllclose(eager, { rtol: 1e-14, atol: 1e-14 });
    expect(reports.filter((r) => r.label === "jacrev")).toEqual([]);
  });

  it("a batch that throws ends the task as failed", () => {
    let calls = 0;
    const bad = (x: Tensor): Tensor => {
      calls++;
      if (calls > 1) throw new Error("boom in batch 2");
      return f(x);
    };
    listen();
    expect(() => jacfwd(bad, { chunkSize: 2 })(x0)).toThrow("boom in batch 2");
    expect(reports.at(-1)).toMatchObject({ finished: true, failed: true, done: 2 });
  });

  it("vmap of a product with a plain matrix equals the product per example", () => {
    const X = tensor(
      Array.from({ length: 3 }, (_b, b) => [0, 1, 2, 3, 4].map((k) => [k + b, k * b - 1])),
    );
    const left = vmap((x: Tensor) => matmul(W, x))(X); // W[7,5] · x[5,2]
    const right = vmap((x: Tensor) => matmul(transpose(x), transpose(W)))(X); // x[2,5]ᵀ… · Wᵀ[5,7]
    for (let b = 0; b < 3; b++) {
      const x = tensor(Array.from({ length: 5 }, (_k, k) => [k + b, k * b - 1]));
      expect(slice(left, [b, b + 1]).reshape([7, 2])).toBeAllclose(matmul(W, x), {
        rtol: 1e-15,
        atol: 1e-15,
      });
      expect(slice(right, [b, b + 1]).reshape([2, 7])).toBeAllclose(
        matmul(transpose(x), transpose(W)),
        {
          rtol: 1e-15,
          atol: 1e-15,
        },
      );
    }
  });

  it("the default chunk keeps [chunk, side] within 2^21 entries", () => {
    expect(chunkSize(3000, 3000)).toBe(699);
    expect(chunkSize(100, 100)).toBe(100);
    expect(chunkSize(10, 1e9)).toBe(1);
  });
});

describe("vmap's output structure", () => {
  it("keeps f's pytree, in one pass and in chunks", () => {
    const xs = tensor([1, 2, 3]);
    const pair = (x: Tensor): [Tensor, Tensor] => [mul(x, 2), sin(x)];
    for (const options of [{}, { chunkSize: 2 }]) {
      const [a, b] = vmap(pair, options)(xs);
      expect(a).toBeAllclose(tensor([2, 4, 6]), { rtol: 0, atol: 0 });
      expect(b).toBeAllclose(sin(xs), { rtol: 0, atol: 0 });
    }
  });
});
