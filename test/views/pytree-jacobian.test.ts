/**
 * A pytree Jacobian — `jacobian(net)(p, x)` with p = { W, b }, the ML user's usual Jacobian — is
 * shown as one view: its blocks laid out by output leaf × input leaf, labelled with leaf paths.
 */
import { describe, expect, it } from "vitest";
import { add, jacobian, matmul, sum, tanh, tensor, type Tensor } from "cotangent";
import { toMimeBundle } from "../../kernel/display/index.js";
import { MIME, decodeArray, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";

interface Params {
  W: Tensor;
  b: Tensor;
}
const net = (p: Params, x: Tensor): Tensor => tanh(add(matmul(p.W, x), p.b));
const p = {
  W: tensor([
    [0.1, 0.2],
    [0.3, -0.4],
    [0.5, 0.6],
  ]),
  b: tensor([0, 0.1, -0.1]),
};
const x = tensor([1, 2]);

function payloadOf(value: unknown): JacobianPayload {
  const bundle = toMimeBundle(value);
  expect(bundle).toBeDefined();
  const payload = bundle![MIME.jacobian] as JacobianPayload;
  expect(validatePayload(MIME.jacobian, payload)).toMatchObject({ ok: true });
  return payload;
}

describe("pytree Jacobians", () => {
  it("jacobian(net)(p, x) with p = { W, b }: one block row, columns W then b", () => {
    const J = jacobian(net)(p, x);
    const payload = payloadOf(J);
    expect(payload.values.shape).toEqual([3, 9]);
    expect(payload.blocks).toEqual({
      rows: [{ path: "", shape: [3], start: 0, size: 3 }],
      cols: [
        { path: "W", shape: [3, 2], start: 0, size: 6 },
        { path: "b", shape: [3], start: 6, size: 3 },
      ],
    });
    expect(payload.inputs).toEqual([
      "W[0,0]",
      "W[0,1]",
      "W[1,0]",
      "W[1,1]",
      "W[2,0]",
      "W[2,1]",
      "b[0]",
      "b[1]",
      "b[2]",
    ]);
    expect(payload.outputs).toEqual(["f[0]", "f[1]", "f[2]"]);
    // the blocks' values where they belong: ∂f/∂W then ∂f/∂b, row by row
    const values = decodeArray(payload.values);
    const W = J.W.asMatrix().data;
    const b = J.b.asMatrix().data;
    for (let i = 0; i < 3; i++) {
      expect([...values.slice(i * 9, i * 9 + 6)]).toEqual([...W.slice(i * 6, i * 6 + 6)]);
      expect([...values.slice(i * 9 + 6, i * 9 + 9)]).toEqual([...b.slice(i * 3, i * 3 + 3)]);
    }
    const text = toMimeBundle(J)!["text/plain"] as string;
    expect(text).toContain("∂f/∂W: [3] × [3, 2]");
    expect(text).toContain("∂f/∂b: [3] × [3]");
  });

  it("an output pytree gives a block row per output leaf", () => {
    const two = (q: Params) => ({ loss: sum(q.b), h: matmul(q.W, x) });
    const payload = payloadOf(jacobian(two)(p));
    expect(payload.blocks!.rows.map((r) => r.path)).toEqual(["loss", "h"]);
    expect(payload.blocks!.cols.map((c) => c.path)).toEqual(["W", "b"]);
    expect(payload.values.shape).toEqual([4, 9]);
    expect(payload.outputs).toEqual(["loss", "h[0]", "h[1]", "h[2]"]);
  });

  it("several arguments (argnums) name them by position", () => {
    const payload = payloadOf(jacobian(net, { argnums: [0, 1] })(p, x));
    expect(payload.blocks!.cols.map((c) => c.path)).toEqual(["[0].W", "[0].b", "[1]"]);
  });

  it("a plain tensor Jacobian carries no blocks; other objects are not ours", () => {
    const J = jacobian((v: Tensor) => tanh(v))(x);
    expect(payloadOf(J).blocks).toBeUndefined();
    expect(toMimeBundle({ a: 1, b: tensor([1]) })).toBeUndefined();
    expect(toMimeBundle({ W: J })).toBeUndefined(); // a Jacobian not marked as a block
  });

  it("rejects a payload whose blocks do not cover its rows", () => {
    const payload = payloadOf(jacobian(net)(p, x));
    const bad = { ...payload, blocks: { ...payload.blocks!, cols: payload.blocks!.cols.slice(1) } };
    expect(validatePayload(MIME.jacobian, bad).ok).toBe(false);
  });
});
