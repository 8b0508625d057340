/**
 * Batched Jacobians: `vmap(jacobian(f))(xs)` is a BatchedJacobian (item k = jacobian(f)(xs[k]))
 * and is shown as one view with a batch selector (a payload per item, shapes checked).
 */
import { describe, expect, it } from "vitest";
import {
  BatchedJacobian,
  Jacobian,
  hessian,
  jacobian,
  mul,
  sin,
  sum,
  tensor,
  vmap,
  type Tensor,
} from "cotangent";
import { toMimeBundle } from "../../kernel/display/index.js";
import { BATCH_MAX_ITEMS } from "../../kernel/display/batched.js";
import { LIMITS, MIME, decodeArray, type JacobianPayload } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";

const f = (x: Tensor): Tensor => mul(sin(x), x);
const xs = tensor([
  [0, 1],
  [2, 3],
  [4, 5],
]);

describe("vmap(jacobian(f))", () => {
  it("gives batched Jacobians whose items are the per-example Jacobians", () => {
    const J = vmap(jacobian(f))(xs);
    expect(J).toBeInstanceOf(BatchedJacobian);
    expect(J).toBeInstanceOf(Jacobian);
    const B = J as BatchedJacobian;
    expect(B.batchSize).toBe(3);
    expect(B.itemOutShape).toEqual([2]);
    expect(B.shape).toEqual([3, 2, 2]);
    for (let k = 0; k < 3; k++) {
      const one = jacobian(f)(tensor(Array.from(xs.data.slice(2 * k, 2 * k + 2))));
      expect(B.at(k).toArray()).toEqual(one.toArray());
    }
    expect(() => B.at(3)).toThrow("index 3 is outside 0…2");
  });

  it("is shown with one payload per item and a text naming the batch", () => {
    const bundle = toMimeBundle(vmap(jacobian(f))(xs))!;
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(validatePayload(MIME.jacobian, payload)).toMatchObject({ ok: true });
    expect(payload.batch!.size).toBe(3);
    expect(payload.batch!.items).toHaveLength(3);
    expect(payload.values.shape).toEqual([2, 2]); // item 0 at the top level
    const item2 = decodeArray(payload.batch!.items[2].values);
    expect([...item2]).toEqual([...jacobian(f)(tensor([4, 5])).data]);
    expect(bundle["text/plain"]).toMatch(/^Batched: 3 × Jacobian 2×2/);
    expect(bundle["image/svg+xml"]).toContain("<svg");
  });

  it("keeps Hessians as Hessians", () => {
    const H = vmap(hessian((x: Tensor) => sum(mul(x, mul(x, x)))))(xs);
    expect((H as BatchedJacobian).derivative).toBe("hessian");
    const payload = toMimeBundle(H)![MIME.jacobian] as JacobianPayload;
    expect(payload.batch!.items.every((item) => item.derivative === "hessian")).toBe(true);
  });

  it(`sends at most ${BATCH_MAX_ITEMS} items of a long batch and says so`, () => {
    const many = tensor(Array.from({ length: 100 }, (_, k) => [k / 10, 1]));
    const bundle = toMimeBundle(vmap(jacobian(f))(many))!;
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(payload.batch).toMatchObject({ size: 100 });
    expect(payload.batch!.items).toHaveLength(BATCH_MAX_ITEMS);
    expect(bundle["text/plain"]).toContain(`${BATCH_MAX_ITEMS} of 100 items shown`);
  });

  it("keeps a batch of large items within one view's byte budget", () => {
    // 64 items of 125×125: at float64 each is ~167 K characters, ~10.7 M in all
    const wide = tensor(
      Array.from({ length: 64 }, (_, k) => Array.from({ length: 125 }, (_v, i) => (k + i) / 100)),
    );
    const bundle = toMimeBundle(vmap(jacobian(f))(wide))!;
    const payload = bundle[MIME.jacobian] as JacobianPayload;
    expect(payload.batch!.items.length).toBeGreaterThan(1);
    expect(JSON.stringify(payload).length).toBeLessThanOrEqual(LIMITS.viewBytes * 1.05);
    expect(bundle["text/plain"]).toMatch(/of 64 items shown/);
  });

  it("rejects a batch item of other shapes", () => {
    const payload = toMimeBundle(vmap(jacobian(f))(xs))![MIME.jacobian] as JacobianPayload;
    const other = toMimeBundle(jacobian(f)(tensor([1, 2, 3])))![MIME.jacobian] as JacobianPayload;
    const bad = { ...payload, batch: { size: 3, items: [other] } };
    expect(validatePayload(MIME.jacobian, bad).ok).toBe(false);
  });

  it("plain vmap results stay tensors", () => {
    expect(vmap(f)(xs)).not.toBeInstanceOf(Jacobian);
  });
});
