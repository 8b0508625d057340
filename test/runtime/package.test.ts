/**
 * The built package (dist/, made by `npm run build`, which `npm test` runs first) loads as
 * `import("cotangent")` and `require("cotangent")` and computes.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

const script = (kind: "import" | "require"): string => `
const load = ${kind === "import" ? 'import("cotangent")' : 'Promise.resolve(require("cotangent"))'};
load.then((ct) => {
  const g = ct.grad((x) => ct.sum(x.mul(x)))(ct.tensor([1, 2, 3]));
  const J = ct.jacobian((x) => x.sin())(ct.tensor([0, 1]));
  console.log(JSON.stringify({ g: g.toArray(), jacobian: J instanceof ct.Jacobian, shape: J.shape }));
});
`;

describe("the built package", () => {
  it("exists (npm test builds it before the unit tests)", () => {
    for (const f of ["dist/runtime/index.js", "dist/runtime/index.cjs", "dist/types/index.d.ts"]) {
      expect(existsSync(resolve(root, f)), `${f} is missing: run npm run build`).toBe(true);
    }
  });

  it.each(["import", "require"] as const)("loads with %s in a plain Node process", (kind) => {
    const out = execFileSync(
      process.execPath,
      [kind === "import" ? "--input-type=module" : "--input-type=commonjs", "-e", script(kind)],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(JSON.parse(out)).toEqual({ g: [2, 4, 6], jacobian: true, shape: [2, 2] });
  });

  it("resolves the exports map to the bundles", () => {
    const require = createRequire(resolve(root, "package.json"));
    expect(require.resolve("cotangent")).toBe(resolve(root, "dist/runtime/index.cjs"));
  });
});
