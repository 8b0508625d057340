import { describe, expect, it } from "vitest";
import {
  grad,
  jacfwd,
  log,
  sqrt,
  sum,
  tensor,
  mul,
  type Tensor,
  NonFiniteError,
  setDebugNans,
  withDebugNans,
} from "cotangent";

function caught(body: () => unknown): NonFiniteError {
  try {
    body();
  } catch (e) {
    if (e instanceof NonFiniteError) return e;
    throw e;
  }
  throw new Error("expected a NonFiniteError");
}

describe("withDebugNans", () => {
  it("names log for log(-1) in the forward pass, with the input shape and value", () => {
    const e = caught(() => withDebugNans(() => sum(log(tensor([1, 2, -1])))));
    expect(e.primitive).toBe("log");
    expect(e.phase).toBe("forward");
    expect(e.inputShapes).toEqual([[3]]);
    expect(e.index).toBe(2);
    expect(e.message).toBe(
      "log produced NaN in the forward pass at flat index 2 of [3] (input shapes [3]) from input value -1",
    );
  });

  it("names the backward primitive when only the gradient is non-finite", () => {
    // sqrt(0) = 0 is finite, but d sqrt = dx / (2 sqrt x) divides by zero in the backward pass.
    const f = (x: Tensor) => sum(mul(sqrt(x), 3));
    const e = caught(() => withDebugNans(() => grad(f)(tensor([4, 0]))));
    expect(e.phase).toBe("backward");
    expect(e.value).toBe(Infinity);
    // d sqrt = ct / (2 sqrt x): 3 / 0 at the second entry.
    expect(e.primitive).toBe("div");
    expect(e.index).toBe(1);
    expect(e.message).toMatch(
      /^the backward pass of sqrt, at x = 0, produced Infinity \(in its div\)/,
    );
  });

  it("puts where the differentiated op was applied first in the error's stack", () => {
    const applySqrt = (x: Tensor): Tensor => sqrt(x);
    const e = caught(() =>
      withDebugNans(() => grad((x: Tensor) => sum(applySqrt(x)))(tensor([0]))),
    );
    const frames = (e.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
    const site = frames.findIndex((line) => line.includes("applySqrt"));
    const pass = frames.findIndex((line) => /\bbackward\b/.test(line));
    expect(site).toBeGreaterThanOrEqual(0);
    expect(pass).toBeGreaterThan(site);
  });

  it("checks forward-mode passes too (jacfwd of log at a negative point)", () => {
    const e = caught(() => withDebugNans(() => jacfwd((x: Tensor) => log(x))(tensor([2, -3]))));
    expect(e.primitive).toBe("log");
    expect(e.phase).toBe("forward");
    expect(e.index).toBe(1);
  });

  it("lets finite computations through and removes the check afterwards", () => {
    expect(withDebugNans(() => sum(log(tensor([1, 2]))).item())).toBeCloseTo(Math.log(2));
    expect(Number.isNaN(log(tensor(-1)).item())).toBe(true);
  });

  it("can be switched on globally", () => {
    setDebugNans(true);
    try {
      expect(() => log(tensor(-1))).toThrow(/log produced NaN in the forward pass/);
    } finally {
      setDebugNans(false);
    }
    expect(Number.isNaN(log(tensor(-1)).item())).toBe(true);
  });
});
