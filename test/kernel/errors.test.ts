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
