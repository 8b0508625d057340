/**
 * jit at real sizes: an unrolled RK4 pendulum flow (slices, a concat and elementwise ops per
 * step) at 10, 100 and 1,000 steps equals eager evaluation, its generated code grows linearly
 * with the steps, values used many times are computed once, and a program too large to compile
 * fails with an error that points to the loop primitives. Compile times are printed, not asserted.
 */
import { describe, expect, it } from "vitest";
import type { Tensor } from "cotangent";
import { add, concat, inspectJit, jacfwd, jit, mul, sin, slice, tensor } from "cotangent";

/** The pendulum θ'' = −g sin θ as a first-order field on s = [θ, ω]. */
function field(s: Tensor): Tensor {
  return concat([slice(s, "1:2"), mul(sin(slice(s, "0:1")), -9.81)]);
}

function rk4(s: Tensor, h: number): Tensor {
  const k1 = field(s);
  const k2 = field(add(s, mul(k1, h / 2)));
  const k3 = field(add(s, mul(k2, h / 2)));
  const k4 = field(add(s, mul(k3, h)));
  return add(s, mul(add(add(k1, mul(k2, 2)), add(mul(k3, 2), k4)), h / 6));
}

function flow(s: Tensor, steps: number): Tensor {
  for (let i = 0; i < steps; i++) s = rk4(s, 0.01);
  return s;
}

const s0 = tensor([1, 0.5]);

describe("jit: an unrolled RK4 flow", () => {
  it.each([10, 100, 1000])("%i steps: the compiled flow equals eager evaluation", (steps) => {
    const f = jit((s: Tensor) => flow(s, steps));
    const start = performance.now();
    const first = f(s0);
    const compileMs = performance.now() - start;
    expect(first).toBeAllclose(flow(s0, steps), { rtol: 1e-13, atol: 1e-13 });
    expect(f(tensor([0.2, -1]))).toBeAllclose(flow(tensor([0.2, -1]), steps), {
      rtol: 1e-13,
      atol: 1e-13,
    });
    const perRun = (g: (s: Tensor) => Tensor, runs: number): number => {
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) g(s0);
      return (performance.now() - t0) / runs;
    };
    const [jitMs, eagerMs] = [perRun(f, 20), perRun((s) => flow(s, steps), 3)];
    console.log(
      `jit RK4 flow, ${steps} steps: compile and first run ${compileMs.toFixed(0)} ms; a run ` +
        `${jitMs.toFixed(3)} ms compiled, ${eagerMs.toFixed(3)} ms eager`,
    );
  });

  it("generated code grows linearly with the number of steps", () => {
    const size = (steps: number): number =>
      inspectJit((s: Tensor) => flow(s, steps), s0).source.length;
    const [s100, s200, s400] = [size(100), size(200), size(400)];
    console.log(`jit RK4 source: ${s100}, ${s200}, ${s400} characters for 100, 200, 400 steps`);
    // linear: doubling the steps about doubles the source (a constant head aside)
    expect(s400 - s200).toBeLessThan(1.1 * (s200 - s100) * 2);
    expect(s400 / s100).toBeLessThan(4.4);
  });

  it("jit(jacfwd(flow)) equals the eager Jacobian", () => {
    const g = (s: Tensor): Tensor => flow(s, 200);
    const start = performance.now();
    const J = jit(jacfwd(g))(s0);
    console.log(
      `jit(jacfwd(flow 200)): compile and first run ${(performance.now() - start).toFixed(0)} ms`,
    );
    expect(J).toBeAllclose(jacfwd(g)(s0), { rtol: 1e-12, atol: 1e-12 });
  });

  it("a value read by many consumers is computed once", () => {
    // y feeds 40 slices: computed inline it would appear in each of them
    const f = (x: Tensor): Tensor => {
      const y = sin(mul(x, 3));
      const parts = Array.from({ length: 40 }, (_v, i) => slice(y, `${i}:${i + 1}`));
      return concat(parts);
    };
    const source = inspectJit(f, tensor(Array.from({ length: 40 }, (_v, i) => i / 10))).source;
    expect(source.split("Math.sin").length - 1).toBe(1);
  });

  it("a program too large to compile fails with an error suggesting scan", () => {
    const f = (x: Tensor): Tensor => {
      for (let i = 0; i < 400_001; i++) x = sin(x);
      return x;
    };
    expect(() => jit(f)(tensor([1]))).toThrow(/operations, more than .* scan/);
  });
});
