/**
 * `npm run docs` builds the API reference from the JSDoc of src/index.ts: run the script's own
 * TypeDoc command (output redirected to a temporary folder) and check that the transforms are
 * documented with their comments.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const out = mkdtempSync(join(tmpdir(), "cotangent-docs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it(
  "npm run docs generates a reference of the public API with its documentation",
  { timeout: 120_000 },
  () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const [command, ...args] = manifest.scripts["docs"].split(/\s+/);
    expect(command).toBe("typedoc");
    const outAt = args.indexOf("--out");
    expect(outAt).toBeGreaterThanOrEqual(0);
    args[outAt + 1] = out;
    execFileSync(process.execPath, [join(ROOT, "node_modules/typedoc/bin/typedoc"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });
    for (const name of ["grad", "vjp", "jvp", "jacobian", "valueAndGrad"]) {
      // Functions and function-valued constants land in different folders.
      const pages = ["functions", "variables"].map((kind) => join(out, kind, `${name}.html`));
      expect(
        pages.some((page) => existsSync(page)),
        `${name} is documented`,
      ).toBe(true);
    }
    expect(readFileSync(join(out, "functions", "vjp.html"), "utf8")).toContain("pullback");
  },
);
