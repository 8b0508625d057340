/** Tensors over the size limit are refused with the runtime's own error, before any allocation. */
import { afterEach, describe, expect, it } from "vitest";
import { TensorSizeError, add, eye, matmul, ones, setTensorLimit, zeros } from "cotangent";

describe("the tensor size limit", () => {
  let previous: number | null = null;
  afterEach(() => {
    if (previous !== null) setTensorLimit(previous);
    previous = null;
  });

  it("creation functions name the shape and the memory it needs", () => {
    expect(() => zeros([100000, 100000])).toThrow(
      "zeros: [100000, 100000] needs 80 GB of float64, over the limit of 4.3 GB per tensor",
    );
    expect(() => eye(100000)).toThrow(TensorSizeError);
  });

  it("an op whose result is too large names the op and its operands", () => {
    expect(() => matmul(ones([100000, 1]), ones([1, 100000]))).toThrow(
      "matmul of [100000,1] and [1,100000] needs 80 GB of float64",
    );
    expect(() => add(ones([100000, 1]), ones([1, 100000]))).toThrow(/^add of .* needs 80 GB/);
  });

  it("the limit can be set, and below it everything works", () => {
    previous = setTensorLimit(1e6);
    expect(() => zeros([1000, 1000])).toThrow(
      "zeros: [1000, 1000] needs 8 MB of float64, over the limit of 1 MB",
    );
    expect(zeros([100, 100]).size).toBe(10000);
    expect(() => setTensorLimit(0)).toThrow("setTensorLimit: the limit must be a positive number");
  });
});
