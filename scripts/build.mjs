// Builds every bundle of the project with esbuild, and the runtime's declarations with tsc.
//   node scripts/build.mjs            all targets
//   node scripts/build.mjs runtime    only the named targets
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync } from "node:fs";

const common = { bundle: true, sourcemap: true, logLevel: "warning", target: "es2022" };

/** name → async build step. Each part of the project owns its entry here. */
const targets = {
  async runtime() {
    const entry = {
      entryPoints: ["src/index.ts"],
      platform: "neutral",
      mainFields: ["module", "main"],
    };
    await build({ ...common, ...entry, format: "esm", outfile: "dist/runtime/index.js" });
    await build({ ...common, ...entry, format: "cjs", outfile: "dist/runtime/index.cjs" });
    rmSync("dist/types", { recursive: true, force: true });
    execFileSync(
      process.execPath,
      ["node_modules/typescript/bin/tsc", "-p", "tsconfig.runtime.json"],
      {
        stdio: "inherit",
      },
    );
  },
  // The executor process and its two threads (kernel/executor, kernel/cells), CommonJS; the
  // runtime is bundled in (cells get that very instance), TypeScript stays external.
  async kernel() {
    const version = JSON.parse(readFileSync("package.json", "utf8")).version;
    const node = {
      platform: "node",
      target: "node20",
      format: "cjs",
      outExtension: { ".js": ".cjs" },
    };
    const entryPoints = {
      executor: "kernel/executor/main.ts",
      "io-worker": "kernel/executor/io-worker.ts",
      "checker-worker": "kernel/cells/checker-worker.ts",
    };
    const define = { COTANGENT_VERSION: JSON.stringify(version) };
    const external = ["typescript"];
    await build({ ...common, ...node, entryPoints, outdir: "dist/kernel", define, external });
  },
  // The VS Code extension host loads CommonJS; the package is "type": "module", hence .cjs.
  async extension() {
    const node = { platform: "node", target: "node20", format: "cjs", external: ["vscode"] };
    await build({
      ...common,
      ...node,
      entryPoints: ["extension/extension.ts"],
      outfile: "dist/extension/extension.cjs",
    });
  },
  // The real-VS-Code mocha suite (loaded as extensionTestsPath); out/test is marked CommonJS.
  async integration() {
    const { mkdirSync, writeFileSync, readdirSync } = await import("node:fs");
    const suite = readdirSync("test/integration/suite")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `test/integration/suite/${f}`);
    const node = {
      platform: "node",
      target: "node20",
      format: "cjs",
      external: ["vscode", "mocha"],
    };
    rmSync("out/test/integration", { recursive: true, force: true });
    await build({ ...common, ...node, entryPoints: suite, outdir: "out/test/integration/suite" });
    mkdirSync("out/test", { recursive: true });
    writeFileSync("out/test/package.json", '{ "type": "commonjs" }\n');
  },
  // The `cotangent` command (bin) and the Jupyter kernel it runs: ESM with one chunk per
  // subcommand, so `cotangent kernel` loads only the kernel. zeromq is native: left external.
  async cli() {
    const node = {
      platform: "node",
      target: "node20",
      format: "esm",
      splitting: true,
      external: ["zeromq"],
    };
    rmSync("dist/cli", { recursive: true, force: true });
    const banner = { js: "#!/usr/bin/env node" };
    await build({
      ...common,
      ...node,
      banner,
      entryPoints: { cotangent: "kernel/cli.ts" },
      outdir: "dist/cli",
    });
    markBinsExecutable();
  },
  // The notebook renderer: one ESM bundle for the webview (and the HTML report), CSS as text.
  async renderer() {
    const web = { platform: "browser", format: "esm", minify: true, loader: { ".css": "text" } };
    await build({
      ...common,
      ...web,
      entryPoints: ["extension/renderer/index.ts"],
      outfile: "dist/renderer/index.js",
    });
  },
  // The prebuilt JupyterLab 4 / Notebook 7 extension (extension/jupyterlab/, the renderer's own
  // code inside): esbuild bundles our TypeScript into one ES module that leaves JupyterLab's and
  // Lumino's packages as imports, then @jupyter/builder (rspack, no Python) makes the federated
  // extension in dist/labextension, sharing those packages with JupyterLab's own copies.
  async labextension() {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const root = JSON.parse(readFileSync("package.json", "utf8"));
    const stage = "out/labextension-src";
    rmSync(stage, { recursive: true, force: true });
    rmSync("dist/labextension", { recursive: true, force: true });
    await build({
      ...common,
      sourcemap: false,
      platform: "browser",
      format: "esm",
      loader: { ".css": "text" },
      external: ["@jupyterlab/*", "@lumino/*"],
      entryPoints: ["extension/jupyterlab/index.ts"],
      outfile: `${stage}/lib/index.js`,
    });
    const imported = Object.keys(root.devDependencies).filter((name) =>
      /^@(jupyterlab|lumino)\/(?!core-meta$)/.test(name),
    );
    const manifest = {
      name: LABEXTENSION_NAME,
      version: root.version,
      description:
        "Cotangent's views (Jacobian, chain, trace, explore) in JupyterLab and Notebook 7",
      license: root.license,
      main: "lib/index.js",
      dependencies: Object.fromEntries(imported.map((name) => [name, root.devDependencies[name]])),
      jupyterlab: { extension: true, outputDir: "../../dist/labextension" },
    };
    mkdirSync(stage, { recursive: true });
    writeFileSync(`${stage}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    const builder = [
      "node_modules/@jupyter/builder/lib/build-labextension.js",
      "--core-package-file",
      "node_modules/@jupyterlab/core-meta/core.package.json",
      stage,
    ];
    try {
      // quiet when it works ("Compilation starting…/finished"); everything it said when not
      execFileSync(process.execPath, builder, { stdio: "pipe", encoding: "utf8" });
    } catch (error) {
      process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
      throw new Error("build: @jupyter/builder failed on the JupyterLab extension (above)");
    }
  },
};

/** The JupyterLab extension's package name (its folder under <data dir>/labextensions/). */
const LABEXTENSION_NAME = "cotangent-jupyterlab";

/**
 * esbuild writes files with mode 0644; npx and npm link a bin once, at install, and do not set
 * its exec bit again, so every bin in package.json that the build wrote is made executable here.
 */
function markBinsExecutable() {
  const { bin = {} } = JSON.parse(readFileSync("package.json", "utf8"));
  for (const path of typeof bin === "string" ? [bin] : Object.values(bin)) chmodSync(path, 0o755);
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in targets))
    throw new Error(`build: unknown target "${name}" (have: ${Object.keys(targets).join(", ")})`);
}
for (const [name, step] of Object.entries(targets)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  await step();
  console.log(`built ${name} in ${Date.now() - started} ms`);
}
