/**
 * Names across cells, through the real executor: what a cell bound before it stopped (an error,
 * an interrupt) stays, with its declared type; later declarations win everywhere; `@ts-nocheck`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession, type Session } from "./session.js";

let session: Session;
let client: Session["client"];
const run: Session["run"] = (...args) => session.run(...args);
const value: Session["value"] = (code) => session.value(code);

beforeAll(async () => {
  session = await startSession("names");
  client = session.client;
}, 60_000);

afterAll(() => session?.close());

describe("names bound before a cell stopped", () => {
  it("keeps the names a cell bound before it threw, with their types, and drops the rest", async () => {
    const r = await run(
      [
        "interface Pair { a: number; b: number }",
        "const a1 = 1;",
        "let big1: number[] = [1, 2, 3];",
        "function early1(): Pair { return { a: a1, b: 2 }; }",
        'throw new Error("halfway");',
        "const never1 = 5;",
      ].join("\n"),
    );
    expect(r.done.status).toBe("error");
    expect(await value("typeof a1")).toBe("'number'");
    expect(await value("big1.push(4); big1.length")).toBe("4");
    expect(await value("const p1: Pair = early1(); p1.a")).toBe("1");
    const typed = await run('big1 = "no";');
    expect(typed.errors[0]?.evalue).toMatch(/not assignable to type 'number\[\]'/);
    const never = await run("never1");
    expect(never.errors[0]?.evalue).toMatch(/Cannot find name 'never1'/);
  });

  it("keeps an earlier cell's meaning of a name the failing cell never reached", async () => {
    await value('const shade2 = "text";');
    await run('const first2 = 1;\nthrow new Error("stop");\nconst shade2 = 3;');
    expect(await value("shade2.toUpperCase()")).toBe("'TEXT'");
    expect(await value("first2 + 1")).toBe("2");
  });

  it("keeps the names an interrupted loop bound", async () => {
    let interrupted = false;
    const pending = run(
      "let spins3 = 0;\nconst label3: string = 'x';\nwhile (true) { spins3++; if (spins3 % 100000 === 0) console.log(spins3); }",
      () => {
        if (interrupted) return;
        interrupted = true;
        client.interrupt();
      },
    );
    const r = await pending;
    expect(r.done.status).toBe("interrupted");
    expect(Number(await value("spins3"))).toBeGreaterThan(0);
    expect(await value("label3.length")).toBe("1");
  });
});

describe("a later declaration wins everywhere", () => {
  it("a function sees a later cell's declaration of a name from its own cell", async () => {
    await value(
      "const counter4 = 100;\nfunction bump4() { return counter4 + 2; }\nconst twice4 = () => bump4() * 2;",
    );
    expect(await value("bump4()")).toBe("102");
    await value("const counter4 = 0;");
    expect(await value("bump4()")).toBe("2");
    await value("function bump4() { return -1; }");
    expect(await value("twice4()")).toBe("-2");
  });

  it("keeps a function's own parameters, locals and recursion as they are", async () => {
    await value(
      "let n5 = 3;\nfunction fact5(n5: number): number { return n5 <= 1 ? 1 : n5 * fact5(n5 - 1); }\nfunction inc5() { n5 += 1; return { n5 }; }",
    );
    expect(await value("fact5(5)")).toBe("120");
    expect(await value("inc5().n5 + n5")).toBe("8");
  });
});

describe("// @ts-nocheck", () => {
  it("turns type checking off for the cell that opens with it, and only that cell", async () => {
    expect(await value('// @ts-nocheck\nconst loose6: number = "text";\nloose6')).toBe("'text'");
    const checked = await run('const strict6: number = "text";');
    expect(checked.errors[0]?.evalue).toMatch(/not assignable to type 'number'/);
    const syntax = await run("// @ts-nocheck\nconst broken6 = ;");
    expect(syntax.errors[0]?.evalue).toMatch(/Expression expected/);
  });
});
