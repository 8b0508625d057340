// @vitest-environment happy-dom
/**
 * A surface explore view whose `path` is a live trace (series x and y) redraws the path as the
 * trace grows: every newer state of that trace the renderer draws reaches the view, also one
 * drawn before the view mounted. The kernel side names the trace in both payloads.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { explore, LiveTrace, add, mul, square, sub, tensor, type Tensor } from "cotangent";
import { tracePayload } from "../../../kernel/display/trace.js";
import { explorePayload } from "../../../kernel/display/explore.js";
import { MIME } from "../../../kernel/shared/payloads.js";
import { renderInto } from "../../../extension/renderer/index.js";
import { surfaceExplore } from "../../browser/explore-fixtures.js";
import { installFakeCanvas } from "../../fuzz/dom/canvas.js";

beforeEach(() => {
  installFakeCanvas();
  document.body.replaceChildren();
});

function traceOf(id: string, points: [number, number][]) {
  return tracePayload({
    title: "path",
    steps: points.map((_, k) => k),
    series: new Map([
      ["x", points.map((p) => p[0])],
      ["y", points.map((p) => p[1])],
    ]),
    done: false,
    displayId: id,
  });
}

const points = (el: Element): string | undefined =>
  el.querySelector<HTMLElement>(".ct-surface")?.dataset["pathPoints"];

describe("a live trace as a surface view's path", () => {
  it("the kernel names the trace in the explore payload and in the trace payload", () => {
    const t = new LiveTrace("path");
    t.push(0, { x: -1, y: 1 });
    const rosen = (p: Tensor): Tensor =>
      add(square(sub(1, p.slice(0))), mul(100, square(sub(p.slice(1), square(p.slice(0))))));
    const e = explore(rosen, tensor([-1.2, 1]), {
      domain: [
        [-2, 2],
        [-1, 3],
      ],
      path: t,
    });
    const payload = explorePayload(e, "v-path");
    expect(payload.static).toMatchObject({ kind: "surface", pathTrace: t.displayId });
    expect(tracePayload(t).traceId).toBe(t.displayId);
  });

  it("redraws the path as the trace grows, from a trace drawn before or after it mounts", () => {
    const view = surfaceExplore("s-path");
    if (view.static?.kind !== "surface") throw new Error("fixture");
    view.static.pathTrace = "trace-7";
    const traceOut = document.createElement("div");
    document.body.append(traceOut);
    // drawn before the explore view: the view starts from it
    renderInto(
      traceOut,
      MIME.trace,
      traceOf("trace-7", [
        [-1, 1],
        [-0.5, 0.5],
      ]),
    );
    const out = document.createElement("div");
    document.body.append(out);
    const drawn = renderInto(out, MIME.explore, view);
    expect(drawn.error).toBeUndefined();
    expect(points(out)).toBe("2");
    renderInto(
      traceOut,
      MIME.trace,
      traceOf("trace-7", [
        [-1, 1],
        [-0.5, 0.5],
        [0, 0.2],
      ]),
    );
    expect(points(out)).toBe("3");
    // another trace does not touch it
    renderInto(document.createElement("div"), MIME.trace, traceOf("other", [[1, 1]]));
    expect(points(out)).toBe("3");
  });
});
