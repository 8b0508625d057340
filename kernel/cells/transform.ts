/**
 * Transformations of a cell's emitted JavaScript and declarations:
 * - every use of a name declared by an earlier cell (or by the cell globals) reads the kernel's
 *   state: `a` becomes `exports.a`, a shorthand property `{ a }` becomes `{ a: exports.a }`
 *   (the runner passes its state object as `exports`, see executor/evaluate.ts);
 * - the cell's last expression statement becomes `export const <name> = <expression>`, the
 *   value the runner shows as the cell's result;
 * - the declaration output drops the `export { … }` list the converter appended.
 */
import type * as TS from "typescript";

export interface CellTransformOptions {
  checker: TS.TypeChecker;
  /** Files whose declarations live in the kernel's state (earlier cells, cell globals). */
  stateFiles: ReadonlySet<TS.SourceFile>;
  /** Names the cell declares: the result's name must differ from all of them. */
  taken: ReadonlySet<string>;
}

export interface CellTransform {
  transformers: TS.CustomTransformers;
  /** The name the last expression was stored under, once the cell is emitted. */
  lastExpression(): string | undefined;
}

const RESULT_NAME = "tsLastExpr";

function resultName(taken: ReadonlySet<string>): string {
  if (!taken.has(RESULT_NAME)) return RESULT_NAME;
  let i = 0;
  while (taken.has(`${RESULT_NAME}${i}`)) i += 1;
  return `${RESULT_NAME}${i}`;
}

export function cellTransform(ts: typeof TS, options: CellTransformOptions): CellTransform {
  const { checker, stateFiles } = options;
  const f = ts.factory;
  let last: string | undefined;

  const fromState = (symbol: TS.Symbol | undefined): boolean =>
    (symbol?.declarations ?? []).some((d) => stateFiles.has(d.getSourceFile()));

  const stateRead = (name: TS.Identifier): TS.Expression =>
    ts.setTextRange(f.createPropertyAccessExpression(f.createIdentifier("exports"), name), name);

  function rewrite(context: TS.TransformationContext): (node: TS.Node) => TS.Node {
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isShorthandPropertyAssignment(node)) {
        const original = ts.getParseTreeNode(node, ts.isShorthandPropertyAssignment);
        if (original && fromState(checker.getShorthandAssignmentValueSymbol(original))) {
          return f.createPropertyAssignment(node.name.text, stateRead(node.name));
        }
        return node;
      }
      if (ts.isPropertyAccessExpression(node)) {
        const target = ts.visitNode(node.expression, visit) as TS.Expression;
        return f.updatePropertyAccessExpression(node, target, node.name);
      }
      if (ts.isIdentifier(node)) {
        const original = ts.getParseTreeNode(node, ts.isIdentifier);
        if (original && fromState(checker.getSymbolAtLocation(original))) return stateRead(node);
        return node;
      }
      return ts.visitEachChild(node, visit, context);
    };
    return visit;
  }

  /** `expression;` at the end (before any `export { … }`) → `export const <name> = expression;` */
  function storeLast(file: TS.SourceFile): TS.SourceFile {
    const statements: TS.Statement[] = [...file.statements];
    for (let i = statements.length - 1; i >= 0; i--) {
      const statement = statements[i];
      if (ts.isExportDeclaration(statement)) continue;
      if (!ts.isExpressionStatement(statement)) return file;
      last = resultName(options.taken);
      const declaration = f.createVariableDeclaration(
        last,
        undefined,
        undefined,
        statement.expression,
      );
      statements[i] = ts.setTextRange(
        f.createVariableStatement(
          [f.createModifier(ts.SyntaxKind.ExportKeyword)],
          f.createVariableDeclarationList([declaration], ts.NodeFlags.Const),
        ),
        statement,
      );
      return f.updateSourceFile(file, statements);
    }
    return file;
  }

  const after: TS.TransformerFactory<TS.SourceFile> = (context) => (file) => {
    const visit = rewrite(context);
    return storeLast(ts.visitEachChild(file, visit, context));
  };

  const afterDeclarations: TS.TransformerFactory<TS.SourceFile | TS.Bundle> = () => (node) => {
    if (!ts.isSourceFile(node)) return node;
    const kept = node.statements.filter((s) => !ts.isExportDeclaration(s));
    return f.updateSourceFile(node, kept);
  };

  return {
    transformers: { after: [after], afterDeclarations: [afterDeclarations] },
    lastExpression: () => last,
  };
}

/** Whether the cell awaits at its top level (then it runs as an async function). */
export function hasTopLevelAwait(ts: typeof TS, file: TS.SourceFile): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (
      ts.isAwaitExpression(node) ||
      (ts.isForOfStatement(node) && node.awaitModifier !== undefined) ||
      (ts.isVariableDeclarationList(node) &&
        (node.flags & ts.NodeFlags.AwaitUsing) === Number(ts.NodeFlags.AwaitUsing))
    ) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
