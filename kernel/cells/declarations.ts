/**
 * The declarations a notebook keeps across cells: a .d.ts module that grows as cells run.
 *
 * After a cell, the kept declarations are the cell's own (its declaration output, every top-level
 * name exported for it by `exportList`) followed by the earlier declarations the cell did not
 * shadow (`earlierDeclarations`). A name has two meanings, value and type; a cell that declares
 * `const Point` shadows the value of an earlier `class Point` but a type alias `Point` would
 * survive it. What cannot be kept exactly is kept loosely: a class whose type was shadowed but
 * whose value was not stays as a value of type `any`.
 */
import type * as TS from "typescript";

/** The top-level names a cell declares without `export` (those the converter exports for it). */
export function topLevelNames(ts: typeof TS, file: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) statementNames(ts, statement, names);
  return names;
}

/** The names one top-level statement declares without `export`, added to `names`. */
function statementNames(ts: typeof TS, statement: TS.Statement, names: Set<string>): void {
  const bindings = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else {
      for (const element of name.elements) {
        if (!ts.isOmittedExpression(element)) bindings(element.name);
      }
    }
  };
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  if (modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) bindings(declaration.name);
  } else if (
    (ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      ts.isModuleDeclaration(statement)) &&
    statement.name !== undefined &&
    ts.isIdentifier(statement.name)
  ) {
    names.add(statement.name.text);
  } else if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name) names.add(clause.name.text);
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) names.add(named.name.text);
    else if (named) for (const element of named.elements) names.add(element.name.text);
  }
}

/**
 * The top-level names a cell declares that have no run-time binding (interfaces, type aliases,
 * `declare` statements, type-only imports): they hold even if the cell stopped early.
 */
export function typeOnlyNames(ts: typeof TS, file: TS.SourceFile): Set<string> {
  const types = new Set<string>();
  for (const statement of file.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const ambient = modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) === true;
    const typeImport =
      ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true;
    const typeDeclaration =
      ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
    if (ambient || typeImport || typeDeclaration) statementNames(ts, statement, types);
  }
  return types;
}

/** The line appended to a cell so its declarations are emitted: `export { a, b };`. */
export function exportList(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "" : `\nexport { ${list.join(", ")} };`;
}

interface Meanings {
  value: boolean;
  type: boolean;
}

function localsOf(ts: typeof TS, file: TS.SourceFile): Map<string, TS.Symbol> {
  const out = new Map<string, TS.Symbol>();
  const locals = (file as { locals?: Map<TS.__String, TS.Symbol> }).locals;
  locals?.forEach((symbol, key) => out.set(ts.unescapeLeadingUnderscores(key), symbol));
  return out;
}

/** Which meanings of an earlier name survive the cell's own declaration of it. */
function surviving(
  ts: typeof TS,
  checker: TS.TypeChecker,
  shadow: TS.Symbol | undefined,
): Meanings {
  if (!shadow) return { value: true, type: true };
  const target = shadow.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(shadow) : shadow;
  return {
    value: (target.flags & ts.SymbolFlags.Value) === 0,
    type: (target.flags & ts.SymbolFlags.Type) === 0,
  };
}

/** The top-level statement of the declarations file a declaration belongs to. */
function statementOf(declaration: TS.Node, file: TS.SourceFile): TS.Node {
  let node = declaration;
  while (node.parent !== file) node = node.parent;
  return node;
}

interface Kept {
  /** Names kept, by statement of the earlier declarations. */
  names: Map<TS.Node, Set<string>>;
  /** Names kept as `any` values. */
  loose: Set<string>;
}

/** What becomes of one earlier declaration, given which meanings of its name survive. */
function keepDeclaration(
  ts: typeof TS,
  checker: TS.TypeChecker,
  symbol: TS.Symbol,
  statement: TS.Node,
  keep: Meanings,
): "keep" | "drop" | "loose" {
  if (ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement)) {
    return keep.value ? "keep" : "drop";
  }
  if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
    return keep.type ? "keep" : "drop";
  }
  if (
    ts.isClassDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement)
  ) {
    if (keep.type && keep.value) return "keep";
    return keep.value ? "loose" : "drop";
  }
  if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) {
    if (keep.type && keep.value) return "keep";
    const target = checker.getAliasedSymbol(symbol);
    const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
    const isType = (target.flags & ts.SymbolFlags.Type) !== 0;
    if (keep.type) return isValue ? "drop" : "keep";
    if (isType) return isValue ? "loose" : "drop";
    return "keep";
  }
  return "drop";
}

