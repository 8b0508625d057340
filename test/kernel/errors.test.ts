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

describe("tracebacks", () => {
  it("shows the user's frames with the source line and a marker, internal frames folded", async () => {
    const r = await session.run(
      [
        'import { grad, sum, tensor, type Tensor } from "cotangent";',
        "function loss3(x: Tensor): Tensor {",
        '  if (x.shape.length > 0) throw new Error("bad loss");',
        "  return sum(x);",
        "}",
        "grad(loss3)(tensor([1, 2]));",
      ].join("\n"),
    );
    const traceback = r.errors[0]?.traceback ?? [];
    expect(traceback[0]).toBe("Error: bad loss");
    const at = traceback.findIndex((line) => /at loss3 \(cell\[\d+\]:3:33\)/.test(line));
    expect(at).toBeGreaterThan(0);
    expect(traceback[at + 1]).toBe(
      '      3 |   if (x.shape.length > 0) throw new Error("bad loss");',
    );
    expect(traceback[at + 2]).toBe(`        | ${" ".repeat(32)}^`);
    const folded = traceback.filter((line) => /frames? inside cotangent/.test(line));
    expect(folded).toHaveLength(1);
    expect(traceback.filter((line) => /^\s+at /.test(line) && !/cell\[/.test(line))).toEqual([]);
    expect(traceback.at(-2)).toMatch(/^\s+6 \| grad\(loss3\)/);
    expect(traceback.join("\n")).not.toMatch(/cell-\d+\.js|executor\.cjs|\bcell:\d/);
  });
});

describe("withDebugNans", () => {
  it("names the op whose backward pass made the value, and the cell line that applied it", async () => {
    const r = await session.run(
      [
        'import { grad, sqrt, sum, tensor, withDebugNans, type Tensor } from "cotangent";',
        "const f4 = (x: Tensor) => sum(sqrt(x));",
        "withDebugNans(() => grad(f4)(tensor([4, 0, 1])));",
      ].join("\n"),
    );
    const error = r.errors[0];
    expect(error?.evalue).toMatch(/^the backward pass of sqrt, at x = 0, produced Infinity/);
    const frames = error?.traceback.filter((line) => /^\s+at /.test(line)) ?? [];
    expect(frames[0]).toMatch(/cell\[\d+\]:2:31/);
    expect(error?.traceback.join("\n")).toContain("2 | const f4 = (x: Tensor) => sum(sqrt(x));");
  });
});

describe("import x = require()", () => {
  it("says what to write instead", async () => {
    const r = await session.run('import hypot5 = require("node:path");');
    expect(r.errors[0]?.evalue).toMatch(/TS1202|Import assignment/);
    expect(r.errors[0]?.evalue).toContain('write `import x from "…"`');
    const instead = await session.value('import path5 from "node:path";\npath5.join("a", "b")');
    expect(instead).toBe("'a/b'");
  });
});
