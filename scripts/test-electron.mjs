#!/usr/bin/env node
// The same mocha suite in desktop VS Code, downloaded by @vscode/test-electron (needs internet;
// not run in CI, which uses the offline server: npm run test:integration). On Linux without a
// display, run it under `xvfb-run -a`.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runTests } from "@vscode/test-electron";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function run(suite, settings) {
  const workspace = mkdtempSync(path.join(tmpdir(), `cotangent-ws-${suite}-`));
  copyFileSync(
    path.join(ROOT, "test/integration/fixtures/demo.ipynb"),
    path.join(workspace, "demo.ipynb"),
  );
  const userData = mkdtempSync(path.join(tmpdir(), "cotangent-electron-"));
  return runTests({
    version: "1.100.3",
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, "out/test/integration/suite/index.js"),
    extensionTestsEnv: { COTANGENT_SUITE: suite },
    launchArgs: [workspace, "--disable-extensions", `--user-data-dir=${userData}`, ...settings],
  });
}

try {
  await run("notebook", ["--disable-workspace-trust"]);
  await run("untrusted", []);
} catch (error) {
  console.error(`test:electron failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
