/** toMimeBundle on real runtime values, imported like a user imports them. */
import { describe, expect, it } from "vitest";
import {
  JacobianView,
  chain,
  sparseJacobian,
  traceChain,
  LiveTrace,
  jacobian,
  jacrev,
  matmul,
  sin,
  tanh,
  tensor,
  mul,
  grad,
  sum,
  type Tensor,
} from "cotangent";
import { toMimeBundle } from "../../kernel/display/index.js";
import {
  MIME,
  decodeArray,
  type ChainPayload,
  type JacobianPayload,
  type TracePayload,
} from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";

describe("toMimeBundle", () => {
  it("gives undefined for values that are not ours", () => {
    for (const value of [
      1,
      "x",
      null,
      undefined,
      { data: [1], shape: [1] },
      [1, 2],
      new Float64Array(2),
    ]) {
      expect(toMimeBundle(value)).toBeUndefined();
    }
  });

  it("shows a tensor as the runtime's own text and an HTML table", () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    const bundle = toMimeBundle(t)!;
    expect(Object.keys(bundle)).toEqual(["text/html", "text/plain"]);
    expect(bundle["text/plain"]).toBe(t.toString());
    expect(bundle["text/html"]).toContain("Tensor 2×2");
    expect(bundle["text/html"]).toContain(">4<");
  });

  it("shows a Jacobian from jacrev with its payload first, stats and singular values", () => {
    const A = tensor([
      [2, 0, 1],
      [0, 3, 0],
    ]);
    const J = jacrev((x: Tensor) => matmul(A, x))(tensor([1, 1, 1]));
    const bundle = toMimeBundle(J)!;
    expect(Object.keys(bundle)).toEqual([
      MIME.jacobian,
      "image/svg+xml",
      "image/png",
      "text/plain",
    ]);
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(validatePayload(MIME.jacobian, payload).ok).toBe(true);
    expect(payload.outShape).toEqual([2]);
    expect(payload.inShape).toEqual([3]);
    expect(decodeArray(payload.values)).toBeAllclose([2, 0, 1, 0, 3, 0]);
    expect(payload.stats.frobenius).toBeCloseTo(Math.sqrt(14), 12);
    expect(payload.stats.nnz).toBe(3);
    // σ of A: √(5), 3 in decreasing order → 3, √5
    expect(payload.stats.singularValues).toBeAllclose([3, Math.sqrt(5)], { rtol: 1e-10 });
    expect(payload.stats.rank).toBe(2);
    expect(payload.stats.cond).toBeCloseTo(3 / Math.sqrt(5), 10);
    expect(bundle["text/plain"]).toContain(J.toString());
  });

  it("keeps the shapes of a higher-rank Jacobian (rows and columns flattened)", () => {
    const J = jacobian((x: Tensor) => sin(x))(
      tensor([
        [0, 1, 2],
        [3, 4, 5],
      ]),
    );
    const payload = toMimeBundle(J)![MIME.jacobian] as JacobianPayload;
    expect(payload.outShape).toEqual([2, 3]);
    expect(payload.inShape).toEqual([2, 3]);
    expect(payload.values.shape).toEqual([6, 6]);
    expect(decodeArray(payload.values)[7]).toBeCloseTo(Math.cos(1), 12); // diagonal entry (1, 1)
  });

  it("shows a labelled JacobianView with its labels and title", () => {
    const J = jacrev((x: Tensor) => tanh(mul(x, 2)))(tensor([0, 1]));
    const view = new JacobianView(J, {
      inputs: ["a", "b"],
      outputs: ["u", "v"],
      title: "tanh(2x)",
    });
    const payload = toMimeBundle(view)![MIME.jacobian] as JacobianPayload;
    expect(payload).toMatchObject({ title: "tanh(2x)", inputs: ["a", "b"], outputs: ["u", "v"] });
    expect(() => toMimeBundle(new JacobianView(J, { inputs: ["a"] }))).toThrow(
      /1 input labels given for 2 inputs/,
    );
  });

  it("shows a sparse Jacobian with its colours, without densifying into the payload twice", () => {
    const n = 50;
    const f = (x: Tensor): Tensor => mul(x, x); // diagonal Jacobian: one colour
    const S = sparseJacobian(f, tensor(Array.from({ length: n }, (_, i) => i)));
    const payload = toMimeBundle(S)![MIME.jacobian] as JacobianPayload;
    expect(payload.sparse).toEqual({ colors: S.colors });
    expect(payload.stats.nnz).toBe(n - 1); // 2·0 = 0 on the first diagonal entry
    const values = decodeArray(payload.values);
    expect(values[3 * n + 3]).toBe(6);
    expect(values[3 * n + 4]).toBe(0);
    expect(validatePayload(MIME.jacobian, payload).ok).toBe(true);
  });

  it("shows a traced chain: stages, cotangents flowing back, and Jᵀv", () => {
    const A = tensor([
      [1, 2, 0],
      [0, -1, 1],
    ]);
    const F = chain(
      { name: "linear", fn: (x: Tensor) => matmul(A, x) },
      { name: "tanh", fn: (h: Tensor) => tanh(h) },
      { name: "sumsq", fn: (t: Tensor) => sum(mul(t, t)) },
    );
    const x = tensor([0.5, -1, 2]);
    const recorded = traceChain(F, x, undefined, { title: "seed" });
    const bundle = toMimeBundle(recorded)!;
    expect(Object.keys(bundle)).toEqual([MIME.chain, "text/html", "image/png", "text/plain"]);
    const payload = bundle[MIME.chain] as ChainPayload;
    expect(validatePayload(MIME.chain, payload).ok).toBe(true);
    expect(payload.title).toBe("seed");
    expect(payload.stages.map((s) => s.name)).toEqual(["linear", "tanh", "sumsq"]);
    expect(payload.stages.map((s) => s.jacobian.values.shape)).toEqual([
      [2, 3],
      [2, 2],
      [1, 2],
    ]);
    // Jᵀv equals the gradient, and each stage's cotangent out feeds the stage before it
    const g = grad((z: Tensor) => F(z))(x);
    expect(decodeArray(payload.result)).toBeAllclose(g, { rtol: 1e-12 });
    expect(decodeArray(payload.stages[1].cotangentOut)).toBeAllclose(
      decodeArray(payload.stages[0].cotangentIn),
    );
    expect(decodeArray(payload.stages[0].jacobian.values)).toBeAllclose(A.data);
    expect(bundle["text/plain"]).toContain("f = sumsq ∘ tanh ∘ linear");
  });

  it("shows a trace with every series", () => {
    const t = new LiveTrace("fit").push(0, { loss: 2 }).push(1, { loss: 1, lr: 0.1 });
    const bundle = toMimeBundle(t)!;
    const payload = bundle[MIME.trace] as TracePayload;
    expect(payload.title).toBe("fit");
    expect(decodeArray(payload.series[0].values)).toBeAllclose([2, 1]);
    expect(Number.isNaN(decodeArray(payload.series[1].values)[0])).toBe(true); // lr came later
    expect(bundle["text/plain"]).toContain("loss=1 lr=0.1");
  });
});
