/**
 * Validation of explore payloads, frames and host messages: a bad one gives a short message
 * naming the field, never an exception.
 */
import { describe, expect, it } from "vitest";
import { MIME } from "../../kernel/shared/payloads.js";
import {
  validateExploreFrame,
  validateHostMessage,
  validatePayload,
} from "../../kernel/shared/validate.js";
import {
  curveExplore,
  curveFrame,
  jacobianExplore,
  jacobianFrame,
  surfaceExplore,
  surfaceFrame,
} from "../browser/explore-fixtures.js";

const error = (value: unknown): string => {
  const checked = validatePayload(MIME.explore, value);
  if (checked.ok) throw new Error("expected a validation error");
  return checked.error;
};

describe("explore payload validation", () => {
  it("accepts the three views", () => {
    for (const payload of [jacobianExplore(), curveExplore(), surfaceExplore()])
      expect(validatePayload(MIME.explore, payload)).toMatchObject({ ok: true });
  });

  it("names the bad field", () => {
    expect(error({ ...jacobianExplore(), version: 2 })).toMatch(/unknown version 2/);
    expect(error({ ...jacobianExplore(), viewId: "" })).toBe("payload.viewId: must not be empty");
    expect(error({ ...jacobianExplore(), view: "globe" })).toMatch(/^payload.view: is "globe"/);
    expect(error({ ...jacobianExplore(), x0: [1, 2] })).toBe(
      "payload.x0: has 2 numbers, expected 3",
    );
    const inputs = [{ index: 5, label: "x", min: 0, max: 1, step: 0.1 }];
    expect(error({ ...jacobianExplore(), inputs })).toBe(
      "payload.inputs[0].index: is 5, but x has 3 coordinates",
    );
    const flat = [{ index: 0, label: "x", min: 1, max: 1, step: 0.1 }];
    expect(error({ ...jacobianExplore(), inputs: flat })).toMatch(/min 1 is not below max 1/);
    expect(error({ ...curveExplore(), static: undefined })).toMatch(/^payload.static: must be/);
    const surface = surfaceExplore();
    expect(error({ ...surface, static: { ...surface.static, kind: "curve" } })).toMatch(
      /payload.static.kind/,
    );
    expect(error({ ...curveExplore(), n: 2 })).toMatch(/curve view needs f: ℝ → ℝ/);
    expect(error({ ...jacobianExplore(), frame: jacobianFrame([1, 2]) })).toMatch(
      /^payload.frame.x: has 2 numbers/,
    );
    expect(error({ ...jacobianExplore(), notes: [1] })).toMatch(/payload.notes/);
  });

  it("checks frames against their view and reads JSON nulls as NaN", () => {
    const view = curveExplore();
    const frame = { ...curveFrame(1), slope: null };
    const checked = validateExploreFrame(frame, view);
    expect(checked.ok && checked.payload.kind === "curve" && checked.payload.slope).toBeNaN();
    expect(validateExploreFrame(surfaceFrame([0, 0]), view)).toEqual({
      ok: false,
      error: 'frame.kind: is "surface", expected "curve"',
    });
    const s = surfaceExplore();
    expect(validateExploreFrame({ ...surfaceFrame([0, 0]), grad: [1] }, s)).toEqual({
      ok: false,
      error: "frame.grad: has 1 numbers, expected 2",
    });
    expect(validateExploreFrame({ ...surfaceFrame([0, 0]), newton: null }, s).ok).toBe(true);
    const j = jacobianExplore();
    expect(
      validateExploreFrame(
        jacobianFrame([1, 2, 3], (x) => x.slice([0, 2])),
        j,
      ),
    ).toEqual({
      ok: false,
      error: "frame.value: holds 2 of 3",
    });
  });

  it("checks host messages", () => {
    expect(validateHostMessage({ type: "exploreWaiting", viewId: "v", seq: 3 }).ok).toBe(true);
    expect(validateHostMessage({ type: "exploreClosed", viewId: "v", reason: "gone" }).ok).toBe(
      true,
    );
    expect(validateHostMessage({ type: "exploreError", viewId: "v", seq: 1, ename: "E" })).toEqual({
      ok: false,
      error: "message.evalue: must be a string",
    });
    expect(validateHostMessage({ type: "exploreFrame", viewId: "v", seq: 1.5 })).toEqual({
      ok: false,
      error: "message.seq: must be a non-negative integer",
    });
    expect(validateHostMessage({ type: "rendered", viewId: "v" })).toMatchObject({ ok: false });
    expect(validateHostMessage("hello")).toEqual({
      ok: false,
      error: "message: must be an object",
    });
  });
});
