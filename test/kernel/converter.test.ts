/**
 * The cell converter on its own (kernel/cells/converter.ts): what it keeps across cells, what it
 * emits, and what it answers the editor. The executor tests run the same converter end to end.
 */
import { mkdtempSync, writeFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createCellConverter, type CellConverter } from "../../kernel/cells/converter.js";
import type { ConvertResult } from "../../kernel/executor/messages.js";

const runtimeTypes = resolve(import.meta.dirname, "../../dist/types/index.d.ts");

type Ok = Extract<ConvertResult, { ok: true }>;

function ok(converter: CellConverter, code: string): Ok {
  const { result, declarations } = converter.convert(code);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  converter.keep(declarations!);
  return result;
}

function errors(converter: CellConverter, code: string): string[] {
  const { result } = converter.convert(code);
  return result.ok ? [] : result.errors.map((e) => e.message);
}

describe("cell converter", () => {
  let converter: CellConverter;
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "cotangent-converter-"));
    converter = createCellConverter({ runtimeTypes, cwd: folder });
  });

  it("keeps names that begin with two underscores across cells", () => {
    ok(converter, "const __hidden = 21;");
    const next = ok(converter, "__hidden * 2");
    expect(next.code).toContain("exports.__hidden * 2");
  });

  it("reads earlier names from the state, also in shorthand properties", () => {
    ok(converter, "let count = 1;\nconst label = 'n';");
    const next = ok(converter, "count += 1;\nconst pair = { label, count };");
    expect(next.code).toContain("exports.count += 1");
    expect(next.code).toContain("{ label: exports.label, count: exports.count }");
  });

  it("keeps a type alias when a later cell redeclares its name as a value", () => {
    ok(converter, "type Shape = { w: number };\nconst s1: Shape = { w: 1 };");
    ok(converter, "const Shape = 'a value now';");
    expect(errors(converter, "const s2: Shape = { w: 2 };\nShape.length")).toEqual([]);
  });

  it("forgets an earlier variable's type when a cell redeclares it", () => {
    ok(converter, "const size = 3;");
    ok(converter, "const size = 'three';");
    expect(errors(converter, "const n: number = size;")).toEqual([
      "Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it("keeps the other names of an import whose one name was redeclared", () => {
    ok(converter, 'import { tensor, sum } from "cotangent";');
    ok(converter, "const sum = (a: number, b: number) => a + b;");
    expect(errors(converter, "tensor([1, 2]).shape;\nsum(1, 2)")).toEqual([]);
  });

  it.each([
    ["an expression", "1 + 1", "tsLastExpr"],
    [
      "an expression when the cell declares tsLastExpr",
      "const tsLastExpr = 1;\ntsLastExpr + 1",
      "tsLastExpr0",
    ],
    ["a declaration", "const unshown = 1;", undefined],
    ["an expression before a declaration", "1;\nconst after = 2;", undefined],
  ])("names the result of %s", (_, code, name) => {
    expect(ok(converter, code).lastExpressionVar).toBe(name);
  });

  it.each([
    ["await at the top", "await Promise.resolve(1)", true],
    ["for await at the top", "for await (const x of [Promise.resolve(1)]) x;", true],
    [
      "await inside an async function only",
      "const f = async () => await Promise.resolve(1);",
      false,
    ],
    ["no await", "const g = 1;", false],
  ])("detects top-level await: %s", (_, code, expected) => {
    expect(ok(converter, code).hasTopLevelAwait).toBe(expected);
  });

  it("reports a type error at the cell's own line and column", () => {
    const { result } = converter.convert("const fine = 1;\nconst bad: string = fine;");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({
      start: { line: 2, column: 7 },
      end: { line: 2, column: 10 },
      severity: "error",
    });
  });

  it("does not keep the declarations of a cell that fails to check", () => {
    errors(converter, "const lost = 1;\nconst wrong: string = 2;");
    expect(errors(converter, "lost")).toEqual(["Cannot find name 'lost'."]);
  });

  it("emits a local module once, and again after it changes", () => {
    const file = join(folder, "helper.ts");
    writeFileSync(file, "export const twice = (x: number): number => 2 * x;\n");
    const first = ok(converter, 'import { twice } from "./helper";\ntwice(2)');
    expect(first.sideModules.map((m) => m.path)).toEqual([join(folder, "helper.js")]);
    expect(first.sideModules[0]?.code).toContain("exports.twice");
    expect(ok(converter, "twice(3)").sideModules).toEqual([]);
    writeFileSync(file, "export const twice = (x: number): number => x + x;\n");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = ok(converter, 'import { twice as again } from "./helper";\nagain(4)');
    expect(changed.sideModules[0]?.code).toContain("x + x");
  });

  it("reports an error in a local module with the module's name", () => {
    writeFileSync(join(folder, "broken.ts"), "export const b: number = 'text';\n");
    const { result } = converter.convert('import { b } from "./broken";\nb');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ file: "broken.ts" });
  });

  it("completes the word being typed and says which range it replaces", () => {
    ok(converter, "const values = [1, 2, 3];");
    const done = converter.complete("values.ma", 9);
    expect(done.matches[0]).toBe("map");
    expect(done).toMatchObject({ start: 7, end: 9 });
    expect(converter.complete("valu", 4).matches).toContain("values");
  });

  it("offers internal members (`_data`) last, unless the word typed starts with _", () => {
    ok(converter, 'import { tensor as tensor7 } from "cotangent";\nconst t7 = tensor7([1, 2]);');
    const members = converter.complete("t7.", 3).matches;
    expect(members.indexOf("_data")).toBeGreaterThan(members.indexOf("data"));
    expect(members.slice(members.indexOf("_data")).every((name) => name.startsWith("_"))).toBe(
      true,
    );
    expect(converter.complete("t7._d", 5).matches[0]).toBe("_data");
  });

  it("shows the runtime's documentation on hover", () => {
    ok(converter, 'import { grad } from "cotangent";');
    const hover = converter.inspect("grad", 2, 1);
    expect(hover.found).toBe(true);
    expect(hover.text).toMatch(/function grad/);
  });

  it("names an imported function once on hover: its signature, not also `import grad`", () => {
    const code = 'import { grad as grad8 } from "cotangent";\ngrad8';
    const hover = converter.inspect(code, code.length - 2, 0);
    expect(hover.text).toMatch(/^\(alias\) function grad8/);
    expect(hover.text).not.toMatch(/\bimport grad8\b/);
    expect(hover.text).toMatch(/gradient/);
    // An import that names nothing the module exports has only the import to show.
    const broken = 'import { nothingHere } from "cotangent";\nnothingHere';
    expect(converter.inspect(broken, broken.length - 2, 0).text).toBe("import nothingHere");
  });

  it.each([
    ["const x = 1", "complete", undefined],
    ["function f() {", "incomplete", "  "],
    ["const y =", "incomplete", ""],
    ["const = 1;\nlet", "invalid", undefined],
    ["function f() {\n\n", "complete", undefined],
  ])("says whether %j is complete", (code, status, indent) => {
    const answer = converter.isComplete(code);
    expect(answer.status).toBe(status);
    expect(answer.indent).toBe(indent);
  });
});
