/**
 * `cotangent run` on malformed notebooks (fast-check, fixed seeds): text that is not JSON,
 * binary garbage, nbformat other than 4, missing or wrong cells, oversized fields. Each exits
 * with 2 and a short error naming the file and the problem, never starts a kernel, and leaves
 * existing --out and --html files as they were. A few cases also go through the real CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../kernel/run/command.js";
import { fuzzParams, fuzzTimeout } from "./config.js";

const scratch = mkdtempSync(join(tmpdir(), "cotangent-fuzz-run-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const OUT = join(scratch, "executed.ipynb");
const HTML = join(scratch, "report.html");
const CLI = join(import.meta.dirname, "..", "..", "dist", "cli", "cotangent.js");

const json = (value: unknown): string => JSON.stringify(value) ?? "null";
const cell = {
  cell_type: "code",
  metadata: {},
  source: "1 + 1",
  outputs: [],
  execution_count: null,
};
const notebook = (fields: Record<string, unknown>): string =>
  json({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell], ...fields });

const notJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

/** A malformed notebook's bytes and what its error must say. */
interface Case {
  bytes: Buffer;
  problem: RegExp;
}

const anything = fc.anything({ maxDepth: 2 });
const cases: fc.Arbitrary<Case> = fc.oneof(
  fc
    .string({ maxLength: 200 })
    .filter(notJson)
    .map((t) => ({ bytes: Buffer.from(t), problem: /not a notebook \(invalid JSON/ })),
  fc
    .uint8Array({ minLength: 1, maxLength: 400 })
    .filter((b) => notJson(Buffer.from(b).toString("utf8")))
    .map((b) => ({ bytes: Buffer.from(b), problem: /not a notebook \(invalid JSON/ })),
  fc
    .oneof(anything, fc.constantFrom(3, 2, 5, "4", 4.5, null, "x".repeat(3000)))
    .filter((v) => v !== 4)
    .map((v) => ({
      bytes: Buffer.from(notebook({ nbformat: v })),
      problem: /nbformat .* is not supported \(need 4\)/,
    })),
  fc
    .oneof(
      fc.constant(undefined),
      anything.filter((v) => !Array.isArray(v)),
    )
    .map((v) => ({
      bytes: Buffer.from(notebook({ cells: v })),
      problem: /not a notebook \(no "cells" array\)/,
    })),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
    .map((v) => ({ bytes: Buffer.from(json(v)), problem: /not a notebook/ })),
  fc
    .tuple(
      fc.nat({ max: 3 }),
      fc.oneof(
        anything.filter((v) => v === null || typeof v !== "object" || Array.isArray(v)),
        fc.record({
          cell_type: anything,
          source: fc.oneof(
            fc.constant(undefined),
            fc.integer(),
            fc.array(fc.integer(), { minLength: 1 }),
          ),
        }),
      ),
    )
    .map(([at, bad]) => {
      const cells = [cell, cell, cell, cell];
      cells[at] = bad as typeof cell;
      return {
        bytes: Buffer.from(notebook({ cells })),
        problem: new RegExp(`cell ${at + 1} has (no source|unknown cell_type)`),
      };
    }),
  fc
    .oneof(anything, fc.constant("x".repeat(5000)))
    .filter((t) => t !== "code" && t !== "markdown" && t !== "raw")
    .map((t) => ({
      bytes: Buffer.from(notebook({ cells: [{ ...cell, cell_type: t }] })),
      problem: /cell 1 has unknown cell_type/,
    })),
  fc.constantFrom(
    { bytes: Buffer.alloc(0), problem: /not a notebook \(invalid JSON/ },
    { bytes: Buffer.from([0xef, 0xbb, 0xbf, 0x7b]), problem: /not a notebook \(invalid JSON/ },
  ),
);

function existingOutputs(): void {
  writeFileSync(OUT, "an executed notebook from an earlier run");
  writeFileSync(HTML, "<p>an earlier report</p>");
}

function outputsUntouched(): void {
  expect(readFileSync(OUT, "utf8")).toBe("an executed notebook from an earlier run");
  expect(readFileSync(HTML, "utf8")).toBe("<p>an earlier report</p>");
}

async function run(path: string): Promise<{ code: number; errors: string[]; started: boolean }> {
  const errors: string[] = [];
  let started = false;
  const code = await runCommand([path, "--out", OUT, "--html", HTML], {
    executorPath: "none",
    rendererPath: "none",
    log: () => undefined,
    error: (line) => errors.push(line),
    createClient: () => {
      started = true;
      throw new Error("a malformed notebook must not start a kernel");
    },
  });
  return { code, errors, started };
}

describe("cotangent run on malformed notebooks", () => {
  it(
    "exits with 2, names the file and the problem briefly, starts no kernel, writes nothing",
    async () => {
      const path = join(scratch, "bad.ipynb");
      existingOutputs();
      await fc.assert(
        fc.asyncProperty(cases, async ({ bytes, problem }) => {
          writeFileSync(path, bytes);
          const { code, errors, started } = await run(path);
          expect(code).toBe(2);
          expect(started).toBe(false);
          expect(errors).toHaveLength(1);
          expect(errors[0].startsWith(`${path}: `), errors[0].slice(0, 200)).toBe(true);
          expect(errors[0]).toMatch(problem);
          expect(errors[0].length, errors[0].slice(0, 600)).toBeLessThanOrEqual(400);
          outputsUntouched();
        }),
        fuzzParams("runner.malformed"),
      );
    },
    fuzzTimeout(10),
  );

  it("a missing file or a folder is named as such", async () => {
    existingOutputs();
    const folder = join(scratch, "folder.ipynb");
    mkdirSync(folder, { recursive: true });
    for (const [path, problem] of [
      [join(scratch, "missing.ipynb"), /missing\.ipynb does not exist/],
      [folder, /folder\.ipynb: cannot read the notebook \(.*EISDIR/],
    ] as const) {
      const { code, errors, started } = await run(path);
      expect([code, started]).toEqual([2, false]);
      expect(errors.join("\n")).toMatch(problem);
    }
    outputsUntouched();
  });

  it("through the real CLI: exit code 2, the error on stderr, the outputs kept", () => {
    existingOutputs();
    const samples = fc.sample(cases, { numRuns: 4, seed: 7 });
    for (const [k, { bytes, problem }] of samples.entries()) {
      const path = join(scratch, `cli-${k}.ipynb`);
      writeFileSync(path, bytes);
      const result = spawnSync(process.execPath, [CLI, "run", path, "--out", OUT, "--html", HTML], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(problem);
      expect(result.stdout).toBe("");
      outputsUntouched();
    }
  }, 120_000);
});
