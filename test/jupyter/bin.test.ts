/**
 * The build leaves every bin executable: scripts/build.mjs builds the `cli` target in a scratch
 * copy of the package (its sources linked, so the real dist/ that other suites use is untouched)
 * and the bin it wrote is then started directly, as npx starts a bin it linked at install.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../kernel/paths.js";

const run = promisify(execFile);
const root = packageRoot(fileURLToPath(import.meta.url));
let scratch = "";

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "cotangent-bin-"));
  for (const linked of ["kernel", "src", "node_modules"]) {
    await symlink(join(root, linked), join(scratch, linked));
  }
  await mkdir(join(scratch, "scripts"));
  await copyFile(join(root, "scripts/build.mjs"), join(scratch, "scripts/build.mjs"));
  await copyFile(join(root, "package.json"), join(scratch, "package.json"));
  // What an earlier build left and npx linked: the bin without its exec bit.
  await mkdir(join(scratch, "dist/cli"), { recursive: true });
  await writeFile(join(scratch, "dist/cli/cotangent.js"), "#!/usr/bin/env node\n", { mode: 0o644 });
  await run(process.execPath, ["scripts/build.mjs", "cli"], { cwd: scratch, timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

describe("the built bin", () => {
  it("is written with mode 0755", async () => {
    const { mode } = await stat(join(scratch, "dist/cli/cotangent.js"));
    expect((mode & 0o777).toString(8)).toBe("755");
  });

  it("runs when started directly (no node in front)", async () => {
    const { stdout } = await run(join(scratch, "dist/cli/cotangent.js"), ["--help"], {
      timeout: 20_000,
    });
    expect(stdout).toMatch(/^usage: cotangent <command>/);
    expect(stdout).toMatch(/install-kernel/);
  });
});
