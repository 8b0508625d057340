/**
 * Cell conversion and type checking on TypeScript 5.9 (the `typescript` package), modelled on
 * tslab's converter but built on one long-lived language service (service.ts):
 * - each cell is a module whose scope continues in the declarations kept from earlier cells;
 * - its top-level names are exported (`export { … }` appended, found by parsing the cell), so
 *   one program per cell gives the diagnostics, the JavaScript and the declarations to keep;
 * - the JavaScript reads earlier names from the kernel's state and stores the last expression
 *   (transform.ts), and becomes a function body (to-script.ts);
 * - local .ts/.js modules the cell imports are emitted as CommonJS when they change.
 * `import … from "cotangent"` resolves to the runtime's declarations wherever the notebook lives;
 * packages resolve through their `exports` (bundler resolution), so ESM-only packages check.
 */
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type * as TS from "typescript";
import type { CellPosition } from "../protocol.js";
import { loadWithCodeCache } from "./code-cache.js";
import { earlierDeclarations, exportList, topLevelNames, typeOnlyNames } from "./declarations.js";
import {
  completeness,
  quickInfoText,
  rankCompletions,
  type CompleteStatus,
  type CompletionResult,
} from "./editing.js";
import { MODULE_PREFIX, createCellService, type CellProgram, type CellService } from "./service.js";
import { toCellScript } from "./to-script.js";
import { cellTransform, hasTopLevelAwait } from "./transform.js";
import type {
  CellMaps,
  CompileDiagnostic,
  ConvertResult,
  SideModule,
} from "../executor/messages.js";

export type { CompletionResult } from "./editing.js";

export interface CellConverterOptions {
  /** The runtime's declarations, e.g. <repo>/dist/types/index.d.ts. */
  runtimeTypes: string;
  /** The notebook's folder (default: the process's working directory). */
  cwd?: string;
}

export interface CellConverter {
  readonly typescriptVersion: string;
  /** Keep TypeScript's compiled code for the next kernels (call after warming up). */
  saveCodeCache(): void;
  /**
   * Type-check and convert a cell against the declarations kept so far; `declarations` are the
   * ones to keep if the cell runs to the end (see `keep`).
   */
  convert(code: string): Converted;
  /** Keep the declarations of a converted cell that ran to the end. */
  keep(declarations: string): void;
  /**
   * Keep the declarations of a cell that stopped early: those of the top-level names it bound
   * (`reached`) and its types; the names it never reached keep their earlier meaning.
   */
  keepReached(code: string, reached: ReadonlySet<string>): void;
  /**
   * Check and emit `code` against the kept declarations and forget it (warms TypeScript up):
   * nothing is cached or kept, and the Node typings stay as they are.
   */
  warm(code: string): void;
  /**
   * Whether a conversion stays valid until the declarations change: it checked, keeps the
   * declarations as they are and imports no local file (which may change).
   */
  reusable(code: string, converted: Converted): boolean;
  complete(code: string, cursor: number): CompletionResult;
  inspect(code: string, cursor: number, detailLevel: 0 | 1): { found: boolean; text: string };
  isComplete(code: string): CompleteStatus;
  diagnose(code: string): CompileDiagnostic[];
}

