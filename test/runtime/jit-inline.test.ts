/** The jit emitter's inlining of single-use locals: what moves into its reader and what stays. */
import { describe, expect, it } from "vitest";
import { inlineSingleUse } from "../../src/jit/inline.js";

describe("inlineSingleUse", () => {
  it("writes a chain of single-use locals into their reader", () => {
    const lines = ["const v4 = (p0[i0] * 0.005);", "const v5 = (a0[i0] + v4);", "p1[i0] = v5;"];
    expect(inlineSingleUse(lines)).toEqual(["p1[i0] = (a0[i0] + (p0[i0] * 0.005));"]);
  });

  it("keeps locals read twice, read in or across a branch, or named in keep", () => {
    const lines = [
      "const v1 = Math.sin(a0[0]);",
      "const v2 = (v1 * v1);",
      "const v3 = (a0[1] + 1);",
      "let v6 = 0;",
      "if (i0 < 1) {",
      "v6 = v3;",
      "}",
      "const v7 = (v2 + v6);",
    ];
    // v1 is read twice, v3 inside the branch, v2 after it (across a block), v7 is kept
    expect(inlineSingleUse(lines, new Set(["v7"]))).toEqual(lines);
    expect(inlineSingleUse(["const v7 = (a0[0] * 2);", "out[0] = v7;"], new Set(["v7"]))).toEqual([
      "const v7 = (a0[0] * 2);",
      "out[0] = v7;",
    ]);
  });

  it("parenthesises an expression that is not one group, and matches whole names only", () => {
    const lines = ["const v1 = (a) + (b);", "const v12 = 3;", "out[0] = v1 * v12;"];
    expect(inlineSingleUse(lines)).toEqual(["out[0] = ((a) + (b)) * 3;"]);
  });
});
