/**
 * Resolution of packages that only export an `import` entry (ESM-only packages): CommonJS
 * `require` refuses them ("No exports main defined"), so we read the package's `exports` with the
 * conditions of an import (node, import, default) and hand the file to require(esm).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const IMPORT_CONDITIONS = new Set(["node", "import", "module-sync", "default"]);

function splitSpecifier(id: string): { name: string; subpath: string } | undefined {
  const parts = id.split("/");
  const count = id.startsWith("@") ? 2 : 1;
  if (parts.length < count || parts.slice(0, count).some((p) => p === "")) return undefined;
  const rest = parts.slice(count).join("/");
  return { name: parts.slice(0, count).join("/"), subpath: rest ? `./${rest}` : "." };
}

function conditional(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = conditional(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(key)) continue;
      const found = conditional(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports !== null && typeof exports === "object" && !Array.isArray(exports)) {
    const keys = Object.keys(exports);
    if (keys.length > 0 && keys.every((k) => k.startsWith("."))) {
      return conditional((exports as Record<string, unknown>)[subpath]);
    }
  }
  return subpath === "." ? conditional(exports) : undefined;
}

/** The file an `import` of bare specifier `id` from `fromDir` loads, or undefined. */
export function resolveImportEntry(id: string, fromDir: string): string | undefined {
  const spec = splitSpecifier(id);
  if (!spec) return undefined;
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const root = join(dir, "node_modules", spec.name);
    const manifest = join(root, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown };
      const target = exportTarget(parsed.exports, spec.subpath);
      return target === undefined ? undefined : join(root, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether Node loads `file` as an ES module (.mjs, or .js under a `"type": "module"` package). */
export function isEsmFile(file: string): boolean {
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
    }
    if (dirname(dir) === dir) return false;
  }
}
