/**
 * Live traces through the real executor: a trace that is the cell's result is updated, not shown
 * twice; a trace ends with its cell (finished, or interrupted with its last pushes sent).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DisplayEvent } from "../../kernel/protocol.js";
import { startSession, type Session } from "./session.js";

let session: Session;

beforeAll(async () => {
  session = await startSession("traces");
}, 60_000);

afterAll(() => session?.close());

const plain = (e: DisplayEvent | undefined): string => {
  const text = e?.data["text/plain"];
  return typeof text === "string" ? text : "";
};

describe("a trace as the cell's result", () => {
  it.each(["t1.finish();", "t1"])(
    "ending with `%s` updates the trace's display only",
    async (end) => {
      const r = await session.run(
        `const t1 = trace("loss");\nfor (let i = 0; i < 5; i++) t1.push(i, { loss: 1 / (i + 1) });\n${end}`,
      );
      expect(r.done.status).toBe("ok");
      expect(r.results).toEqual([]);
      expect(r.displays.filter((e) => !e.update)).toHaveLength(1);
      const last = r.displays.at(-1);
      expect(last?.update).toBe(true);
      expect(last?.displayId).toBe(r.displays[0]?.displayId);
      expect(plain(last)).toMatch(/^trace "loss": 5 steps; last/);
    },
  );

  it("still shows a trace from an earlier cell as a result", async () => {
    await session.run('const t2 = trace("old");\nt2.push(0, { v: 1 });');
    const r = await session.run("t2");
    expect(r.results).toHaveLength(1);
  });
});

describe("a trace ends with its cell", () => {
  it("marks a trace never finished as finished when its cell ends well", async () => {
    const r = await session.run(
      'const t3 = trace("open");\nt3.push(1, { v: 2 });\nt3.push(2, { v: 3 });',
    );
    expect(plain(r.displays.at(-1))).toBe('trace "open": 2 steps; last at step 2: v=3');
    expect(await session.value("t3.done")).toBe("true");
  });

  it("marks the trace interrupted when its cell throws", async () => {
    const r = await session.run(
      'const t4 = trace("broken");\nt4.push(1, { v: 2 });\nthrow new Error("diverged");',
    );
    expect(r.done.status).toBe("error");
    expect(plain(r.displays.at(-1))).toMatch(/^trace "broken": 1 steps \(interrupted\)/);
  });

  it("sends an interrupted loop's last pushes and marks the trace interrupted", async () => {
    let asked = false;
    const r = await session.run(
      'const t5 = trace("spin");\nlet i5 = 0;\nwhile (true) { t5.push(i5, { v: i5 }); i5++; if (i5 % 20000 === 0) console.log(i5); }',
      () => {
        if (asked) return;
        asked = true;
        session.client.interrupt();
      },
    );
    expect(r.done.status).toBe("interrupted");
    const last = r.displays.at(-1);
    const shown = /(\d+) steps \(interrupted\)/.exec(plain(last));
    expect(shown).not.toBeNull();
    // Every push that completed is shown (one the interrupt stopped halfway is left out).
    const pushed = Number(
      await session.value("Math.min(t5.steps.length, t5.series.get('v')!.length)"),
    );
    expect(Number(shown?.[1])).toBe(pushed);
    const payload = last?.data["application/vnd.cotangent.trace+json"] as { interrupted?: boolean };
    expect(payload?.interrupted).toBe(true);
  });
});
