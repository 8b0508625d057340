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
import { CellMapRegistry, cellErrorEvent, strayErrorText } from "./errors.js";
import type { MainRequest } from "./messages.js";
import { createCellModules, importDefault, importStar } from "./modules.js";
import { bundleOf } from "./sink.js";

type RunRequest = Extract<MainRequest, { kind: "run" }>;

/** How many distinct scripts keep their run file name for a re-run. */
const SCRIPTS_KEPT = 256;

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
  /** A cell ended; `reached`: the top-level names it bound before it failed. */
  finished(id: string, status: "ok" | "error", reached?: string[]): void;
  toMimeBundle: (value: unknown) => Record<string, unknown> | undefined;
  /** Called when a cell ends, before its result (ends and flushes its live displays). */
  beforeEnd(status: "ok" | "error" | "interrupted"): void;
  /** Whether a result value is a live display of this cell, now updated (not shown again). */
  refreshed(value: unknown): boolean;
}

export interface CellRunner {
  /** The id of the cell running now, if any. */
  readonly currentId: string | undefined;
  run(request: RunRequest): void;
  /** Drop what the cell still does; answers the top-level names it had bound. */
  abandon(id: string): string[];
  /**
   * Unbind names the last cell bound (it was stopped for memory): each is what it was before
   * that cell, or gone, so the values the cell made can be collected.
   */
  drop(names: readonly string[]): void;
  readonly locals: Record<string, unknown>;
  /**
   * Show a stray error (a timer's throw, an unhandled rejection) on the running cell's stderr,
   * or, when no cell runs, on the next cell's.
   */
  stray(what: string, error: unknown): void;
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
  /** Run file names by script, most recently run last. */
  const scripts = new Map<string, string>();
  /** Stray errors that came while no cell ran, for the next cell. */
  let strays: string[] = [];
  /** The top-level names the latest cell has bound so far (kept if it stops early). */
  let reached: { id: string; names: string[] } = { id: "", names: [] };
  /** What the latest cell's names were bound to before it (undefined: not bound). */
  let before = new Map<string, PropertyDescriptor | undefined>();

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
    if (!before.has(name)) before.set(name, Object.getOwnPropertyDescriptor(locals, name));
    Object.defineProperty(locals, name, { configurable: true, enumerable: true, get, set });
    exposeGlobal(name);
    reached.names.push(name);
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
    const names = status === "error" && reached.id === id ? reached.names : undefined;
    if (!abandoned.has(id)) options.finished(id, status, names);
    abandoned.delete(id);
  }

  function fail(request: RunRequest, error: unknown): void {
    if (abandoned.has(request.id)) return end(request.id, "error");
    options.beforeEnd("error");
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
    const name = request.lastExpressionVar;
    const value = name !== undefined && name in locals ? locals[name] : undefined;
    if (name !== undefined) delete locals[name];
    const shown = value !== undefined && options.refreshed(value);
    options.beforeEnd("ok");
    if (value !== undefined && !shown && !request.silent) {
      options.emit({
        type: "result",
        id: request.id,
        executionCount: request.executionCount,
        data: bundleOf(value, options.toMimeBundle),
        metadata: {},
      });
    }
    end(request.id, "ok");
  }

  /**
   * The run file name of a script: a cell run again unchanged (same script and maps) keeps its
   * name, so V8 reuses its compiled code and the session keeps one entry for it, not one per
   * run; its frames then name the latest run's count.
   */
  function scriptFileName(request: RunRequest): string {
    const key = `${request.prologue}\0${request.code}\0${request.maps?.es ?? ""}`;
    let fileName = scripts.get(key);
    if (fileName !== undefined) scripts.delete(key);
    else {
      runs += 1;
      fileName = `cell-${runs}.js`;
      if (scripts.size >= SCRIPTS_KEPT) scripts.delete(scripts.keys().next().value!);
    }
    scripts.set(key, fileName);
    return fileName;
  }

  function run(request: RunRequest): void {
    currentId = request.id;
    flushStrays(request.id);
    reached = { id: request.id, names: [] };
    before = new Map();
    modules.update(request.sideModules);
    let loading: Promise<void> | undefined;
    try {
      loading = modules.preload(request.packages);
    } catch (error) {
      return fail(request, error);
    }
    if (loading === undefined) return execute(request);
    loading.then(
      () => (abandoned.has(request.id) ? end(request.id, "error") : execute(request)),
      (error: unknown) => fail(request, error),
    );
  }

  function execute(request: RunRequest): void {
    const fileName = scriptFileName(request);
    registry.add(fileName, request.executionCount, request.maps, request.source);
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
    // The cell ends after one more turn of the event loop, so that a rejection it left
    // unhandled (detected once the microtasks ran) is shown as its own.
    if (!request.hasTopLevelAwait) return void setImmediate(() => succeed(request));
    (value as Promise<unknown>).then(
      () => setImmediate(() => succeed(request)),
      (error: unknown) => fail(request, error),
    );
  }

  function stray(what: string, error: unknown): void {
    const text = strayErrorText(what, error, registry, options.runtimeFile);
    if (currentId === undefined) strays.push(text);
    else options.emit({ type: "stream", id: currentId, name: "stderr", text });
  }

  /** The stray errors that came between cells, as the first output of the cell `id`. */
  function flushStrays(id: string): void {
    for (const text of strays) options.emit({ type: "stream", id, name: "stderr", text });
    strays = [];
  }

  return {
    get currentId() {
      return currentId;
    },
    run,
    stray,
    abandon(id) {
      abandoned.add(id);
      if (currentId === id) currentId = undefined;
      return reached.id === id ? [...reached.names] : [];
    },
    drop(names) {
      for (const name of names) {
        const previous = before.get(name);
        if (previous === undefined) delete locals[name];
        else Object.defineProperty(locals, name, previous);
      }
    },
    locals,
  };
}
