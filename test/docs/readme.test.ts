/**
 * Every TypeScript example in README.md runs, as a user would paste it: each ```ts block is
 * type-checked against the runtime's sources and executed. A line ending in `// → expected`
 * is also an assertion: its expression must equal `expected` (allclose for numbers and tensors).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { extractBlocks, typeCheck, withAssertions } from "./blocks.js";

const ROOT = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = extractBlocks(readme, ["ts", "typescript"]);
const scratch = mkdtempSync(join(tmpdir(), "cotangent-readme-"));
// The blocks are ES modules, as cells and user code are.
writeFileSync(join(scratch, "package.json"), '{ "type": "module" }\n');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Numbers and (nested) arrays of numbers compare with a tolerance; anything else exactly. */
function isNumeric(value: unknown): boolean {
  return (
    typeof value === "number" ||
    (Array.isArray(value) && value.length > 0 && value.every(isNumeric))
  );
}

/** Collected by the generated code: one entry per `// →` line. */
interface Assertion {
  line: number;
  actual: unknown;
  expected: unknown;
}

describe("README.md", () => {
  it("links only to files that exist", () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    const local = targets.filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith("#"));
    expect(local.length).toBeGreaterThan(5);
    expect(local.filter((t) => !existsSync(join(ROOT, t.split("#")[0])))).toEqual([]);
  });

  it("opens with the two fresh-machine commands, run then test", () => {
    const shells = extractBlocks(readme, ["sh"]).map((b) => b.code.trim());
    expect(shells.slice(0, 2)).toEqual(["npm ci && npm start", "npm ci && npm test"]);
  });

  it("has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it("type-checks every TypeScript example against the runtime", { timeout: 120_000 }, () => {
    const files = blocks.map((block, i) => {
      const file = join(scratch, `check-${i}.ts`);
      writeFileSync(file, `export {};\n${block.code}`);
      return file;
    });
    const output = typeCheck(ROOT, scratch, files);
    expect(
      output.replace(
        /check-(\d+)\.ts\((\d+)/g,
        (_, b: string, l: string) =>
          `README block ${Number(b) + 1} at README line ${blocks[Number(b)].line + Number(l) - 1}`,
      ),
    ).toBe("");
  });

  it.each(blocks.map((block, i) => ({ ...block, index: i + 1 })))(
    "runs block $index (README line $line)",
    async (block) => {
      const file = join(scratch, `run-${block.index}.ts`);
      writeFileSync(file, withAssertions(block.code, block.line));
      const module = (await import(pathToFileURL(file).href)) as { assertions: Assertion[] };
      expect(module.assertions.length).toBeGreaterThan(0);
      for (const { line, actual, expected } of module.assertions) {
        const where = `README line ${line}`;
        if (isNumeric(expected)) {
          expect(actual, where).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-12 });
        } else {
          expect(actual, where).toEqual(expected);
        }
      }
    },
  );
});
