#!/usr/bin/env node
// Runs Cotangent in a real VS Code with no internet: the VS Code server inside code-server
// (installed by scripts/vscode-server.sh into .vscode-test/), driven by headless Chromium.
//
//   node scripts/vscode-test.mjs         the mocha suite (test/integration/suite), then the same
//                                        server with Workspace Trust on an untrusted folder
//   node scripts/vscode-test.mjs --vsix  the suite against cotangent.vsix (packaged, unpacked to /tmp)
//   node scripts/vscode-test.mjs --ui    the UI test: open the fixture, click Run All, find the
//                                        drawn views in the webview, screenshot to test-results/;
//                                        then the explore UI test (scripts/vscode-ui-explore.mjs)
//   node scripts/vscode-test.mjs --ui-explore   the explore UI test alone
//
// Exits non-zero when a test fails. Each run uses fresh temporary user-data and extension folders
// and ends the server's whole process group.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { format } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "test-results");
const FIXTURE = path.join(ROOT, "test/integration/fixtures/demo.ipynb");
const SUITE_TIMEOUT_MS = 300_000;

const log = (...parts) => console.log("[vscode-test]", ...parts);

function installServer() {
  const out = execFileSync("bash", [path.join(ROOT, "scripts/vscode-server.sh")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const vscodeDir = out.toString().trim().split("\n").pop();
  // lib/vscode → the code-server package that wraps it
  return path.resolve(vscodeDir, "../..");
}

function buildBundles() {
  const needed = ["dist/kernel/executor.cjs", "dist/renderer/index.js", "dist/types/index.d.ts"];
  const missing = needed.filter((file) => !existsSync(path.join(ROOT, file)));
  const targets = missing.length > 0 ? [] : ["extension", "integration"];
  if (missing.length > 0) log(`building everything (missing: ${missing.join(", ")})`);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs"), ...targets], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function userSettings(trust) {
  return {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "security.workspace.trust.enabled": trust,
    "security.workspace.trust.startupPrompt": "never",
    "security.workspace.trust.untrustedFiles": "open",
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "files.hotExit": "off",
    "window.confirmBeforeClose": "never",
  };
}

/** Starts code-server on a free port in its own process group; resolves once it answers. */
async function startServer(codeServer, { workspace, trust, env }) {
  const scratch = mkdtempSync(path.join(tmpdir(), "cotangent-vscode-"));
  const userData = path.join(scratch, "user-data");
  for (const scope of ["User", "Machine"]) {
    mkdirSync(path.join(userData, scope), { recursive: true });
    writeFileSync(
      path.join(userData, scope, "settings.json"),
      JSON.stringify(userSettings(trust), null, 2),
    );
  }
  const port = await freePort();
  const config = path.join(scratch, "config.yaml");
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    path.join(codeServer, "out/node/entry.js"),
    "--config",
    config,
    "--user-data-dir",
    userData,
    "--extensions-dir",
    path.join(scratch, "extensions"),
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
    ...(trust ? [] : ["--disable-workspace-trust"]),
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const serverLog = [];
  const keep = (chunk) => serverLog.push(chunk.toString());
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const stop = async () => {
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    signalGroup("SIGTERM");
    // code-server can outlive SIGTERM: give it a moment, then kill what is left of the group.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    signalGroup("SIGKILL");
    rmSync(scratch, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited:\n${serverLog.join("")}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`code-server did not answer within 60 s:\n${serverLog.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { base, stop, serverLog };
}

/** The workbench's remote authority, read from the page's web configuration. */
async function remoteAuthority(base, workspace) {
  const html = await (await fetch(`${base}/?folder=${encodeURIComponent(workspace)}`)).text();
  const match = /id="vscode-workbench-web-configuration"\s+data-settings="([^"]*)"/.exec(html);
  if (!match) throw new Error("the workbench page has no web configuration");
  const json = match[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return JSON.parse(json).remoteAuthority;
}

async function workbenchUrl(base, workspace, withTests, extensionPath = ROOT) {
  const authority = await remoteAuthority(base, workspace);
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = [
    ["extensionDevelopmentPath", remote(extensionPath)],
    ["skipWelcome", "true"],
  ];
  if (withTests)
    payload.push([
      "extensionTestsPath",
      remote(path.join(ROOT, "out/test/integration/suite/index.js")),
    ]);
  return `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Runs the mocha suite named `suite` in the workbench; resolves with its exit code. */
async function runSuite(codeServer, { suite, trust, extensionPath = ROOT }) {
  const workspace = mkdtempSync(path.join(tmpdir(), `cotangent-ws-${suite}-`));
  const server = await startServer(codeServer, {
    workspace,
    trust,
    env: { COTANGENT_SUITE: suite },
  });
  let browser;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await context.exposeFunction("codeAutomationLog", (_type, args) => {
      console.log(Array.isArray(args) ? format(...args) : String(args));
    });
    await context.exposeFunction("codeAutomationExit", (code) => finish(code));
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(await workbenchUrl(server.base, workspace, true, extensionPath));
    // The timer is cleared once the suite exits: a pending one would keep this process alive.
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve("timeout"), SUITE_TIMEOUT_MS);
    });
    const code = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    if (code === "timeout") {
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, `vscode-${suite}-timeout.png`) });
      log(`suite "${suite}" timed out; server log:\n${server.serverLog.join("")}`);
      return 1;
    }
    log(`suite "${suite}" exited with ${code} after ${Date.now() - started} ms`);
    return code;
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export {
  startServer,
  workbenchUrl,
  launchChromium as launchBrowser,
  installServer,
  buildBundles,
  runSuite,
  RESULTS,
  FIXTURE,
  ROOT,
  log,
};

/** The notebook suite against cotangent.vsix as it ships: unpacked, with only what it holds. */
async function runPackaged(codeServer) {
  const vsix = path.join(ROOT, "cotangent.vsix");
  if (!existsSync(vsix)) throw new Error("cotangent.vsix is missing: run `npm run package` first");
  const unpacked = mkdtempSync(path.join(tmpdir(), "cotangent-vsix-"));
  try {
    // Python is on every machine this runs on; unzip may not be.
    execFileSync("python3", ["-m", "zipfile", "-e", vsix, unpacked]);
    const extensionPath = path.join(unpacked, "extension");
    log(`running the suite against ${vsix} unpacked in ${extensionPath}`);
    return await runSuite(codeServer, { suite: "notebook", trust: false, extensionPath });
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}

async function main() {
  const codeServer = installServer();
  buildBundles();
  const ui = process.argv.includes("--ui");
  if (ui || process.argv.includes("--ui-explore")) {
    const { runUiTest } = await import("./vscode-ui-test.mjs");
    const { runExploreUiTest } = await import("./vscode-ui-explore.mjs");
    const tools = {
      FIXTURE,
      RESULTS,
      ROOT,
      launchBrowser: launchChromium,
      log,
      startServer,
      workbenchUrl,
    };
    const views = ui ? await runUiTest(codeServer, tools) : 0;
    const explore = await runExploreUiTest(codeServer, tools);
    process.exitCode = views === 0 && explore === 0 ? 0 : 1;
    return;
  }
  if (process.argv.includes("--vsix")) {
    process.exitCode = await runPackaged(codeServer);
    return;
  }
  const main = await runSuite(codeServer, { suite: "notebook", trust: false });
  const untrusted = await runSuite(codeServer, { suite: "untrusted", trust: true });
  process.exitCode = main === 0 && untrusted === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
