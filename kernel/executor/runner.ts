/**
 * Runs converted cells on the executor's main thread, in the main V8 context (so typed arrays and
 * classes are the same realm as the bundled runtime).
 *
 * State across cells lives in `locals`: each cell binds its top-level names there as live
 * accessors onto its own variables (`__ct.bind`, see cells/to-script.ts), and the converter turns
 * every use of an earlier cell's name into `exports.name`, which reads `locals`. Shorthand
 * properties (`({ jac })`) keep the bare name, so each earlier name is also a global getter onto
 * `locals` (unless a real global has that name) — the cell's own bindings still shadow it.
 *
 * `require` resolves from the notebook's folder: "cotangent" is the bundled runtime (the very
 * instance the display sink is installed in), local .ts modules come from the converter, and
 * packages load from node_modules (ESM-only ones through require(esm)).
 */
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { types } from "node:util";
import { runInThisContext } from "node:vm";
import type { ExecutorEvent } from "../protocol.js";
import { CellMapRegistry, cellErrorEvent } from "./errors.js";
import type { MainRequest, SideModule } from "./messages.js";
import { resolveImportEntry } from "./resolve.js";
import { bundleOf } from "./sink.js";

type RunRequest = Extract<MainRequest, { kind: "run" }>;

export interface RunnerOptions {
  /** The notebook's folder: packages and local modules resolve from here. */
  cwd: string;
  /** What `require("cotangent")` returns in cells. */
  runtime: object;
  /**
   * Names every cell sees (display, trace). The converter declares them next to earlier cells'
   * declarations, so cells reach them as `exports.name`: they start in `locals`.
   */
  globals: Record<string, unknown>;
  /** The file of the bundle holding the runtime (for "(cotangent)" frames). */
  runtimeFile: string;
  emit(event: ExecutorEvent): void;
  finished(id: string, status: "ok" | "error"): void;
  toMimeBundle: (value: unknown) => Record<string, unknown> | undefined;
  /** Called when a cell ends, before its result (flushes live displays). */
  beforeEnd(): void;
}

export interface CellRunner {
  /** The id of the cell running now, if any. */
  readonly currentId: string | undefined;
  run(request: RunRequest): void;
  abandon(id: string): void;
  readonly locals: Record<string, unknown>;
}

type LoadedModule = { exports: unknown };

