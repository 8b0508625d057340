/** What the runtime's fuzz suite accepts from a call: a result, or our own error. */
import { TensorSizeError } from "cotangent";
import { expect } from "vitest";
import { fmt, type Shape } from "./oracle.js";

/**
 * Run `f`. A result is returned; an error must be our own — a plain `Error`, or the runtime's
 * `TensorSizeError` for a tensor over the size limit (never a raw TypeError or RangeError from
 * deep inside) — whose message names `op` and every shape in `shapes`.
 */
export function outcome<T>(
  f: () => T,
  op: string,
  shapes: readonly Shape[] = [],
): { ok: true; value: T } | { ok: false; message: string } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    expectOwnError(error, op, shapes);
    return { ok: false, message: (error as Error).message };
  }
}

export function expectOwnError(error: unknown, op: string, shapes: readonly Shape[] = []): void {
  expect(error, `${op} threw a non-Error`).toBeInstanceOf(Error);
  const e = error as Error;
  const seen = `${e.name}: ${e.message}`;
  expect([Error, TensorSizeError], `${op} threw a raw ${seen}`).toContain(e.constructor);
  expect(e.message, `${op}'s error does not name it: ${seen}`).toContain(op);
  // shapes may be written [2,3] or [2, 3]
  const unspaced = e.message.replace(/, /g, ",");
  for (const s of shapes)
    expect(unspaced, `${op}'s error does not name ${fmt(s)}`).toContain(fmt(s));
  expect(e.message.length, `${op}'s error is not short: ${seen.slice(0, 400)}`).toBeLessThan(400);
}

/** `f` must fail with our own error naming `op` (and the shapes). */
export function expectFailure(f: () => unknown, op: string, shapes: readonly Shape[] = []): string {
  const result = outcome(f, op, shapes);
  expect(result.ok, `${op} should have failed`).toBe(false);
  return result.ok ? "" : result.message;
}
