#!/usr/bin/env node
// Builds cotangent.vsix. vsce refuses a .vscodeignore next to package.json's "files" (which the
// npm package needs), so the extension is staged in out/vsix: the manifest without "files" and
// scripts, the bundles, and the run-time modules the kernel needs (TypeScript and Node's
// typings, for checking cells); .vscodeignore then picks the files that ship.
//
//   node scripts/package-vsix.mjs     (after `npm run build`) → cotangent.vsix, prints its size
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAGE = path.join(ROOT, "out/vsix");
const OUT = path.join(ROOT, "cotangent.vsix");
/** Repository path → path in the package. */
const COPY = {
  LICENSE: "LICENSE",
  "README.md": "README.md",
  "CHANGELOG.md": "CHANGELOG.md",
  ".vscodeignore": ".vscodeignore",
  "dist/extension": "dist/extension",
  "dist/kernel": "dist/kernel",
  "dist/renderer": "dist/renderer",
  "dist/types": "dist/types",
  // vsce drops a top-level node_modules; the extension puts dist/kernel-deps on the kernel's
  // NODE_PATH instead.
  "node_modules/typescript/package.json": "dist/kernel-deps/typescript/package.json",
  "node_modules/typescript/LICENSE.txt": "dist/kernel-deps/typescript/LICENSE.txt",
  "node_modules/typescript/lib": "dist/kernel-deps/typescript/lib",
  "node_modules/@types/node": "dist/kernel-deps/@types/node",
  "node_modules/undici-types": "dist/kernel-deps/undici-types",
};

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
for (const [entry, target] of Object.entries(COPY)) {
  const from = path.join(ROOT, entry);
  try {
    statSync(from);
  } catch {
    throw new Error(`package-vsix: ${entry} is missing (run npm run build first?)`);
  }
  cpSync(from, path.join(STAGE, target), { recursive: true, dereference: true });
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
for (const key of [
  "files",
  "scripts",
  "devDependencies",
  "dependencies",
  "allowScripts",
  "exports",
]) {
  delete manifest[key];
}
writeFileSync(path.join(STAGE, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const vsce = path.join(ROOT, "node_modules/@vscode/vsce/vsce");
execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--out", OUT], {
  cwd: STAGE,
  stdio: "inherit",
});
const bytes = statSync(OUT).size;
console.log(`cotangent.vsix: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes)`);