/** How many conversions are kept for re-run cells. */
const CONVERTED_KEPT = 64;
/** A relative import or require: the cell depends on files that may change. */
const LOCAL_IMPORT = /(?:from|import|require)\s*\(?\s*["']\.{1,2}\//;
const SOURCE_MAP_COMMENT = /^\/\/# sourceMappingURL=.*$/gm;
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/;

/** The folder of @types/node the kernel ships with, if it can be found. */
function nodeTypesDir(require: NodeJS.Require): string | undefined {
  try {
    return dirname(require.resolve("@types/node/package.json"));
  } catch {
    return undefined;
  }
}

/** Load TypeScript (with a code cache) and start the language service. */
export function createCellConverter(options: CellConverterOptions): CellConverter {
  const require = createRequire(__filename);
  const loaded = loadWithCodeCache(require.resolve("typescript"));
  const ts = loaded.exports as typeof TS;
  const cwd = options.cwd ?? process.cwd();
  const service = createCellService(ts, {
    cwd,
    runtimeTypes: options.runtimeTypes,
    nodeTypes: nodeTypesDir(require),
  });
  const emitter = createEmitter(ts, service, cwd);
  let declarations = "";

  /**
   * Conversions of cells that ran before, by Node types, declarations and code: re-running a cell
   * against the same declarations gives the same script. Cells that import local files are not
   * kept (those files may change).
   */
  const converted = new Map<string, { result: ConvertResult; declarations: string }>();

  function convert(code: string): Converted {
    const key = `${String(service.lean)}\0${declarations}\0${code}`;
    const hit = converted.get(key);
    if (hit) return hit;
    let fresh = emitter.convert(declarations, code);
    if (service.lean && !fresh.result.ok) fresh = withNodeTypes(code, fresh);
    if (fresh.result.ok && fresh.declarations !== undefined && !LOCAL_IMPORT.test(code)) {
      if (converted.size >= CONVERTED_KEPT) converted.delete(converted.keys().next().value!);
      converted.set(key, { result: fresh.result, declarations: fresh.declarations });
    }
    return fresh;
  }

  /**
   * A cell that fails against the lean Node globals is checked against the full @types/node,
   * so what a cell may do never depends on the lean set. The full typings stay if they make the
   * cell check (it uses Node); if the cell fails either way, the kernel goes back to the lean
   * globals, which keep later cells quicker to check.
   */
  function withNodeTypes(code: string, lean: Converted): Converted {
    service.useLeanNodeTypes(false);
    if (service.lean) return lean;
    const full = emitter.convert(declarations, code);
    if (!full.result.ok) service.useLeanNodeTypes(true);
    return full;
  }

  /** The cell's program for an editor request (the cell as typed, no export list). */
  function editorProgram(code: string): CellProgram {
    return service.update(declarations, code);
  }

  return {
    typescriptVersion: ts.version,
    saveCodeCache: () => loaded.save(),
    convert,
    keep(next) {
      declarations = next;
    },
    keepReached(code, reached) {
      declarations = emitter.declarationsReached(declarations, code, reached);
    },
    warm(code) {
      emitter.convert(declarations, code);
    },
    reusable: (code, { result, declarations: next }) =>
      result.ok && next === declarations && !LOCAL_IMPORT.test(code),
    complete(code, cursor) {
      const { cell } = editorProgram(code);
      const position = cursor + MODULE_PREFIX.length;
      const info = service.service.getCompletionsAtPosition(service.files.cell, position, {});
      return rankCompletions(ts, info, cell, position, MODULE_PREFIX.length);
    },
    inspect(code, cursor, detailLevel) {
      editorProgram(code);
      const position = cursor + MODULE_PREFIX.length;
      const info = service.service.getQuickInfoAtPosition(service.files.cell, position);
      if (!info) return { found: false, text: "" };
      return { found: true, text: quickInfoText(ts, info, detailLevel) };
    },
    isComplete: (code) => completeness(ts, code),
    diagnose(code) {
      const { result } = convert(code);
      return result.ok ? [] : result.errors;
    },
  };
}

export interface Converted {
  result: ConvertResult;
  /** The declarations to keep once the cell has run (undefined when it cannot run). */
  declarations: string | undefined;
}

interface Emitter {
  convert(declarations: string, code: string): Converted;
  /** The declarations after a cell that bound only the names in `reached` (see keepReached). */
  declarationsReached(declarations: string, code: string, reached: ReadonlySet<string>): string;
}

/** Checks a cell and emits its script, its declarations and the local modules it needs. */
function createEmitter(ts: typeof TS, service: CellService, cwd: string): Emitter {
  const localModules = createLocalModules(ts, service, cwd);

  function convert(declarations: string, code: string): Converted {
    const parsed = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022);
    // A cell with a syntax error is checked as written: the appended export list must not take
    // part in it (`x.` on the last line would otherwise read `x.export`). It cannot run anyway.
    if (hasSyntaxErrors(parsed)) {
      const written = service.update(declarations, code);
      const errors = diagnosticsOf(ts, written.program, written.cell, undefined);
      return { result: { ok: false, errors }, declarations: undefined };
    }
    const names = topLevelNames(ts, parsed);
    const cell = service.update(declarations, code + exportList(names));
    const errors = [
      ...diagnosticsOf(ts, cell.program, cell.cell, undefined, !hasNoCheck(ts, code)),
      ...localModules.diagnostics(cell.program),
    ];
    if (errors.length > 0) return { result: { ok: false, errors }, declarations: undefined };
    const stateFiles = new Set([cell.declarations, cell.globals]);
    const transform = cellTransform(ts, {
      checker: cell.checker,
      stateFiles,
      taken: names,
      cell: cell.cell,
    });
    let js: string | undefined;
    let dts = "";
    cell.program.emit(
      cell.cell,
      (fileName, text) => {
        if (fileName.endsWith(".d.ts")) dts = text;
        else if (fileName.endsWith(".js")) js = text;
      },
      undefined,
      false,
      transform.transformers,
    );
    const script = js === undefined ? undefined : toCellScript(ts, stripMap(js));
    const result: ConvertResult = {
      ok: true,
      code: script?.body,
      prologue: script?.prologue ?? "",
      packages: script?.packages ?? [],
      maps: js === undefined ? undefined : cellMap(js),
      lastExpressionVar: transform.lastExpression(),
      hasTopLevelAwait: hasTopLevelAwait(ts, cell.cell),
      sideModules: localModules.emit(cell.program),
    };
    // A cell that declares nothing leaves the earlier declarations as they are (and walking
    // them, thousands in a long session, would cost every such cell).
    const own = ownDeclarations(dts);
    const kept =
      own === "" && names.size === 0
        ? declarations
        : own + earlierDeclarations(ts, cell.checker, cell.declarations, cell.cell);
    return { result, declarations: kept };
  }

  function declarationsReached(
    declarations: string,
    code: string,
    reached: ReadonlySet<string>,
  ): string {
    const parsed = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022);
    const types = typeOnlyNames(ts, parsed);
    const kept = [...topLevelNames(ts, parsed)].filter((n) => reached.has(n) || types.has(n));
    const cell = service.update(declarations, code + exportList(kept));
    let dts = "";
    const write = (fileName: string, text: string): void => {
      if (fileName.endsWith(".d.ts")) dts = text;
    };
    cell.program.emit(cell.cell, write, undefined, true, transformersOnlyDeclarations(ts));
    const shadowing = new Set(kept);
    return (
      ownDeclarations(dts) +
      earlierDeclarations(ts, cell.checker, cell.declarations, cell.cell, shadowing)
    );
  }

  return { convert, declarationsReached };
}

