/**
 * The TypeScript language service cells are checked with (TypeScript 5.9, the `typescript`
 * package). Three files live in memory, next to the notebook's folder:
 * - the globals every cell sees (`display`, `trace`, and a lean set of Node's globals until a cell
 *   needs the full @types/node — see lean-globals.ts);
 * - the declarations kept from earlier cells (a .d.ts module);
 * - the cell itself, as a module.
 * Everything else comes from disk. Files under node_modules, TypeScript's own lib files and the
 * runtime's declarations are read once and never change for the session; other files (local
 * modules the cell imports) are versioned by their modification time, so an edit is seen by the
 * next cell. One long-lived service means each cell builds a new program that reuses every
 * unchanged file, with no builder state to recompute.
 *
 * The cell reaches earlier cells' declarations by name because its source file's `parent` is
 * set to the declarations file: the checker's name lookup walks from the cell's scope into the
 * declarations' scope. Each cell can thus redeclare an earlier name (its own scope comes first),
 * which a single global scope would reject.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { LEAN_NODE_GLOBALS } from "./lean-globals.js";

/** Every in-memory file starts with this line, which makes it a module. */
export const MODULE_PREFIX = "export {};\n";

export interface CellFiles {
  globals: string;
  declarations: string;
  cell: string;
  /** The folder emitted JavaScript is written to (in memory, never on disk). */
  outDir: string;
}

export interface ServiceOptions {
  /** The notebook's folder: relative imports and packages resolve from here. */
  cwd: string;
  /** The runtime's declarations, e.g. <repo>/dist/types/index.d.ts. */
  runtimeTypes: string;
  /** The folder holding @types/node (its parent is used as a type root). */
  nodeTypes: string | undefined;
}

export interface CellProgram {
  program: TS.Program;
  checker: TS.TypeChecker;
  cell: TS.SourceFile;
  declarations: TS.SourceFile;
  globals: TS.SourceFile;
}

export interface CellService {
  readonly files: CellFiles;
  readonly service: TS.LanguageService;
  /** Lean Node globals (true) or the full @types/node (false). */
  readonly lean: boolean;
  /** Switch between the lean Node globals and the full @types/node (when it can be found). */
  useLeanNodeTypes(lean: boolean): void;
  /** Put the declarations and the cell (texts without MODULE_PREFIX) and build the program. */
  update(declarations: string, cell: string): CellProgram;
  /** The version of a file on disk that may change (see the module comment). */
  versionOf(fileName: string): string;
}

/** The globals every cell sees besides Node's: the runtime's display and trace, and input. */
function globalsText(lean: boolean): string {
  return [
    MODULE_PREFIX + "declare global {",
    '  const display: typeof import("cotangent").display;',
    '  const trace: typeof import("cotangent").trace;',
    "  /**",
    "   * Ask the notebook's user for a line of text: VS Code shows an input box, Jupyter front ends",
    "   * their stdin prompt. Throws an InputError when the front end cannot ask or the user cancels.",
    "   */",
    "  const input: (prompt?: string, options?: { password?: boolean }) => Promise<string>;",
    lean ? LEAN_NODE_GLOBALS : "",
    "}",
    "",
  ].join("\n");
}

function compilerOptions(
  ts: typeof TS,
  options: ServiceOptions,
  files: CellFiles,
  lean: boolean,
): TS.CompilerOptions {
  const nodeTypes = !lean && options.nodeTypes !== undefined ? options.nodeTypes : undefined;
  return {
    module: ts.ModuleKind.ESNext,
    // Packages resolve through their `exports`, so ESM-only packages type-check.
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    inlineSourceMap: true,
    newLine: ts.NewLineKind.LineFeed,
    esModuleInterop: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    allowJs: true,
    skipLibCheck: true,
    jsx: ts.JsxEmit.React,
    rootDir: options.cwd,
    outDir: files.outDir,
    paths: { cotangent: [options.runtimeTypes] },
    types: nodeTypes === undefined ? [] : ["node"],
    ...(nodeTypes === undefined ? {} : { typeRoots: [dirname(nodeTypes)] }),
  };
}

/** Files that never change while the kernel runs: packages, TypeScript's libs, the runtime. */
function isFixed(fileName: string, fixedDirs: string[]): boolean {
  return fileName.includes("/node_modules/") || fixedDirs.some((d) => fileName.startsWith(d));
}

