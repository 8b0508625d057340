/**
 * Progress of batched transforms: the executor's hook shows a bar once a task has run past the
 * delay, updates it in place under one display id and replaces it with a one-line summary; a
 * task shorter than the delay shows nothing. Through the real executor with the delay at 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProgressReport } from "../../src/index.js";
import type { DisplayEvent } from "../../kernel/protocol.js";
import { ProgressView, progressBundle } from "../../kernel/display/progress.js";
import { createProgressHook } from "../../kernel/executor/progress.js";
import { startSession, type Session } from "./session.js";

const report = (over: Partial<ProgressReport>): ProgressReport => ({
  task: 1,
  label: "jacrev",
  unit: "rows",
  total: 3000,
  done: 0,
  chunk: 699,
  batches: { done: 0, total: 5 },
  elapsedMs: 0,
  finished: false,
  failed: false,
  ...over,
});

describe("the progress hook", () => {
  it("shows a task only once it has run past the delay, then updates and summarises it", () => {
    const calls: string[] = [];
    const hook = createProgressHook({
      sink: {
        show: (_v, id) => calls.push(`show ${id}`),
        update: (v, id) => calls.push(`update ${id} ${(v as ProgressView).report.done}`),
        flush: () => calls.push("flush"),
      },
      displayId: (task) => `p${task}`,
      delayMs: 1000,
    });
    hook(report({}));
    hook(report({ done: 699, batches: { done: 1, total: 5 }, elapsedMs: 400 }));
    hook(report({ done: 1398, batches: { done: 2, total: 5 }, elapsedMs: 1200 }));
    hook(report({ done: 2097, batches: { done: 3, total: 5 }, elapsedMs: 1800 }));
    hook(report({ done: 3000, batches: { done: 5, total: 5 }, elapsedMs: 3000, finished: true }));
    // a short task: finished before the delay, never shown
    hook(report({ task: 2, done: 10, total: 10, elapsedMs: 20, finished: true }));
    expect(calls).toEqual(["show p1", "update p1 2097", "update p1 3000", "flush"]);
  });

  it("draws a bar while running and one line when done (or stopped)", () => {
    const running = progressBundle(
      new ProgressView(report({ done: 1398, batches: { done: 2, total: 5 }, elapsedMs: 2000 })),
    );
    expect(running["text/plain"]).toBe(
      "[########............] jacrev: 2/5 batches (1,398 of 3,000 rows, 699 per batch) · 2.0 s · about 3 s left",
    );
    expect(running["text/html"]).toContain('<progress value="2" max="5"');
    const done = progressBundle(
      new ProgressView(
        report({ done: 3000, batches: { done: 5, total: 5 }, elapsedMs: 8100, finished: true }),
      ),
    );
    expect(done["text/plain"]).toBe("jacrev: 3,000 rows in 5 batches of 699 rows · 8.1 s");
    expect(done["text/html"]).not.toContain("<progress");
    const stopped = progressBundle(
      new ProgressView(
        report({
          done: 699,
          batches: { done: 1, total: 5 },
          elapsedMs: 1500,
          finished: true,
          failed: true,
        }),
      ),
    );
    expect(stopped["text/plain"]).toBe(
      "jacrev: stopped after 1 of 5 batches of 699 rows (699 of 3,000 rows) · 1.5 s",
    );
  });
});

let session: Session;
const previousDelay = process.env["COTANGENT_PROGRESS_DELAY_MS"];

beforeAll(async () => {
  process.env["COTANGENT_PROGRESS_DELAY_MS"] = "0";
  session = await startSession("progress");
}, 60_000);

afterAll(async () => {
  if (previousDelay === undefined) delete process.env["COTANGENT_PROGRESS_DELAY_MS"];
  else process.env["COTANGENT_PROGRESS_DELAY_MS"] = previousDelay;
  await session?.close();
});

const plain = (e: DisplayEvent | undefined): string => {
  const text = e?.data["text/plain"];
  return typeof text === "string" ? text : "";
};

describe("progress in a cell", () => {
  it("a chunked Jacobian shows one display, updated in place, ending in a summary", async () => {
    const r = await session.run(
      [
        'import { jacobian, sin, tensor } from "cotangent";',
        "const x = tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);",
        "const J = jacobian((v) => sin(v), { chunkSize: 2 })(x);",
        "J.shape",
      ].join("\n"),
    );
    expect(r.done.status).toBe("ok");
    expect(r.result).toBe("[ 7, 7 ]");
    const progress = r.displays.filter((e) => e.displayId?.startsWith("cotangent-progress-"));
    expect(progress.filter((e) => !e.update)).toHaveLength(1);
    expect(new Set(progress.map((e) => e.displayId)).size).toBe(1);
    expect(plain(progress[0])).toMatch(
      /^\[\.+\] jacrev: 0\/4 batches \(0 of 7 rows, 2 per batch\)/,
    );
    const last = progress.at(-1);
    expect(last?.update).toBe(true);
    expect(plain(last)).toMatch(/^jacrev: 7 rows in 4 batches of 2 rows · \d+\.\d s$/);
  });
});