export function createCellRunner(options: RunnerOptions): CellRunner {
  const locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(locals, options.globals);
  const ourGlobals = new Set<string>();
  const registry = new CellMapRegistry();
  const abandoned = new Set<string>();
  const sideCode = new Map<string, string>();
  const sideLoaded = new Map<string, LoadedModule>();
  const baseRequire = createRequire(join(options.cwd, "__cell__.js"));
  let currentId: string | undefined;
  let runs = 0;

  function exposeGlobal(name: string): void {
    if (ourGlobals.has(name) || name in globalThis) return;
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get: () => locals[name],
      set: (value: unknown) => {
        locals[name] = value;
      },
    });
    ourGlobals.add(name);
  }

  /** Bind a cell's top-level name into the state as a live accessor onto the cell's variable. */
  function bind(name: string, get: () => unknown, set: (value: unknown) => void): void {
    Object.defineProperty(locals, name, { configurable: true, enumerable: true, get, set });
    exposeGlobal(name);
  }

  /** What cells see as `exports`: earlier cells' names (the converter writes `exports.x`). */
  const exportsProxy = new Proxy(locals, {
    // Names the checker declares next to earlier cells (the lean Node globals) are real globals.
    get(target, prop) {
      if (typeof prop === "string" && !(prop in target)) {
        return (globalThis as Record<string, unknown>)[prop];
      }
      return Reflect.get(target, prop) as unknown;
    },
    set(target, prop, value) {
      if (typeof prop !== "string") return false;
      const own = Object.getOwnPropertyDescriptor(target, prop);
      if (own?.set) own.set(value);
      else {
        target[prop] = value;
        exposeGlobal(prop);
      }
      return true;
    },
  });

  /** `import(…)` in a cell (`__ct.i`): resolved from the notebook's folder like a static import. */
  function dynamicImport(specifier: string): Promise<unknown> {
    if (specifier === "cotangent") {
      return Promise.reject(
        new Error('import("cotangent") is not supported in cells: use import … from "cotangent"'),
      );
    }
    let target = specifier;
    if (specifier.startsWith(".")) target = join(options.cwd, specifier);
    else if (!specifier.startsWith("node:") && !specifier.startsWith("/")) {
      try {
        target = baseRequire.resolve(specifier);
      } catch {
        target = resolveImportEntry(specifier, options.cwd) ?? specifier;
      }
    }
    return import(target.startsWith("/") ? pathToFileURL(target).href : target);
  }

  /** The helpers a cell script calls (see cells/to-script.ts). */
  const helpers = {
    bind,
    i: dynamicImport,
    def: (module: unknown): unknown => (isEsModule(module) ? module.default : module),
    star: (module: unknown): unknown =>
      isEsModule(module) ? module : { ...(module as object), default: module },
  };

  const cellRequire = makeRequire(baseRequire, options.cwd);

  function makeRequire(base: NodeJS.Require, fromDir: string): (id: string) => unknown {
    return (id: string): unknown => {
      if (id === "cotangent") return options.runtime;
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
    const fn = runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {\n${code}\n})`,
      {
        filename: file,
      },
    ) as (...args: unknown[]) => void;
    const dir = dirname(file);
    fn(module.exports, makeRequire(createRequire(file), dir), module, file, dir);
    return module;
  }

  function updateSideModules(modules: SideModule[]): void {
    for (const side of modules) {
      sideCode.set(side.path, side.code);
      sideLoaded.delete(side.path);
    }
  }

  function end(id: string, status: "ok" | "error"): void {
    if (currentId === id) currentId = undefined;
    if (!abandoned.has(id)) options.finished(id, status);
    abandoned.delete(id);
  }

  function fail(request: RunRequest, error: unknown): void {
    if (abandoned.has(request.id)) return end(request.id, "error");
    options.beforeEnd();
    const event = cellErrorEvent(
      request.id,
      error,
      registry,
      request.executionCount,
      options.runtimeFile,
    );
    options.emit(event);
    end(request.id, "error");
  }

  function succeed(request: RunRequest): void {
    if (abandoned.has(request.id)) return end(request.id, "ok");
    options.beforeEnd();
    const name = request.lastExpressionVar;
    if (name !== undefined && name in locals) {
      const value = locals[name];
      delete locals[name];
      if (value !== undefined && !request.silent) {
        options.emit({
          type: "result",
          id: request.id,
          executionCount: request.executionCount,
          data: bundleOf(value, options.toMimeBundle),
          metadata: {},
        });
      }
    }
    end(request.id, "ok");
  }

  function run(request: RunRequest): void {
    currentId = request.id;
    updateSideModules(request.sideModules);
    runs += 1;
    const fileName = `cell-${runs}.js`;
    registry.add(fileName, request.executionCount, request.maps);
    const kind = request.hasTopLevelAwait ? "async function" : "function";
    const header = `(${kind} (exports, require, __ct) {${request.prologue}`;
    let value: unknown;
    try {
      const fn = runInThisContext(`${header}\n${request.code}\n})`, {
        filename: fileName,
      }) as (exports: unknown, require: unknown, helpers: unknown) => unknown;
      value = fn(exportsProxy, cellRequire, helpers);
    } catch (error) {
      return fail(request, error);
    }
    if (!request.hasTopLevelAwait) return succeed(request);
    (value as Promise<unknown>).then(
      () => succeed(request),
      (error: unknown) => fail(request, error),
    );
  }

  return {
    get currentId() {
      return currentId;
    },
    run,
    abandon(id) {
      abandoned.add(id);
      if (currentId === id) currentId = undefined;
    },
    locals,
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

/**
 * require(esm) returns the module namespace; give it `__esModule` so the converter's default
 * import interop (`__importDefault`) picks its `default` export.
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
