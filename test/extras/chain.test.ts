import { describe, expect, it } from "vitest";
import {
  cos,
  grad,
  hessian,
  vmap,
  jacfwd,
  jacobian,
  matmul,
  mul,
  randn,
  sin,
  sum,
  tanh,
  tensor,
  transpose,
  vjp,
  type Tensor,
  chain,
  traceChain,
  type ChainTrace,
} from "cotangent";

const W1 = randn([4, 3], { seed: 1 });
const W2 = randn([2, 4], { seed: 2 });
const f1 = { name: "linear 3→4", fn: (x: Tensor) => matmul(W1, x) };
const f2 = { name: "tanh", fn: (x: Tensor) => tanh(x) };
const f3 = { name: "linear 4→2", fn: (x: Tensor) => matmul(W2, x) };
const f4 = { name: "sum of squares", fn: (x: Tensor) => sum(mul(x, x)) };

/** J₁ᵀ J₂ᵀ ⋯ J_kᵀ v from the recorded stage Jacobians, as plain matrix products. */
function productOfTransposes(trace: ChainTrace): Tensor {
  let ct = trace.v.reshape([-1]);
  for (let k = trace.stages.length - 1; k >= 0; k--) {
    ct = matmul(transpose(trace.stages[k].jacobian.asMatrix()), ct);
  }
  return ct;
}

describe("chain", () => {
  it("composes with f1 applied first and names its stages", () => {
    const F = chain(f1, f2, f3, f4);
    const x = tensor([0.5, -1, 2]);
    expect(F(x)).toBeAllclose(f4.fn(f3.fn(f2.fn(f1.fn(x)))));
    expect(F.stages.map((s) => s.name)).toEqual([
      "linear 3→4",
      "tanh",
      "linear 4→2",
      "sum of squares",
    ]);
    expect(chain(sin, cos).stages.map((s) => s.name)).toEqual(["sin", "cos"]);
  });

  it("works with every transform like any function", () => {
    const F = chain(f1, f2, f3, f4);
    const G = (x: Tensor) => f4.fn(f3.fn(f2.fn(f1.fn(x))));
    const x = tensor([0.1, 0.2, -0.3]);
    expect(grad(F)(x)).toBeAllclose(grad(G)(x), { rtol: 1e-12 });
    expect(jacfwd(grad(F))(x)).toBeAllclose(jacfwd(grad(G))(x), { rtol: 1e-12 });
    expect(hessian(F)(x)).toBeAllclose(hessian(G)(x), { rtol: 1e-12 });
    const xs = randn([5, 3], { seed: 7 });
    expect(vmap(F)(xs)).toBeAllclose(vmap(G)(xs), { rtol: 1e-12 });
    const [y, pullback] = vjp(F, x);
    expect(y).toBeAllclose(G(x));
    expect(pullback(1)[0]).toBeAllclose(grad(G)(x), { rtol: 1e-12 });
  });
});

describe("traceChain", () => {
  it("Jᵀv equals J₁ᵀJ₂ᵀ⋯J_kᵀv (scalar output, v defaults to 1) and the gradient", () => {
    const F = chain(f1, f2, f3, f4);
    const x = tensor([0.3, -0.7, 1.1]);
    const trace = traceChain(F, x);
    expect(trace.v.item()).toBe(1);
    expect(trace.result).toBeAllclose(productOfTransposes(trace), { rtol: 1e-10, atol: 1e-12 });
    expect(trace.result).toBeAllclose(grad(F)(x), { rtol: 1e-10, atol: 1e-12 });
  });

  it("records each stage: values forward, cotangents backward, and they connect", () => {
    const F = chain(f1, f2, f3);
    const x = tensor([1, 2, 3]);
    const v = tensor([0.5, -2]);
    const trace = traceChain(F, x, v);
    const [s1, s2, s3] = trace.stages as [
      ChainTrace["stages"][0],
      ChainTrace["stages"][0],
      ChainTrace["stages"][0],
    ];
    expect(s1.input).toBeAllclose(x);
    expect(s2.input).toBeAllclose(s1.output);
    expect(s3.output).toBeAllclose(F(x));
    expect(s3.cotangentIn).toBeAllclose(v);
    expect(s2.cotangentIn).toBeAllclose(s3.cotangentOut);
    expect(s1.cotangentOut).toBe(trace.result);
    // each stage: cotangent out = Jᵀ (cotangent in), with its Jacobian at its own input
    for (const s of trace.stages) {
      expect(s.jacobian.outShape).toEqual(s.output.shape);
      expect(s.jacobian.inShape).toEqual(s.input.shape);
      expect(s.cotangentOut).toBeAllclose(matmul(transpose(s.jacobian.asMatrix()), s.cotangentIn), {
        rtol: 1e-12,
      });
    }
    expect(trace.result).toBeAllclose(vjp(F, x)[1](v)[0], { rtol: 1e-10 });
    expect(trace.result).toBeAllclose(productOfTransposes(trace), { rtol: 1e-10 });
    expect(s2.jacobian).toBeAllclose(jacobian((t: Tensor) => tanh(t))(s1.output));
  });

  it("treats a plain function as one stage", () => {
    const trace = traceChain(
      function square(x: Tensor) {
        return mul(x, x);
      },
      tensor([1, 2]),
      [1, 1],
    );
    expect(trace.stages.map((s) => s.name)).toEqual(["square"]);
    expect(trace.result).toBeAllclose([2, 4]);
  });

  it("explains a missing or misshapen v", () => {
    const F = chain(f1, f2);
    expect(() => traceChain(F, tensor([1, 2, 3]))).toThrow(
      "traceChain: the output has shape [4], not a scalar, so give v (a cotangent of that shape)",
    );
    expect(() => traceChain(F, tensor([1, 2, 3]), [1, 2])).toThrow(
      "traceChain: v has shape [2] but the output has shape [4]",
    );
    expect(() => chain()).toThrow("chain: give at least one stage");
  });
});
