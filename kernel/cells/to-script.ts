/**
 * Turns the converter's ES-module output for a cell into the body of a function the runner calls
 * as `(exports, require, __ct)`: imports become `require` calls, and every top-level name the
 * cell exports is bound into the kernel's state as a live accessor (`__ct.bind`), so a later
 * cell reads and assigns the very variable the cell declared.
 *
 * It replaces a full `transpileModule` to CommonJS (a whole TypeScript program per cell, most of
 * a trivial cell's time) with one parse and a few text edits. Edits keep every line where it was
 * and only append after a statement, so the ES output's source map stays valid for the script.
 */
import type * as TS from "typescript";

interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface CellScript {
  /** The function body, line for line with the ES output. */
  body: string;
  /** Bindings of hoisted function declarations, to run before the body (on the header line). */
  prologue: string;
  /** The packages the cell imports statically (bare specifiers), loaded before it runs. */
  packages: string[];
}

function bindingNames(ts: typeof TS, name: TS.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) {
    out.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) bindingNames(ts, element.name, out);
  }
}

function bindText(names: string[]): string {
  return names
    .map((n) => ` __ct.bind(${JSON.stringify(n)}, () => ${n}, (__v) => { ${n} = __v; });`)
    .join("");
}

/** Replace [start, end) by `text`, keeping the replaced text's line breaks. */
function sameLines(source: string, start: number, end: number, text: string): Edit {
  const breaks = source.slice(start, end).split("\n").length - 1;
  return { start, end, text: text + "\n".repeat(breaks) };
}

function exportModifier(ts: typeof TS, node: TS.Node): TS.Modifier | undefined {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function importText(
  ts: typeof TS,
  node: TS.ImportDeclaration,
  index: number,
): { text: string; names: string[] } {
  const from = `require(${node.moduleSpecifier.getText()})`;
  const clause = node.importClause;
  if (!clause) return { text: `${from};`, names: [] };
  const module = `__ct_m${index}`;
  const parts = [`const ${module} = ${from};`];
  const names: string[] = [];
  if (clause.name) {
    parts.push(`const ${clause.name.text} = __ct.def(${module});`);
    names.push(clause.name.text);
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    parts.push(`const ${bindings.name.text} = __ct.star(${module});`);
    names.push(bindings.name.text);
  } else if (bindings) {
    const fields = bindings.elements.map((e) =>
      e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text,
    );
    if (fields.length > 0) parts.push(`const { ${fields.join(", ")} } = ${module};`);
    names.push(...bindings.elements.map((e) => e.name.text));
  }
  return { text: parts.join(" "), names };
}

/** The names a cell exports: its `export { … }` list and `export`-modified declarations. */
function exportedNames(ts: typeof TS, file: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const e of statement.exportClause.elements) names.add((e.propertyName ?? e.name).text);
    }
  }
  return names;
}

/** Edits turning each `import(…)` into `__ct.i(…)` (same length: columns stay). */
function dynamicImports(ts: typeof TS, file: TS.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const start = node.expression.getStart(file);
      edits.push({ start, end: node.expression.end, text: "__ct.i" });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

export function toCellScript(ts: typeof TS, source: string): CellScript {
  const file = ts.createSourceFile(
    "cell.js",
    source,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS,
  );
  const exported = exportedNames(ts, file);
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  const packages: string[] = [];
  let imports = 0;
  for (const statement of file.statements) {
    const modifier = exportModifier(ts, statement);
    if (modifier)
      edits.push({ start: modifier.getStart(file), end: modifier.end, text: " ".repeat(6) });
    const forced = modifier !== undefined;
    if (ts.isExportDeclaration(statement)) {
      edits.push(sameLines(source, statement.getStart(file), statement.end, ""));
    } else if (ts.isImportDeclaration(statement)) {
      imports += 1;
      const specifier = (statement.moduleSpecifier as TS.StringLiteral).text;
      if (!/^(\.|\/|node:)/.test(specifier) && specifier !== "cotangent") packages.push(specifier);
      const { text, names } = importText(ts, statement, imports);
      const bound = names.filter((n) => exported.has(n));
      edits.push(
        sameLines(source, statement.getStart(file), statement.end, text + bindText(bound)),
      );
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      if (forced || exported.has(statement.name.text)) hoisted.push(statement.name.text);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      if (forced || exported.has(statement.name.text)) {
        edits.push({
          start: statement.end,
          end: statement.end,
          text: bindText([statement.name.text]),
        });
      }
    } else if (ts.isVariableStatement(statement)) {
      const names: string[] = [];
      for (const d of statement.declarationList.declarations) bindingNames(ts, d.name, names);
      const bound = names.filter((n) => forced || exported.has(n));
      if (bound.length > 0)
        edits.push({ start: statement.end, end: statement.end, text: bindText(bound) });
    }
  }
  if (/\bimport\s*\(/.test(source)) edits.push(...dynamicImports(ts, file));
  edits.sort((a, b) => b.start - a.start);
  let body = source;
  for (const edit of edits) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  return { body, prologue: bindText(hoisted), packages };
}
