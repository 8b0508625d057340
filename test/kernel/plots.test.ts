/**
 * Charts against any x through the real executor: a cell's `trace(title, { x })` and
 * `display.plot(xs, series, { x })` type-check and show trace payloads with the axis named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIME, decodeArray, type TracePayload } from "../../kernel/shared/payloads.js";
import { startSession, type Session } from "./session.js";

let session: Session;

beforeAll(async () => {
  session = await startSession("plots");
}, 60_000);

afterAll(() => session?.close());

describe("plots in cells", () => {
  it("trace(title, { x }) names the axis and orders the points by x", async () => {
    const r = await session.run(
      'const t = trace("det J", { x: "θ₀" });\nfor (const th of [0.5, -0.5, 0]) t.push(th, { det: Math.cos(th) });\nvoid t.finish();',
    );
    expect(r.done.status).toBe("ok");
    const payload = r.displays.at(-1)?.data[MIME.trace] as TracePayload;
    expect(payload.xLabel).toBe("θ₀");
    expect([...decodeArray(payload.steps)]).toEqual([-0.5, 0, 0.5]);
  });

  it("display.plot shows computed data as one finished chart", async () => {
    const r = await session.run(
      'const xs = [0, 1, 2, 3];\ndisplay.plot(xs, { sq: xs.map((v) => v * v) }, { x: "h" });',
    );
    expect(r.done.status).toBe("ok");
    expect(r.displays).toHaveLength(1);
    const payload = r.displays[0]?.data[MIME.trace] as TracePayload;
    expect(payload).toMatchObject({ xLabel: "h", done: true });
    expect([...decodeArray(payload.series[0].values)]).toEqual([0, 1, 4, 9]);
  });

  it("a wrong series length is an error naming display.plot", async () => {
    const r = await session.run("display.plot([1, 2, 3], { y: [1] });");
    expect(r.done.status).toBe("error");
    expect(r.errors[0]?.evalue).toContain(`display.plot: series "y" has 1 values for 3 xs`);
  });
});
