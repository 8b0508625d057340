/**
 * The executor's stream coalescer (kernel/executor/streams.ts): fewer `stream` events, the same
 * text in the same order relative to every other event.
 */
import { describe, expect, it } from "vitest";
import type { ExecutorEvent } from "../../kernel/protocol.js";
import { createStreamCoalescer } from "../../kernel/executor/streams.js";

function setup(options: { intervalMs?: number; maxChars?: number } = {}) {
  const events: ExecutorEvent[] = [];
  let clock = 0;
  const coalescer = createStreamCoalescer({
    emit: (event) => events.push(event),
    now: () => clock,
    ...options,
  });
  const out = (text: string, name: "stdout" | "stderr" = "stdout", id = "c1"): void =>
    coalescer.emit({ type: "stream", id, name, text });
  const advance = (ms: number): void => {
    clock += ms;
  };
  return { events, coalescer, out, advance };
}

const texts = (events: ExecutorEvent[]): string[] =>
  events.map((e) => (e.type === "stream" ? `${e.name}:${e.text}` : e.type));

describe("stream coalescing", () => {
  it("sends consecutive writes to one stream as one event when flushed", () => {
    const { events, coalescer, out } = setup();
    for (let i = 0; i < 1000; i++) out(`${i}\n`);
    expect(events).toEqual([]);
    coalescer.flush();
    expect(events).toHaveLength(1);
    const expected = Array.from({ length: 1000 }, (_, i) => `${i}\n`).join("");
    expect(events[0]).toEqual({ type: "stream", id: "c1", name: "stdout", text: expected });
  });

  it("keeps the interleaving of stdout and stderr and the order against other events", () => {
    const { events, coalescer, out } = setup();
    out("a");
    out("b");
    out("E", "stderr");
    out("c");
    coalescer.emit({ type: "clear", id: "c1", wait: false });
    out("d");
    coalescer.emit({ type: "done", id: "c1", status: "ok", executionCount: 1 });
    expect(texts(events)).toEqual([
      "stdout:ab",
      "stderr:E",
      "stdout:c",
      "clear",
      "stdout:d",
      "done",
    ]);
  });

  it("sends a batch once its first write is an interval old, even inside a synchronous loop", () => {
    const { events, out, advance } = setup({ intervalMs: 16 });
    out("1");
    advance(10);
    out("2");
    expect(events).toEqual([]);
    advance(6);
    out("3");
    expect(texts(events)).toEqual(["stdout:123"]);
    out("4");
    expect(texts(events)).toEqual(["stdout:123"]);
  });

  it("sends a batch that reaches the size limit at once", () => {
    const { events, out } = setup({ maxChars: 10 });
    out("12345");
    out("67890");
    out("x");
    expect(texts(events)).toEqual(["stdout:1234567890"]);
  });

  it("never merges the text of two cells", () => {
    const { events, coalescer, out } = setup();
    out("one", "stdout", "c1");
    out("two", "stdout", "c2");
    coalescer.flush();
    expect(events.map((e) => ("id" in e ? e.id : ""))).toEqual(["c1", "c2"]);
  });

  it("sends the text of a cell that printed and then waits, by a timer", async () => {
    const events: ExecutorEvent[] = [];
    const coalescer = createStreamCoalescer({ emit: (e) => events.push(e), intervalMs: 5 });
    coalescer.emit({ type: "stream", id: "c1", name: "stdout", text: "waiting…\n" });
    expect(events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(texts(events)).toEqual(["stdout:waiting…\n"]);
  });

  it("drops empty writes", () => {
    const { events, coalescer, out } = setup();
    out("");
    coalescer.flush();
    expect(events).toEqual([]);
  });
});