/** Drops the `export { … }` list from a cell's declaration output (as cellTransform does). */
function transformersOnlyDeclarations(ts: typeof TS): TS.CustomTransformers {
  const afterDeclarations: TS.TransformerFactory<TS.SourceFile | TS.Bundle> = () => (node) => {
    if (!ts.isSourceFile(node)) return node;
    const kept = node.statements.filter((s) => !ts.isExportDeclaration(s));
    return ts.factory.updateSourceFile(node, kept);
  };
  return { afterDeclarations: [afterDeclarations] };
}

/** The cell's declaration output without the converter's first line. */
function ownDeclarations(dts: string): string {
  const body = dts.startsWith(MODULE_PREFIX) ? dts.slice(MODULE_PREFIX.length) : dts;
  return body.replace(/^export \{\};\n/m, "");
}

function stripMap(js: string): string {
  return js.replace(SOURCE_MAP_COMMENT, "");
}

/** The source map TypeScript inlined into the cell's JavaScript. */
function cellMap(output: string): CellMaps | undefined {
  const inline = INLINE_MAP.exec(output);
  if (!inline?.[1]) return undefined;
  return { es: Buffer.from(inline[1], "base64").toString("utf8") };
}

/**
 * Local modules (files of the notebook's folder, outside node_modules): their diagnostics, and
 * their JavaScript as CommonJS, each emitted again only when the file changed.
 */
