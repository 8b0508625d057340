/**
 * `user_expressions` of an execute_request: after a cell that ran without error, each expression
 * is evaluated in the kernel's state, in order, and answered with the MIME bundle its value would
 * have as a cell's result, or with the error it raised.
 *
 * Each expression runs as a silent cell (no execution count, no history, nothing on IOPub) that
 * passes the value to the global `display`: `display(value)` builds the same bundle as a cell's
 * result, and its output is the last display of that silent run. The expression goes on lines of
 * its own between the call's parentheses, so it must be one expression (`a; b` does not compile)
 * and positions in type errors are renumbered to the expression's own lines.
 */
import type { MimeBundle } from "../shared/payloads.js";
import type { CellOutput, ExecutorLink } from "./executor-link.js";

export type ExpressionResult =
  | { status: "ok"; data: MimeBundle; metadata: Record<string, unknown> }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/**
 * Reaches the kernel's `display` through globalThis, so a cell that declared its own `display`
 * does not change what expressions are shown with.
 */
export const EXPRESSION_PREFIX =
  "(globalThis as unknown as { display(value: unknown): void }).display(\n";
export const EXPRESSION_SUFFIX = "\n)";

/** The silent cell that evaluates `expression` and displays its value. */
export function expressionCell(expression: string): string {
  return `${EXPRESSION_PREFIX}${expression}${EXPRESSION_SUFFIX}`;
}

/**
 * Evaluate every entry of a request's `user_expressions` (name → expression) in order. Anything
 * but a plain object of expressions gives no entries; an entry that is not a string gets an error.
 * After an expression is interrupted, the ones left are not evaluated.
 */
export async function evaluateExpressions(
  executor: ExecutorLink,
  expressions: unknown,
): Promise<Record<string, ExpressionResult>> {
  const results: Record<string, ExpressionResult> = {};
  if (!isPlainObject(expressions)) return results;
  let interrupted = false;
  for (const [name, expression] of Object.entries(expressions)) {
    if (interrupted) {
      results[name] = failure(
        "Interrupted",
        "not evaluated: an earlier expression was interrupted",
      );
    } else if (typeof expression !== "string") {
      results[name] = failure(
        "TypeError",
        `the expression must be a string, got ${typeName(expression)}`,
      );
    } else if (expression.trim() === "") {
      results[name] = failure("SyntaxError", "the expression is empty");
    } else {
      const evaluated = await evaluateOne(executor, expression);
      results[name] = evaluated.result;
      interrupted = evaluated.interrupted;
    }
  }
  return results;
}

async function evaluateOne(
  executor: ExecutorLink,
  expression: string,
): Promise<{ result: ExpressionResult; interrupted: boolean }> {
  let shown: Extract<CellOutput, { type: "display" }> | undefined;
  let error: Extract<CellOutput, { type: "error" }> | undefined;
  const outcome = await executor.execute(expressionCell(expression), true, (output) => {
    // Live updates (a trace flushed as the run ends) are not the value.
    if (output.type === "display" && !output.update) shown = output;
    if (output.type === "error") error ??= output;
  });
  if (outcome.status === "interrupted") {
    return { result: failure("Interrupted", "the expression was interrupted"), interrupted: true };
  }
  if (outcome.status === "ok" && shown !== undefined) {
    const result: ExpressionResult = { status: "ok", data: shown.data, metadata: shown.metadata };
    return { result, interrupted: false };
  }
  if (error === undefined) {
    return { result: failure("Error", "the expression gave no value"), interrupted: false };
  }
  const lines = expression.split("\n");
  const result = failure(
    error.ename,
    renumber(error.evalue, lines),
    error.traceback.map((line) => renumber(line, lines)),
  );
  return { result, interrupted: false };
}

/**
 * `cell:L:C` of the silent cell → `expression:L:C` of the expression, whose first line is the
 * cell's second; a position on the call's closing line is the end of the expression.
 */
function renumber(text: string, expression: string[]): string {
  return text.replace(/\bcell:(\d+):(\d+)/g, (_match, line: string, column: string) => {
    const own = Number(line) - 1;
    if (own < 1) return "expression:1:1";
    if (own > expression.length) {
      return `expression:${expression.length}:${(expression.at(-1) ?? "").length + 1}`;
    }
    return `expression:${own}:${column}`;
  });
}

function failure(ename: string, evalue: string, traceback?: string[]): ExpressionResult {
  return { status: "error", ename, evalue, traceback: traceback ?? [`${ename}: ${evalue}`] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}
