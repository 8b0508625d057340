/**
 * Where the package's built files are, found from this module's own location, so the same code
 * works from the bundle (dist/cli/…) and from the sources (kernel/jupyter/…) under vitest.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding cotangent's package.json. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
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
export function executorPath(root = packageRoot()): string {
  return join(root, "dist", "kernel", "executor.cjs");
}

/** The command-line entry (`cotangent`), which also runs the Jupyter kernel. */
export function cliPath(root = packageRoot()): string {
  return join(root, "dist", "cli", "cotangent.js");
}
