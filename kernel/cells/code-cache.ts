/**
 * Loads a large CommonJS module (TypeScript) with a V8 code cache kept on disk, so later kernels
 * skip compiling it. The cache is written after the warm-up, so it also holds the functions the
 * warm-up compiled. A missing, stale or rejected cache only costs the normal compile.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFile } from "node:fs";
import { createRequire, wrap } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

export interface CachedModule {
  exports: unknown;
  /** Write the code cache if it was missing or rejected (call after warming up). */
  save(): void;
}

function cacheDir(): string {
  const base = process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  for (const dir of [join(base, "cotangent"), join(tmpdir(), "cotangent-cache")]) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // try the next place
    }
  }
  return tmpdir();
}

export function loadWithCodeCache(file: string): CachedModule {
  const source = readFileSync(file, "utf8");
  const stat = statSync(file);
  const key = createHash("sha1")
    .update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`)
    .digest("hex");
  const cacheFile = join(cacheDir(), `v8-${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    save() {
      if (!fresh) return;
      writeFile(cacheFile, script.createCachedData(), () => undefined);
    },
  };
}
