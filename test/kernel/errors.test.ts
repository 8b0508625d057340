/**
 * Errors where they belong, through the real executor: diagnostics name only what the user
 * wrote; errors of async code land in a cell's output; tracebacks show the user's frames.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession, type Session } from "./session.js";

let session: Session;

beforeAll(async () => {
  session = await startSession("errors");
}, 60_000);

afterAll(() => session?.close());

describe("diagnostics", () => {
  it("reports an unfinished last line at the user's line, never the appended export list", async () => {
    const r = await session.run('import { tensor } from "cotangent";\nconst t1 = 2;\ntensor([1]).');
    expect(r.done.status).toBe("error");
    const text = [r.errors[0]?.evalue ?? "", ...(r.errors[0]?.traceback ?? [])].join("\n");
    expect(text).toMatch(/cell:3:\d+ - Identifier expected/);
    expect(text).not.toMatch(/export|cell:4/);
    expect(r.errors[0]?.position?.line).toBe(3);
  });
});

describe("errors of async code", () => {
  it("shows a rejection nobody handles in the cell that made it, mapped to its line", async () => {
    const r = await session.run('const one2 = 1;\nPromise.reject(new Error("nobody catches me"));');
    expect(r.stderr).toMatch(/Unhandled promise rejection \(from cell \[\d+\]\): Error: nobody/);
    expect(r.stderr).toMatch(/cell\[\d+\]:2:16/);
    expect(r.stderr).not.toMatch(/cell-\d+\.js/);
    expect(await session.value("one2")).toBe("1");
  });

  it("shows a timer's throw in the running cell, naming the cell that set the timer", async () => {
    const setter = await session.run(
      'setTimeout(() => {\n  throw new Error("late throw");\n}, 30);',
    );
    const count = setter.done.executionCount;
    const waiting = await session.run("await new Promise((resolve) => setTimeout(resolve, 300));");
    expect(waiting.done.status).toBe("ok");
    expect(waiting.stderr).toContain(
      `Uncaught exception (from cell [${count}]): Error: late throw`,
    );
    expect(waiting.stderr).toMatch(new RegExp(`cell\\[${count}\\]:2:9`));
  });

  it("keeps a stray error that comes between cells for the next cell", async () => {
    await session.run('setTimeout(() => Promise.reject(new Error("between cells")), 10);');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = await session.run("2 + 2");
    expect(next.result).toBe("4");
    expect(next.stderr).toContain("Unhandled promise rejection");
    expect(next.stderr).toContain("between cells");
  });
});
