import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../kernel/client.js";
import { parseRunArguments, runCommand } from "../../kernel/run/command.js";

const scratch = mkdtempSync(join(tmpdir(), "cotangent-command-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("parseRunArguments", () => {
  it.each([
    [["nb.ipynb"], { notebook: "nb.ipynb", continueOnError: false }],
    [
      ["--out", "o.ipynb", "nb.ipynb", "--html", "r.html"],
      { notebook: "nb.ipynb", out: "o.ipynb", html: "r.html", continueOnError: false },
    ],
    [["nb.ipynb", "--continue-on-error"], { notebook: "nb.ipynb", continueOnError: true }],
  ])("parses %j", (args, expected) => {
    expect(parseRunArguments(args)).toEqual(expected);
  });

  it.each([
    [[], /^no notebook given/],
    [
      ["a.ipynb", "b.ipynb"],
      /^only one notebook can be run at a time \(got a\.ipynb and b\.ipynb\)/,
    ],
    [["a.ipynb", "--out"], /^--out needs a file name/],
    [["a.ipynb", "--html", "--out", "x"], /^--html needs a file name/],
    [["a.ipynb", "--fast"], /^unknown option --fast/],
  ])("rejects %j", (args, message) => {
    expect(() => parseRunArguments(args)).toThrow(message);
  });
});

describe("runCommand", () => {
  it("prints the usage for --help and exits with 0", async () => {
    const lines: string[] = [];
    const context = {
      executorPath: "x",
      rendererPath: "y",
      log: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
    };
    expect(await runCommand(["--help"], context)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^usage: cotangent run <notebook\.ipynb>/);
  });

  it("exits with 2 and says so when the kernel does not start", async () => {
    const path = join(scratch, "nb.ipynb");
    writeFileSync(
      path,
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }),
    );
    const errors: string[] = [];
    let shutDown = false;
    const client = {
      start: () => Promise.reject(new Error("The kernel exited with code 1.")),
      shutdown: () => {
        shutDown = true;
        return Promise.resolve();
      },
    } as unknown as KernelClient;
    const code = await runCommand([path], {
      executorPath: "x",
      rendererPath: "y",
      log: () => undefined,
      error: (line) => errors.push(line),
      createClient: () => client,
    });
    expect(code).toBe(2);
    expect(errors).toEqual([
      "cotangent run: the kernel did not start: The kernel exited with code 1.",
    ]);
    expect(shutDown).toBe(true);
  });
});
