/**
 * How cells load modules, from the notebook's folder: "cotangent" is the bundled runtime (the
 * very instance the display sink is installed in), local .ts/.js modules come converted from the
 * checker, and packages load from node_modules: those a cell imports statically whose `import`
 * entry is an ES module (ESM-only or dual packages, top-level await included) are loaded with
 * Node's ESM loader before the cell runs (`preload`); others through require.
 */
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { types } from "node:util";
import { runInThisContext } from "node:vm";
import type { SideModule } from "./messages.js";
import { isEsmFile, resolveImportEntry } from "./resolve.js";

type LoadedModule = { exports: unknown };

export interface CellModules {
  /** `require` as cells call it (the converter turns imports into it). */
  require: (id: string) => unknown;
  /** `import(…)` in a cell. */
  dynamicImport(specifier: string): Promise<unknown>;
  /** Local modules the checker converted for the cell about to run. */
  update(modules: SideModule[]): void;
  /**
   * Load the packages a cell imports statically that have an `import` entry (ESM-only and dual
   * packages) as Node's ESM loader would — top-level await included — so the cell's `require`
   * of them returns that module. Undefined when there is nothing to load.
   */
  preload(packages: readonly string[]): Promise<void> | undefined;
}

export function createCellModules(cwd: string, runtime: object): CellModules {
  const sideCode = new Map<string, string>();
  const sideLoaded = new Map<string, LoadedModule>();
  const baseRequire = createRequire(join(cwd, "__cell__.js"));
  /** ESM packages loaded for cells' static imports, by specifier. */
  const esm = new Map<string, unknown>();

  function preload(packages: readonly string[]): Promise<void> | undefined {
    const wanted = packages.filter((id) => !esm.has(id));
    const entries = wanted.map((id) => [id, resolveImportEntry(id, cwd)] as const);
    const found = entries.filter(
      (e): e is readonly [string, string] => e[1] !== undefined && isEsmFile(e[1]),
    );
    if (found.length === 0) return undefined;
    return Promise.all(
      found.map(async ([id, entry]) => {
        esm.set(id, await import(pathToFileURL(entry).href));
      }),
    ).then(() => undefined);
  }

  function makeRequire(base: NodeJS.Require, fromDir: string): (id: string) => unknown {
    return (id: string): unknown => {
      if (id === "cotangent") return runtime;
      if (esm.has(id) && fromDir === cwd) return interop(esm.get(id));
      if (id.startsWith(".") || id.startsWith("/")) {
        let file = join(fromDir, id);
        if (extname(file) === "") file += ".js";
        const side = loadSide(file);
        if (side) return side.exports;
      }
      try {
        return interop(base(id));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
        const entry = resolveImportEntry(id, fromDir);
        if (entry === undefined) throw error;
        return interop(base(entry));
      }
    };
  }

  function loadSide(file: string): LoadedModule | undefined {
    const cached = sideLoaded.get(file);
    if (cached) return cached;
    const code = sideCode.get(file);
    if (code === undefined) return undefined;
    const module: LoadedModule = { exports: {} };
    sideLoaded.set(file, module);
    const wrapper = `(function (exports, require, module, __filename, __dirname) {\n${code}\n})`;
    const fn = runInThisContext(wrapper, { filename: file }) as (...args: unknown[]) => void;
    const dir = dirname(file);
    fn(module.exports, makeRequire(createRequire(file), dir), module, file, dir);
    return module;
  }

  function dynamicImport(specifier: string): Promise<unknown> {
    if (specifier === "cotangent") {
      return Promise.reject(
        new Error('import("cotangent") is not supported in cells: use import … from "cotangent"'),
      );
    }
    let target = specifier;
    if (specifier.startsWith(".")) target = join(cwd, specifier);
    else if (!specifier.startsWith("node:") && !specifier.startsWith("/")) {
      try {
        target = baseRequire.resolve(specifier);
      } catch {
        target = resolveImportEntry(specifier, cwd) ?? specifier;
      }
    }
    return import(target.startsWith("/") ? pathToFileURL(target).href : target);
  }

  return {
    require: makeRequire(baseRequire, cwd),
    dynamicImport,
    preload,
    update(modules) {
      for (const side of modules) {
        sideCode.set(side.path, side.code);
        sideLoaded.delete(side.path);
      }
    },
  };
}

function isEsModule(module: unknown): module is { default: unknown } {
  return (
    typeof module === "object" &&
    module !== null &&
    "__esModule" in module &&
    Boolean(module.__esModule)
  );
}

/** A default import: the `default` export of an ES module, else the CommonJS exports. */
export function importDefault(module: unknown): unknown {
  return isEsModule(module) ? module.default : module;
}

/** A namespace import: an ES module as is, CommonJS exports with `default` added. */
export function importStar(module: unknown): unknown {
  return isEsModule(module) ? module : { ...(module as object), default: module };
}

/**
 * require(esm) returns the module namespace; give it `__esModule` so a default import picks its
 * `default` export.
 */
function interop(loaded: unknown): unknown {
  if (!types.isModuleNamespaceObject(loaded)) return loaded;
  const namespace = loaded as Record<string, unknown>;
  if ("__esModule" in namespace) return loaded;
  return new Proxy(namespace, {
    get: (target, key) => (key === "__esModule" ? true : (Reflect.get(target, key) as unknown)),
    has: (target, key) => key === "__esModule" || Reflect.has(target, key),
  });
}
