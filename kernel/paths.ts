/**
 * Where the package's built files are: the package root is found from the calling module's own
 * location (`fileURLToPath(import.meta.url)`), so the same code works from the bundles (dist/…)
 * and from the sources under vitest; the VS Code extension passes its extension path as the root.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The folder holding cotangent's package.json, at or above the file `from`. */
export function packageRoot(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
      if (parsed.name === "cotangent") return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find cotangent's package.json above ${from}`);
  }
}

/** The executor bundle the kernel client starts. */
export function executorPath(root: string): string {
  return join(root, "dist", "kernel", "executor.cjs");
}

/** The command-line entry (`cotangent`), which also runs the Jupyter kernel. */
export function cliPath(root: string): string {
  return join(root, "dist", "cli", "cotangent.js");
}

/** The prebuilt JupyterLab extension (scripts/build.mjs, target labextension). */
export function labextensionPath(root: string): string {
  return join(root, "dist", "labextension");
}
