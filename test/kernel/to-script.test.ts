import { createRequire } from "node:module";
import type * as TS from "typescript";
import { runInThisContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { toCellScript } from "../../kernel/cells/to-script.js";

const ts = createRequire(import.meta.url)("typescript") as typeof TS;

/** Run a script body like the runner does and return the names it bound. */
function runScript(body: string, prologue: string, modules: Record<string, unknown>) {
  const bound = new Map<string, () => unknown>();
  const helpers = {
    bind: (name: string, get: () => unknown) => bound.set(name, get),
    def: (m: { default?: unknown; __esModule?: boolean }) => (m.__esModule ? m.default : m),
    star: (m: unknown) => m,
    i: (specifier: string) => Promise.resolve(modules[specifier]),
  };
  const fn = runInThisContext(`(function (exports, require, __ct) {${prologue}\n${body}\n})`) as (
    ...args: unknown[]
  ) => void;
  fn({}, (id: string) => modules[id], helpers);
  return bound;
}

describe("toCellScript", () => {
  it.each([
    [
      "a default import",
      'import X from "m";\nexport { X };',
      ["X"],
      'const __ct_m1 = require("m")',
    ],
    [
      "named imports with a rename",
      'import { a as b, c } from "m";\nexport { b, c };',
      ["b", "c"],
      "const { a: b, c } = __ct_m1;",
    ],
    [
      "a namespace import",
      'import * as ns from "m";\nexport { ns };',
      ["ns"],
      "const ns = __ct.star(__ct_m1);",
    ],
  ])("turns %s into require and binds its names", (_what, source, names, expected) => {
    const script = toCellScript(ts, source);
    expect(script.body).toContain(expected);
    expect(script.body).not.toMatch(/\bimport\b|\bexport\b/);
    const modules = { m: { __esModule: true, default: "D", a: 1, c: 2 } };
    expect([...runScript(script.body, script.prologue, modules).keys()].sort()).toEqual(
      [...names].sort(),
    );
  });

  it("binds variables, destructured names, classes and hoisted functions, live", () => {
    const source = [
      "let n = 1;",
      "const { p, q: [r] } = { p: 2, q: [3] };",
      "class Box {}",
      "function bump() { n += 1; }",
      "export const tsLastExpr = n;",
      "export { n, p, r, Box, bump };",
    ].join("\n");
    const script = toCellScript(ts, source);
    expect(script.prologue).toContain('__ct.bind("bump"');
    const bound = runScript(script.body, script.prologue, {});
    expect([...bound.keys()].sort()).toEqual(["Box", "bump", "n", "p", "r", "tsLastExpr"]);
    (bound.get("bump")!() as () => void)();
    expect(bound.get("n")!()).toBe(2);
    expect(bound.get("tsLastExpr")!()).toBe(1);
  });

  it("keeps every line and column of code before an edit", () => {
    const source =
      'import {\n  a,\n} from "m";\nexport const tsLastExpr = a + missing;\nexport { a };';
    const { body } = toCellScript(ts, source);
    const lines = body.split("\n");
    expect(lines).toHaveLength(source.split("\n").length);
    expect(lines[3].indexOf("missing")).toBe(source.split("\n")[3].indexOf("missing"));
  });

  it("routes import() to the kernel's loader without moving columns", () => {
    const source = 'const m = await import("x");';
    const { body } = toCellScript(ts, source);
    expect(body).toBe('const m = await __ct.i("x");');
  });
});