function collectKept(
  ts: typeof TS,
  checker: TS.TypeChecker,
  earlier: TS.SourceFile,
  cell: TS.SourceFile,
  shadowing: ReadonlySet<string> | undefined,
): Kept {
  const shadows = localsOf(ts, cell);
  if (shadowing) for (const name of shadows.keys()) if (!shadowing.has(name)) shadows.delete(name);
  const kept: Kept = { names: new Map(), loose: new Set() };
  const values = new Set<string>();
  for (const [name, symbol] of localsOf(ts, earlier)) {
    const keep = surviving(ts, checker, shadows.get(name));
    if (!keep.value && !keep.type) continue;
    for (const declaration of symbol.declarations ?? []) {
      const statement = statementOf(declaration, earlier);
      const verdict = keepDeclaration(ts, checker, symbol, statement, keep);
      if (verdict === "keep") {
        const set = kept.names.get(statement) ?? new Set<string>();
        set.add(name);
        kept.names.set(statement, set);
        if (ts.isVariableStatement(statement)) values.add(name);
      } else if (verdict === "loose") {
        kept.loose.add(name);
      }
    }
  }
  for (const name of values) kept.loose.delete(name);
  return kept;
}

/** An import declaration reduced to the names kept from it. */
function importText(ts: typeof TS, statement: TS.ImportDeclaration, names: Set<string>): string {
  const clause = statement.importClause;
  const from = statement.moduleSpecifier.getText();
  if (!clause) return "";
  const typeOnly = clause.isTypeOnly ? "type " : "";
  const parts: string[] = [];
  if (clause.name && names.has(clause.name.text)) parts.push(clause.name.text);
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) {
    if (names.has(named.name.text)) parts.push(`* as ${named.name.text}`);
  } else if (named) {
    const elements = named.elements
      .filter((e) => names.has(e.name.text))
      .map((e) => {
        const prefix = e.isTypeOnly ? "type " : "";
        return e.propertyName
          ? `${prefix}${e.propertyName.getText()} as ${e.name.text}`
          : prefix + e.name.text;
      });
    if (elements.length > 0) parts.push(`{ ${elements.join(", ")} }`);
  }
  return parts.length === 0 ? "" : `import ${typeOnly}${parts.join(", ")} from ${from};`;
}

/** A variable statement reduced to the declarators kept from it. */
function variableText(
  ts: typeof TS,
  printer: TS.Printer,
  statement: TS.VariableStatement,
  names: Set<string>,
  file: TS.SourceFile,
): string {
  const all = statement.declarationList.declarations;
  const declarators = all.filter((d) => ts.isIdentifier(d.name) && names.has(d.name.text));
  if (declarators.length === all.length) return statement.getFullText(file).trim();
  const list = ts.factory.updateVariableDeclarationList(statement.declarationList, declarators);
  const reduced = ts.factory.updateVariableStatement(statement, statement.modifiers, list);
  return printer.printNode(ts.EmitHint.Unspecified, reduced, file);
}

/**
 * The earlier declarations (`earlier`) that the cell's own declarations leave standing; with
 * `shadowing`, only the cell's names in it shadow (a cell that stopped early).
 */
export function earlierDeclarations(
  ts: typeof TS,
  checker: TS.TypeChecker,
  earlier: TS.SourceFile,
  cell: TS.SourceFile,
  shadowing?: ReadonlySet<string>,
): string {
  const kept = collectKept(ts, checker, earlier, cell, shadowing);
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const lines: string[] = [];
  for (const statement of earlier.statements) {
    const names = kept.names.get(statement);
    if (!names) continue;
    if (ts.isImportDeclaration(statement)) lines.push(importText(ts, statement, names));
    else if (ts.isVariableStatement(statement)) {
      lines.push(variableText(ts, printer, statement, names, earlier));
    } else lines.push(statement.getFullText(earlier).trim());
  }
  for (const name of kept.loose) lines.push(`declare let ${name}: any;`);
  return lines.filter((line) => line !== "").join("\n") + (lines.length > 0 ? "\n" : "");
}