function createLocalModules(ts: typeof TS, service: CellService, cwd: string) {
  const emitted = new Map<string, string>();
  let checked: { key: string; errors: CompileDiagnostic[] } | undefined;
  const { files } = service;
  const ours = new Set([files.cell, files.declarations, files.globals]);

  function localFiles(program: TS.Program): TS.SourceFile[] {
    return program
      .getSourceFiles()
      .filter(
        (f) =>
          !f.isDeclarationFile &&
          !ours.has(f.fileName) &&
          !program.isSourceFileFromExternalLibrary(f) &&
          !f.fileName.includes("/node_modules/"),
      );
  }

  return {
    diagnostics(program: TS.Program): CompileDiagnostic[] {
      const local = localFiles(program);
      const key = local.map((f) => `${f.fileName}@${service.versionOf(f.fileName)}`).join("\n");
      if (checked?.key === key) return checked.errors;
      const errors = local.flatMap((f) => diagnosticsOf(ts, program, f, relative(cwd, f.fileName)));
      checked = { key, errors };
      return errors;
    },
    emit(program: TS.Program): SideModule[] {
      const out: SideModule[] = [];
      for (const file of localFiles(program)) {
        const version = service.versionOf(file.fileName);
        if (emitted.get(file.fileName) === version) continue;
        emitted.set(file.fileName, version);
        program.emit(file, (fileName, text) => {
          if (!fileName.endsWith(".js")) return;
          const path = join(cwd, relative(files.outDir, fileName));
          out.push({ path, code: toCommonJs(ts, stripMap(text)) });
        });
      }
      return out.sort((a, b) => a.path.localeCompare(b.path));
    },
  };
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

/** What to write instead, for errors whose TypeScript message does not say it in a cell. */
const HINTS: Record<number, string> = {
  1202:
    ' In a cell, write `import x from "…"` (or `import * as x from "…"`) for a CommonJS ' +
    'package, or `const x = require("…")`.',
};

/** Whether the cell as written does not parse. */
function hasSyntaxErrors(parsed: TS.SourceFile): boolean {
  const found = (parsed as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics;
  return (found?.length ?? 0) > 0;
}

/**
 * Whether the cell opens with `// @ts-nocheck` (TypeScript honours it only at the top of a file,
 * and the cell's file starts with the converter's own line): then only syntax errors count.
 */
function hasNoCheck(ts: typeof TS, code: string): boolean {
  const comments = ts.getLeadingCommentRanges(code, 0) ?? [];
  return comments.some((c) => /^\/\/\s*@ts-nocheck\b/.test(code.slice(c.pos, c.end)));
}

/**
 * Errors of one file as cell positions: in the cell, lines count from the cell's first line (the
 * converter's own first line is skipped); `file` names a local module instead.
 */
function diagnosticsOf(
  ts: typeof TS,
  program: TS.Program,
  file: TS.SourceFile,
  name: string | undefined,
  semantic = true,
): CompileDiagnostic[] {
  const all = [
    ...program.getSyntacticDiagnostics(file),
    ...(semantic ? program.getSemanticDiagnostics(file) : []),
  ];
  const lineShift = name === undefined ? 1 : 0;
  const at = (offset: number): CellPosition => {
    const { line, character } = file.getLineAndCharacterOfPosition(offset);
    return { line: Math.max(1, line + 1 - lineShift), column: character + 1 };
  };
  return all
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => ({
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n") + (HINTS[d.code] ?? ""),
      code: d.code,
      start: at(d.start ?? 0),
      end: at((d.start ?? 0) + (d.length ?? 0)),
      severity: "error" as const,
      ...(name !== undefined ? { file: name } : {}),
    }));
}
