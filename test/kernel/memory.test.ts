/**
 * The memory guard through the real executor: with a low limit, a cell that keeps allocating is
 * stopped with an out-of-memory error, the names it bound are dropped (an earlier cell's name it
 * redefined is what it was before), and the kernel and earlier state live on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLimit, outOfMemoryText } from "../../kernel/executor/memory.js";
import { startSession, type Session } from "./session.js";

describe("the memory limit setting", () => {
  const available = { bytes: 8e9, what: "system memory" };
  it.each([
    [undefined, 6e9, "75% of 8 GB of system memory"],
    ["60%", 4.8e9, "60% of 8 GB of system memory"],
    ["2GB", 2e9, "COTANGENT_MEMORY_LIMIT"],
    ["512 MB", 5.12e8, "COTANGENT_MEMORY_LIMIT"],
    ["1500000000", 1.5e9, "COTANGENT_MEMORY_LIMIT"],
    ["lots", 6e9, '75% of 8 GB of system memory; COTANGENT_MEMORY_LIMIT="lots" is not a size'],
  ])("%s → %d bytes (%s)", (setting, bytes, describe) => {
    expect(memoryLimit(setting, available)).toEqual({ bytes, describe });
  });

  it("says what was dropped", () => {
    const limit = { bytes: 1e9, describe: "COTANGENT_MEMORY_LIMIT" };
    expect(outOfMemoryText(1.2e9, limit, ["keep", "n"])).toBe(
      "The cell was stopped: the kernel used 1.2 GB of memory, over its limit of 1 GB " +
        "(COTANGENT_MEMORY_LIMIT; COTANGENT_MEMORY_LIMIT sets it). The names it had defined " +
        "(keep, n) were dropped to free their memory; the state of earlier cells is kept.",
    );
  });
});

let session: Session;

beforeAll(async () => {
  session = await startSession("memory");
}, 60_000);

afterAll(() => session?.close());

describe("a cell over the memory limit", () => {
  it("is stopped; its names are dropped and the earlier state survives", async () => {
    expect(await session.value('let kept = "before"; const answer = 42; answer')).toBe("42");
    // a limit 250 MB above what the kernel uses now, for the cells after this one
    await session.value(
      "process.env.COTANGENT_MEMORY_LIMIT = String(process.memoryUsage.rss() + 250e6); 0",
    );
    const r = await session.run(
      [
        'let kept = "overwritten";',
        "const keep: Float64Array[] = [];",
        "while (true) {",
        "  const a = new Float64Array(1e6);",
        "  for (let i = 0; i < a.length; i++) a[i] = Math.random();",
        "  keep.push(a);",
        "}",
      ].join("\n"),
    );
    expect(r.done.status).toBe("error");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.ename).toBe("OutOfMemory");
    expect(r.errors[0]?.evalue).toMatch(
      /^The cell was stopped: the kernel used [\d.]+ [MG]B of memory, over its limit of [\d.]+ [MG]B \(COTANGENT_MEMORY_LIMIT; .*\)\. The names it had defined \((kept, keep|keep, kept)\) were dropped to free their memory; the state of earlier cells is kept\.$/,
    );
    // the kernel lives on with the earlier state; the dropped names are gone or what they were
    await session.value("delete process.env.COTANGENT_MEMORY_LIMIT; 0");
    expect(await session.value("answer + 1")).toBe("43");
    expect(await session.value("kept")).toBe("'before'");
    const gone = await session.run("keep.length");
    expect(gone.errors[0]?.evalue).toContain("Cannot find name 'keep'");
  }, 120_000);
});
