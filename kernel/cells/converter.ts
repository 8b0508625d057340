/**
 * Cell conversion and type checking on tslab's converter (`tslab/dist/converter`, TypeScript 5.0
 * fork `@tslab/typescript-for-tslab`): cross-cell declarations, top-level await, the last
 * expression, completion and hover.
 *
 * We adjust the converter's compiler options through a proxy of its TypeScript module:
 * - `moduleResolution: bundler` so packages resolve through their `exports` (ESM-only packages
 *   type-check; tslab's Node10 resolution cannot see them);
 * - `paths: { cotangent: [<dist/types/index.d.ts>] }` so `import … from "cotangent"` has the
 *   runtime's types wherever the notebook lives;
 * - inline source maps, plus a source map for the converter's ES→CommonJS step, so errors point
 *   to the cell's own line:column.
 */
import { createRequire } from "node:module";
import type * as TS from "@tslab/typescript-for-tslab";
import type * as TslabConverterNs from "tslab/dist/converter.js";
import type { CellPosition } from "../protocol.js";
import { loadWithCodeCache } from "./code-cache.js";
import { LEAN_NODE_GLOBALS } from "./lean-globals.js";
import { toCellScript } from "./to-script.js";
import type {
  CellMaps,
  CompileDiagnostic,
  ConvertResult,
  SideModule,
} from "../executor/messages.js";

type TslabConverterModule = typeof TslabConverterNs;
type TslabConverter = ReturnType<TslabConverterModule["createConverter"]>;
type TslabDiagnostic = ReturnType<TslabConverter["convert"]>["diagnostics"][number];

export interface CellConverterOptions {
  /** The runtime's declarations, e.g. <repo>/dist/types/index.d.ts. */
  runtimeTypes: string;
}

export interface CompletionResult {
  matches: string[];
  start: number;
  end: number;
  details: { name: string; kind: string }[];
}

export interface CellConverter {
  readonly typescriptVersion: string;
  /** Keep TypeScript's compiled code for the next kernels (call after warming up). */
  saveCodeCache(): void;
  /**
   * Type-check and convert a cell against the declarations kept so far; `declarations` are the
   * ones to keep if the cell runs to the end (see `keep`).
   */
  convert(code: string): { result: ConvertResult; declarations: string | undefined };
  /** Keep the declarations of a converted cell that ran to the end. */
  keep(declarations: string): void;
  complete(code: string, cursor: number): CompletionResult;
  inspect(code: string, cursor: number, detailLevel: 0 | 1): { found: boolean; text: string };
  isComplete(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string };
  diagnose(code: string): CompileDiagnostic[];
}

/** The globals every cell sees besides Node's: the runtime's display and trace. */
function cellGlobals(lean: boolean): string {
  return [
    "declare global {",
    '  const display: typeof import("cotangent").display;',
    '  const trace: typeof import("cotangent").trace;',
    lean ? LEAN_NODE_GLOBALS : "",
    "}",
    "",
  ].join("\n");
}

