/** The explore bundle of real explorers: payload fields, the first frame, the fallbacks, sizes. */
import { describe, expect, it } from "vitest";
import {
  add,
  explore,
  jacobian,
  mul,
  sin,
  slice,
  square,
  sub,
  tensor,
  type Tensor,
} from "cotangent";
import { exploreBundle, exploreFrame, explorePayload } from "../../kernel/display/explore.js";
import { summarySingularValues } from "../../kernel/display/runtime.js";
import { PNG_MAX_WIDTH } from "../../kernel/display/png.js";
import { MIME, decodeArray, type ExplorePayload } from "../../kernel/shared/payloads.js";

const rosenbrock = (x: Tensor): Tensor =>
  add(square(sub(1, slice(x, 0))), mul(100, square(sub(slice(x, 1), square(slice(x, 0))))));

function pngWidth(base64: string): number {
  const bytes = Buffer.from(base64, "base64");
  expect(bytes.subarray(1, 4).toString()).toBe("PNG");
  return bytes.readUInt32BE(16);
}

function sizes(bundle: Record<string, unknown>): string {
  return Object.entries(bundle)
    .map(
      ([mime, v]) =>
        `${mime.replace("application/vnd.cotangent.", "")} ${(typeof v === "string" ? v : JSON.stringify(v)).length} B`,
    )
    .join(", ");
}

describe("explore bundle", () => {
  it("carries the Jacobian view's payload, its first frame and every fallback", () => {
    const f = (x: Tensor): Tensor => mul(sin(x), x);
    const e = explore(f, tensor([0.5, -1, 2]));
    const bundle = exploreBundle(explorePayload(e, "k-1", summarySingularValues));
    expect(Object.keys(bundle)).toEqual([MIME.explore, "image/svg+xml", "image/png", "text/plain"]);
    const payload = bundle[MIME.explore] as ExplorePayload;
    expect(payload).toMatchObject({
      version: 1,
      kind: "explore",
      viewId: "k-1",
      view: "jacobian",
      n: 3,
      m: 3,
      x0: [0.5, -1, 2],
    });
    expect(payload.inputs.map((i) => i.label)).toEqual(["x[0]", "x[1]", "x[2]"]);
    if (payload.frame.kind !== "jacobian") throw new Error("expected a Jacobian frame");
    const expected = jacobian(f)(tensor([0.5, -1, 2])).data;
    expect([...decodeArray(payload.frame.jacobian.values)]).toEqual([...expected]);
    expect(payload.frame.jacobian.inputs).toEqual(["x[0]", "x[1]", "x[2]"]);
    expect(payload.frame.jacobian.stats.singularValues).toHaveLength(3);
    expect(pngWidth(bundle["image/png"] as string)).toBeLessThanOrEqual(PNG_MAX_WIDTH);
    expect(bundle["image/svg+xml"]).toMatch(/^<svg/);
    expect(bundle["text/plain"]).toMatch(/explore \(jacobian\), 3 → 3/);
    expect(bundle["text/plain"]).toMatch(/Run the cell to explore/);
    console.log(`jacobian explore bundle: ${sizes(bundle)}`);
  });

  it("the curve view: the static curve and the first frame's slope, drawn as PNG in the SVG", () => {
    const e = explore((t) => mul(sin(t), square(t)), 0.5, { domain: [-3, 3] });
    const bundle = exploreBundle(explorePayload(e, "k-2"));
    const payload = bundle[MIME.explore] as ExplorePayload;
    expect(payload.static?.kind).toBe("curve");
    if (payload.static?.kind !== "curve") return;
    expect(decodeArray(payload.static.xs)).toHaveLength(201);
    expect(payload.frame).toMatchObject({ kind: "curve", x: [0.5] });
    expect(bundle["image/svg+xml"]).toContain("data:image/png;base64,");
    expect(pngWidth(bundle["image/png"] as string)).toBe(PNG_MAX_WIDTH);
    console.log(`curve explore bundle: ${sizes(bundle)}`);
  });

  it("the surface view: a 101×101 float32 grid (row = y), the path, and a frame per move", () => {
    const path: [number, number][] = [
      [-1.2, 1],
      [-1, 0.9],
      [0.5, 0.3],
    ];
    const e = explore(rosenbrock, tensor([-1.2, 1]), {
      domain: [
        [-2, 2],
        [-1, 3],
      ],
      path,
    });
    const bundle = exploreBundle(explorePayload(e, "k-3"));
    const payload = bundle[MIME.explore] as ExplorePayload;
    if (payload.static?.kind !== "surface") throw new Error("expected the contour grid");
    expect(payload.static.values).toMatchObject({ dtype: "float32", shape: [101, 101] });
    expect(payload.static.path).toEqual(path);
    const frame = exploreFrame(e, e.frameAt([1, 1]));
    expect(frame).toMatchObject({ kind: "surface", x: [1, 1], value: 0, grad: [0, 0] });
    const total = JSON.stringify(bundle).length;
    console.log(`surface explore bundle: ${sizes(bundle)}; ${total} B in all`);
  });
});
