/**
 * Runs converted cells on the executor's main thread, in the main V8 context (so typed arrays and
 * classes are the same realm as the bundled runtime).
 *
 * State across cells lives in `locals`: each cell binds its top-level names there as live
 * accessors onto its own variables (`__ct.bind`, see cells/to-script.ts), and the converter turns
 * every use of an earlier cell's name into `exports.name`, which reads `locals`. Shorthand
 * properties (`({ jac })`) keep the bare name, so each earlier name is also a global getter onto
 * `locals` (unless a real global has that name) — the cell's own bindings still shadow it.
 * Modules load from the notebook's folder (modules.ts).
 */
import { runInThisContext } from "node:vm";
import type { ExecutorEvent } from "../protocol.js";
import { CellMapRegistry, cellErrorEvent } from "./errors.js";
import type { MainRequest } from "./messages.js";
import { createCellModules, importDefault, importStar } from "./modules.js";
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

export function createCellRunner(options: RunnerOptions): CellRunner {
  const locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(locals, options.globals);
  const ourGlobals = new Set<string>();
  const registry = new CellMapRegistry();
  const abandoned = new Set<string>();
  const modules = createCellModules(options.cwd, options.runtime);
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

  /** The helpers a cell script calls (see cells/to-script.ts). */
  const helpers = {
    bind,
    i: (specifier: string) => modules.dynamicImport(specifier),
    def: importDefault,
    star: importStar,
  };

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
    modules.update(request.sideModules);
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
      value = fn(exportsProxy, modules.require, helpers);
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