/** How many conversions are kept for re-run cells. */
const CONVERTED_KEPT = 64;
/** A relative import or require: the cell depends on files that may change. */
const LOCAL_IMPORT = /(?:from|import|require)\s*\(?\s*["']\.{1,2}\//;

const SOURCE_MAP_COMMENT = /^\/\/# sourceMappingURL=.*$/gm;
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/;

/** Load TypeScript and tslab's converter with our compiler options. Takes most of a second. */
export function createCellConverter(options: CellConverterOptions): CellConverter {
  const require = createRequire(__filename);
  const tsPath = require.resolve("@tslab/typescript-for-tslab");
  const loaded = loadWithCodeCache(tsPath);
  const ts = loaded.exports as typeof TS;
  /** Lean: Node's globals from LEAN_NODE_GLOBALS instead of @types/node (see lean-globals.ts). */
  let lean = true;
  const patched = new Proxy(ts, {
    get(target, key, receiver) {
      if (key === "createWatchCompilerHost") return patchedHost(target, options.runtimeTypes, lean);
      // The converter's ES → CommonJS step: we do it ourselves (toCellScript, toCommonJs).
      if (key === "transpileModule") {
        return (input: string): TS.TranspileOutput => ({ outputText: input, diagnostics: [] });
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  // tslab's converter requires TypeScript by name: hand it the patched module.
  require.cache[tsPath] = {
    id: tsPath,
    filename: tsPath,
    loaded: true,
    exports: patched,
  } as NodeJS.Module;
  const tslab = require("tslab/dist/converter") as TslabConverterModule;
  let converter = tslab.createConverter();
  let declarations = "";

  /** Switch to the full @types/node for the rest of the session. */
  function useFullNodeTypes(): void {
    converter.close();
    lean = false;
    converter = tslab.createConverter();
  }

  function convertOnce(code: string): ReturnType<TslabConverter["convert"]> {
    return converter.convert(cellGlobals(lean) + declarations, code);
  }

  /**
   * Conversions of cells that ran before, by Node types, declarations and code: re-running a cell
   * against the same declarations gives the same script. Cells that import local files are not
   * kept (those files may change).
   */
  const converted = new Map<string, { result: ConvertResult; declarations: string }>();

  function convert(code: string): { result: ConvertResult; declarations: string | undefined } {
    const key = `${String(lean)}\0${declarations}\0${code}`;
    const hit = converted.get(key);
    if (hit) return hit;
    const fresh = convertFresh(code);
    if (fresh.result.ok && fresh.declarations !== undefined && !LOCAL_IMPORT.test(code)) {
      if (converted.size >= CONVERTED_KEPT) converted.delete(converted.keys().next().value!);
      converted.set(key, { result: fresh.result, declarations: fresh.declarations });
    }
    return fresh;
  }

  function convertFresh(code: string): { result: ConvertResult; declarations: string | undefined } {
    let out = convertOnce(code);
    if (lean && out.diagnostics.length > 0) {
      useFullNodeTypes();
      out = convertOnce(code);
    }
    const errors = out.diagnostics.map(toDiagnostic).filter((d) => d.severity === "error");
    if (errors.length > 0) return { result: { ok: false, errors }, declarations: undefined };
    const sideModules: SideModule[] = (out.sideOutputs ?? []).map((side) => ({
      path: side.path,
      code: toCommonJs(ts, side.data.replace(SOURCE_MAP_COMMENT, "")),
    }));
    const script =
      out.output === undefined
        ? undefined
        : toCellScript(ts, out.output.replace(SOURCE_MAP_COMMENT, ""));
    const result: ConvertResult = {
      ok: true,
      code: script?.body,
      prologue: script?.prologue ?? "",
      maps: out.output === undefined ? undefined : cellMap(out.output),
      lastExpressionVar: out.lastExpressionVar,
      hasTopLevelAwait: out.hasToplevelAwait === true,
      sideModules,
    };
    return { result, declarations: out.declOutput ?? "" };
  }

  return {
    typescriptVersion: ts.version,
    saveCodeCache: () => loaded.save(),
    convert,
    keep(next) {
      declarations = next;
    },
    complete(code, cursor) {
      const info = converter.complete(cellGlobals(lean) + declarations, code, cursor);
      const kinds = new Map((info.original?.entries ?? []).map((e) => [e.name, String(e.kind)]));
      const details = info.candidates.map((name) => ({ name, kind: kinds.get(name) ?? "" }));
      return { matches: info.candidates, start: info.start, end: info.end, details };
    },
    inspect(code, cursor, detailLevel) {
      const info = converter.inspect(cellGlobals(lean) + declarations, code, cursor) as
        TS.QuickInfo | undefined;
      if (!info) return { found: false, text: "" };
      return { found: true, text: quickInfoText(ts, info, detailLevel) };
    },
    isComplete(code) {
      const result = tslab.isCompleteCode(code);
      if (!result.completed) {
        return {
          status: "incomplete",
          ...(result.indent !== undefined ? { indent: result.indent } : {}),
        };
      }
      return { status: syntaxStatus(ts, code) };
    },
    diagnose(code) {
      const { result } = convert(code);
      return result.ok ? [] : result.errors;
    },
  };
}

/** The converter's watch host, with our module resolution, runtime types and source maps. */
function patchedHost(
  ts: typeof TS,
  runtimeTypes: string,
  lean: boolean,
): typeof TS.createWatchCompilerHost {
  const original = ts.createWatchCompilerHost.bind(ts) as (...args: unknown[]) => unknown;
  return ((rootFiles: string[], compilerOptions: TS.CompilerOptions, ...rest: unknown[]) =>
    original(
      rootFiles,
      {
        ...compilerOptions,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        paths: { cotangent: [runtimeTypes] },
        inlineSourceMap: true,
        ...(lean ? { types: [] } : {}),
      },
      ...rest,
    )) as unknown as typeof TS.createWatchCompilerHost;
}

/** The source map TypeScript inlined into the cell's ES output. */
function cellMap(output: string): CellMaps | undefined {
  const inline = INLINE_MAP.exec(output);
  if (!inline?.[1]) return undefined;
  return { es: Buffer.from(inline[1], "base64").toString("utf8") };
}

/** A local module's ES output as CommonJS (modules are few and cached, unlike cells). */
function toCommonJs(ts: typeof TS, code: string): string {
  return ts.transpileModule(code, {
    fileName: "module.js",
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      newLine: ts.NewLineKind.LineFeed,
    },
  }).outputText;
}

function position(pos: { line: number; character: number }): CellPosition {
  return { line: pos.line + 1, column: pos.character + 1 };
}

function toDiagnostic(d: TslabDiagnostic): CompileDiagnostic {
  const file = d.fileName !== undefined ? { file: d.fileName } : {};
  return {
    message: d.messageText,
    code: d.code,
    start: position(d.start),
    end: position(d.end),
    severity: d.category === 1 ? "error" : "warning",
    ...file,
  };
}

/**
 * A cell tslab's check calls complete may still not parse: a syntax error before the end makes it
 * invalid (more lines cannot fix it), one at the very end incomplete (`const x =`).
 */
function syntaxStatus(ts: typeof TS, code: string): "complete" | "incomplete" | "invalid" {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022);
  const errors = (file as unknown as { parseDiagnostics?: { start?: number }[] }).parseDiagnostics;
  if (!errors || errors.length === 0) return "complete";
  const end = code.trimEnd().length;
  return errors.every((d) => (d.start ?? 0) >= end) ? "incomplete" : "invalid";
}

/** Hover text: the signature or type, then the documentation and JSDoc tags. */
function quickInfoText(ts: typeof TS, info: TS.QuickInfo, detailLevel: 0 | 1): string {
  const signature = ts.displayPartsToString(info.displayParts);
  const docs = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((tag) => {
    const text = ts.displayPartsToString(tag.text);
    return text ? `@${tag.name} ${text}` : `@${tag.name}`;
  });
  const parts = [signature];
  if (docs) parts.push(docs);
  if (tags.length > 0 && (detailLevel === 1 || !docs)) parts.push(tags.join("\n"));
  else if (tags.length > 0) parts.push(tags.filter((t) => t.startsWith("@param")).join("\n"));
  return parts.filter((p) => p !== "").join("\n\n");
}