/**
 * A document registry that keeps every parsed file: switching between the lean and the full
 * Node typings then reuses the parsed @types/node instead of parsing it again.
 */
function keepingRegistry(ts: typeof TS, cwd: string): TS.DocumentRegistry {
  const registry = ts.createDocumentRegistry(true, cwd);
  return { ...registry, releaseDocument: () => undefined, releaseDocumentWithKey: () => undefined };
}

export function createCellService(ts: typeof TS, options: ServiceOptions): CellService {
  const { cwd } = options;
  const files: CellFiles = {
    globals: join(cwd, "__cotangent_globals__.d.ts"),
    declarations: join(cwd, "__cotangent_declarations__.d.ts"),
    cell: join(cwd, "__cotangent_cell__.ts"),
    outDir: join(cwd, "__cotangent_out__"),
  };
  const fixedDirs = [dirname(ts.getDefaultLibFilePath({})), dirname(options.runtimeTypes)];
  let lean = true;
  const memory = new Map<string, { text: string; version: number }>([
    [files.globals, { text: globalsText(true), version: 1 }],
    [files.declarations, { text: MODULE_PREFIX, version: 1 }],
    [files.cell, { text: MODULE_PREFIX, version: 1 }],
  ]);
  const snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot }>();
  let settings = compilerOptions(ts, options, files, lean);

  function versionOf(fileName: string): string {
    const inMemory = memory.get(fileName);
    if (inMemory) return String(inMemory.version);
    if (isFixed(fileName, fixedDirs)) return "fixed";
    try {
      const stat = statSync(fileName);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return "missing";
    }
  }

  function snapshotOf(fileName: string): TS.IScriptSnapshot | undefined {
    const inMemory = memory.get(fileName);
    if (inMemory) return ts.ScriptSnapshot.fromString(inMemory.text);
    const version = versionOf(fileName);
    const known = snapshots.get(fileName);
    if (known && known.version === version) return known.snapshot;
    const text = ts.sys.readFile(fileName);
    if (text === undefined) return undefined;
    const snapshot = ts.ScriptSnapshot.fromString(text);
    snapshots.set(fileName, { version, snapshot });
    return snapshot;
  }

  const host: TS.LanguageServiceHost = {
    getCompilationSettings: () => settings,
    getScriptFileNames: () => [files.globals, files.declarations, files.cell],
    getScriptVersion: versionOf,
    getScriptSnapshot: snapshotOf,
    getCurrentDirectory: () => cwd,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => memory.has(f) || ts.sys.fileExists(f),
    readFile: (f, encoding) => memory.get(f)?.text ?? ts.sys.readFile(f, encoding),
    readDirectory: (...args) => ts.sys.readDirectory(...args),
    directoryExists: (d) => ts.sys.directoryExists(d),
    getDirectories: (d) => ts.sys.getDirectories(d),
    realpath: (p) => (ts.sys.realpath ? ts.sys.realpath(p) : p),
    useCaseSensitiveFileNames: () => true,
  };
  const service = ts.createLanguageService(host, keepingRegistry(ts, cwd));

  function put(fileName: string, text: string): void {
    const entry = memory.get(fileName)!;
    if (entry.text === text) return;
    entry.text = text;
    entry.version += 1;
  }

  function update(declarations: string, cell: string): CellProgram {
    put(files.declarations, MODULE_PREFIX + declarations);
    put(files.cell, MODULE_PREFIX + cell);
    const program = service.getProgram();
    const cellFile = program?.getSourceFile(files.cell);
    const declarationsFile = program?.getSourceFile(files.declarations);
    const globalsFile = program?.getSourceFile(files.globals);
    if (!program || !cellFile || !declarationsFile || !globalsFile) {
      throw new Error("the cell's program could not be built");
    }
    // The cell's scope continues in the earlier cells' declarations (see the module comment).
    (cellFile as { parent?: TS.Node }).parent = declarationsFile;
    return {
      program,
      checker: program.getTypeChecker(),
      cell: cellFile,
      declarations: declarationsFile,
      globals: globalsFile,
    };
  }

  return {
    files,
    service,
    get lean() {
      return lean;
    },
    useLeanNodeTypes(next) {
      if (next === lean || (!next && options.nodeTypes === undefined)) return;
      lean = next;
      settings = compilerOptions(ts, options, files, lean);
      put(files.globals, globalsText(lean));
    },
    update,
    versionOf,
  };
}
