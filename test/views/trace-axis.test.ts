/**
 * Traces against something other than the step: `trace(title, { x })` names the x axis, points
 * pushed in any x order are drawn in order of x, and `display.plot(xs, series, { x })` shows
 * data already computed as a finished trace.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LiveTrace, display, setDisplaySink, tensor, trace, type DisplaySink } from "cotangent";
import { toMimeBundle } from "../../kernel/display/index.js";
import { MIME, decodeArray, type TracePayload } from "../../kernel/shared/payloads.js";
import { validatePayload } from "../../kernel/shared/validate.js";

const shown: unknown[] = [];
const sink: DisplaySink = {
  show: (value) => shown.push(value),
  showBundle: () => undefined,
  update: () => undefined,
  clear: () => undefined,
};

afterEach(() => {
  shown.length = 0;
  setDisplaySink(undefined);
});

function payloadOf(value: unknown): TracePayload {
  const payload = toMimeBundle(value)![MIME.trace] as TracePayload;
  expect(validatePayload(MIME.trace, payload).ok).toBe(true);
  return payload;
}

describe("trace(title, { x })", () => {
  it("names the x axis in the payload, the text and the SVG", () => {
    setDisplaySink(sink);
    const t = trace("det J", { x: "θ₀" });
    t.push(0, { det: 1 }).push(0.5, { det: 0.8 }).finish();
    const bundle = toMimeBundle(t)!;
    expect((bundle[MIME.trace] as TracePayload).xLabel).toBe("θ₀");
    expect(bundle["text/plain"]).toBe(
      'trace "det J": 2 points against θ₀; last at θ₀ = 0.5: det=0.8',
    );
    expect(bundle["image/svg+xml"]).toContain(">θ₀</text>");
  });

  it("draws points pushed in any x order in order of x, series kept with their x", () => {
    const t = new LiveTrace("scan", { x: "θ₀" });
    for (const x of [0.5, -1, 2, 0, -1]) t.push(x, { y: x * 10, z: -x });
    const payload = payloadOf(t);
    expect([...decodeArray(payload.steps)]).toEqual([-1, -1, 0, 0.5, 2]);
    const [y, z] = payload.series.map((s) => [...decodeArray(s.values)]);
    expect(y).toEqual([-10, -10, 0, 5, 20]);
    expect(z).toEqual([1, 1, -0, -0.5, -2]);
  });

  it("leaves out points whose x is not finite", () => {
    const t = new LiveTrace("gaps", { x: "a" });
    t.push(1, { y: 1 }).push(NaN, { y: 2 }).push(0, { y: 3 });
    expect([...decodeArray(payloadOf(t).steps)]).toEqual([0, 1]);
  });

  it("a plain trace still says step and keeps its order", () => {
    const t = new LiveTrace("loss");
    t.push(0, { loss: 2 }).push(1, { loss: 1 });
    const payload = payloadOf(t);
    expect(payload.xLabel).toBeUndefined();
    expect(toMimeBundle(t)!["text/plain"]).toContain("2 steps");
  });
});

describe("display.plot", () => {
  it("shows data already computed as a finished trace against x", () => {
    setDisplaySink(sink);
    const theta = [1, 0, 0.5];
    display.plot(
      theta,
      { det: theta.map((v) => 2 * v), c: tensor([3, 4, 5]) },
      { x: "θ₀", title: "det J" },
    );
    expect(shown).toHaveLength(1);
    const t = shown[0] as LiveTrace;
    expect(t.done).toBe(true);
    const payload = payloadOf(t);
    expect(payload).toMatchObject({ title: "det J", xLabel: "θ₀", done: true });
    expect([...decodeArray(payload.steps)]).toEqual([0, 0.5, 1]);
    expect([...decodeArray(payload.series[0].values)]).toEqual([0, 1, 2]);
    expect([...decodeArray(payload.series[1].values)]).toEqual([4, 5, 3]);
  });

  it("names the series whose length does not match xs", () => {
    expect(() => display.plot([1, 2], { det: [1] })).toThrow(
      'display.plot: series "det" has 1 values for 2 xs',
    );
    expect(() => display.plot(tensor([[1, 2]]), { y: [1, 2] })).toThrow("1-D tensor");
    expect(() => display.plot([1], {})).toThrow("at least one series");
  });
});
