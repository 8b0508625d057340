/**
 * The `@example` of every public transform runs, as the README's blocks do: each is type-checked
 * against the runtime's sources and executed with the runtime's exports in scope, and each
 * `// → expected` line is an assertion. So do the examples in src/explore, src/optim and
 * src/loops (every one runs; each `// →` line is checked).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import * as runtime from "cotangent";
import { afterAll, describe, expect, it } from "vitest";
import { typeCheck, withAssertions } from "./blocks.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TRANSFORMS = [
  "vjp",
  "jvp",
  "grad",
  "valueAndGrad",
  "jacrev",
  "jacfwd",
  "jacobian",
  "hessian",
  "vmap",
  "jit",
  "linearize",
  "customVjp",
  "sparseJacobian",
];

interface Example {
  /** The exported name the doc comment belongs to. */
  name: string;
  file: string;
  /** The source line of the example's first code line (1-based). */
  line: number;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each doc comment's `@example` with the name of the export that follows it. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(file, "utf8");
  const found: Example[] = [];
  const exported = /\/\*\*([\s\S]*?)\*\/\s*export (?:function|const|class) (\w+)/g;
  for (const match of text.matchAll(exported)) {
    const comment = match[1].split("\n");
    const at = comment.findIndex((l) => /^\s*\* @example\s*$/.test(l));
    if (at < 0) continue;
    const body = comment.slice(at + 1).filter((l) => !/^\s*$/.test(l));
    const end = body.findIndex((l) => /^\s*\* @\w/.test(l));
    const lines = (end < 0 ? body : body.slice(0, end)).map((l) => l.replace(/^\s*\* ?/, ""));
    const line = text.slice(0, match.index).split("\n").length + at + 1;
    found.push({ name: match[2], file: relative(ROOT, file), line, code: lines.join("\n") });
  }
  return found;
}

const examples = sourceFiles(join(ROOT, "src"))
  .flatMap(examplesOf)
  .filter((e) => TRANSFORMS.includes(e.name));
/** The folders whose every example runs too. */
const FOLDERS = ["explore", "optim", "loops"];
const folderExamples = FOLDERS.flatMap((folder) =>
  sourceFiles(join(ROOT, "src", folder)).flatMap(examplesOf),
);
const names = Object.keys(runtime).filter((n) => n !== "default" && n !== "Tensor");
const prelude = `import { Tensor, ${names.join(", ")} } from "cotangent";\n`;
const scratch = mkdtempSync(join(tmpdir(), "cotangent-examples-"));
writeFileSync(join(scratch, "package.json"), '{ "type": "module" }\n');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("@example of the public transforms", () => {
  it("every public transform has one", () => {
    expect(TRANSFORMS.filter((t) => !examples.some((e) => e.name === t))).toEqual([]);
  });

  it("type-checks every example against the runtime", { timeout: 120_000 }, () => {
    const files = examples.map((example, i) => {
      const file = join(scratch, `check-${i}.ts`);
      writeFileSync(file, `${prelude}${example.code}\nexport {};\n`);
      return file;
    });
    const output = typeCheck(ROOT, scratch, files);
    expect(
      output.replace(/check-(\d+)\.ts\((\d+)/g, (_, i: string, l: string) => {
        const example = examples[Number(i)];
        return `${example.name}'s example at ${example.file}:${example.line + Number(l) - 2}`;
      }),
    ).toBe("");
  });

  it.each(examples)("runs $name's example ($file:$line)", async (example) => {
    const file = join(scratch, `run-${example.name}.ts`);
    writeFileSync(file, `${prelude}${withAssertions(example.code, example.line)}`);
    const module = (await import(pathToFileURL(file).href)) as {
      assertions: { line: number; actual: unknown; expected: unknown }[];
    };
    expect(module.assertions.length).toBeGreaterThan(0);
    for (const { line, actual, expected } of module.assertions) {
      const where = `${example.file}:${line}`;
      if (typeof expected === "number" || Array.isArray(expected))
        expect(actual, where).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-12 });
      else expect(actual, where).toEqual(expected);
    }
  });
});

/** Type-check the examples together; tsc's errors named by example and source line. */
function checkExamples(list: readonly Example[], prefix: string): string {
  const files = list.map((example, i) => {
    const file = join(scratch, `${prefix}-${i}.ts`);
    writeFileSync(file, `${prelude}${example.code}\nexport {};\n`);
    return file;
  });
  const output = typeCheck(ROOT, scratch, files);
  const pattern = new RegExp(`${prefix}-(\\d+)\\.ts\\((\\d+)`, "g");
  return output.replace(pattern, (_, i: string, l: string) => {
    const example = list[Number(i)];
    return `${example.name}'s example at ${example.file}:${example.line + Number(l) - 2}`;
  });
}

/** Tensors anywhere inside a value as nested arrays (pytrees compare by their numbers). */
function deepPlain(value: unknown): unknown {
  if (value instanceof runtime.Tensor) return value.toArray();
  if (Array.isArray(value)) return value.map(deepPlain);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepPlain(v)]));
  return value;
}

/** A number or a (nested) array of numbers of one shape: compared with a tolerance. */
function numeric(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (!Array.isArray(value)) return false;
  return value.every(numeric) && new Set(value.map((v) => Array.isArray(v))).size <= 1;
}

/** Run one example; returns its `// →` assertions, each already checked. */
async function runExample(example: Example, file: string): Promise<number> {
  writeFileSync(file, `${prelude}${withAssertions(example.code, example.line)}`);
  const module = (await import(pathToFileURL(file).href)) as {
    assertions: { line: number; actual: unknown; expected: unknown }[];
  };
  for (const assertion of module.assertions) {
    const where = `${example.file}:${assertion.line}`;
    const [actual, expected] = [deepPlain(assertion.actual), deepPlain(assertion.expected)];
    if (numeric(expected))
      expect(actual, where).toBeAllclose(expected, { rtol: 1e-9, atol: 1e-12 });
    else expect(actual, where).toEqual(expected);
  }
  return module.assertions.length;
}

describe("@example of explore, optim and loops", () => {
  it("there are examples in each folder", () => {
    for (const folder of FOLDERS)
      expect(folderExamples.some((e) => e.file.startsWith(join("src", folder)))).toBe(true);
  });

  it("type-checks every example against the runtime", { timeout: 120_000 }, () => {
    expect(checkExamples(folderExamples, "folder")).toBe("");
  });

  it.each(folderExamples.map((e, i) => ({ ...e, i })))(
    "runs $name's example ($file:$line)",
    async (example) => {
      await runExample(example, join(scratch, `run-folder-${example.i}.ts`));
    },
  );

  it("most examples state their result as a checked `// →` line", async () => {
    let checked = 0;
    for (const [i, example] of folderExamples.entries())
      if ((await runExample(example, join(scratch, `count-${i}.ts`))) > 0) checked++;
    expect(checked).toBeGreaterThanOrEqual(Math.ceil(folderExamples.length * 0.75));
  });
});
