import { describe, expect, it } from "vitest";
import { createExecutorSink } from "../../kernel/executor/sink.js";
import type { DisplayEvent, ExecutorEvent } from "../../kernel/protocol.js";

function setup(currentId: string | null = "cell-1") {
  let clock = 1000;
  const events: ExecutorEvent[] = [];
  const sink = createExecutorSink({
    currentId: () => currentId ?? undefined,
    emit: (e) => events.push(e),
    toMimeBundle: (v) => (typeof v === "number" ? { "text/plain": `#${v}` } : undefined),
    now: () => clock,
    intervalMs: 150,
  });
  return { sink, events, advance: (ms: number) => (clock += ms) };
}

const displays = (events: ExecutorEvent[]) =>
  events.filter((e): e is DisplayEvent => e.type === "display");

describe("executor display sink", () => {
  it("sends at most one update per interval and the last state on flush", () => {
    const { sink, events, advance } = setup();
    sink.show(0, "t");
    for (let step = 1; step <= 10; step++) {
      advance(40);
      sink.update(step, "t");
    }
    // 400 ms of updates every 40 ms: sent at 160 ms (step 4) and 320 ms (step 8), the rest deferred.
    expect(displays(events).map((e) => [e.update, e.data["text/plain"]])).toEqual([
      [false, "#0"],
      [true, "#4"],
      [true, "#8"],
    ]);
    sink.flush();
    expect(displays(events).at(-1)!.data["text/plain"]).toBe("#10");
    expect(displays(events).every((e) => e.displayId === "t" && e.id === "cell-1")).toBe(true);
  });

  it.each([
    ["a value of ours", 3, { "text/plain": "#3" }],
    ["anything else", { a: [1, 2] }, { "text/plain": "{ a: [ 1, 2 ] }" }],
  ])("shows %s with its bundle", (_what, value, bundle) => {
    const { sink, events } = setup();
    sink.show(value);
    expect(displays(events)[0].data).toEqual(bundle);
    expect(displays(events)[0].displayId).toBeUndefined();
  });

  it("sends clear and ready bundles, and nothing between cells", () => {
    const { sink, events } = setup();
    sink.showBundle({ "text/html": "<b>x</b>" });
    sink.clear(true);
    expect(events.map((e) => e.type)).toEqual(["display", "clear"]);
    const idle = setup(null);
    idle.sink.show(1);
    idle.sink.update(2, "t");
    idle.sink.clear(false);
    expect(idle.events).toEqual([]);
  });
});
