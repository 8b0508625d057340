/**
 * What the objective (objective.ts) and the residuals (residuals.ts) share: a function compiled
 * once by `jit` that falls back to eager evaluation when f cannot be traced (it reads values),
 * and the name of the first primitive that made a value non-finite, found again under
 * `withDebugNans`.
 */
import { NonFiniteError, withDebugNans } from "../extras/debug.js";
import { jit } from "../jit/jit.js";

/** Calls the compiled function, falling back to the plain one if f cannot be traced. */
export function compiled<A extends unknown[], R>(
  plain: (...args: A) => R,
  useJit: boolean,
): (...args: A) => R {
  if (!useJit) return plain;
  const fast = jit(plain);
  let mode: "unknown" | "jit" | "eager" = "unknown";
  return (...args: A): R => {
    if (mode === "eager") return plain(...args);
    if (mode === "jit") return fast(...args);
    try {
      const out = fast(...args);
      mode = "jit";
      return out;
    } catch (error) {
      if (error instanceof NonFiniteError) throw error;
      mode = "eager";
      return plain(...args);
    }
  };
}

/** ": <the NonFiniteError's message>" when `run` under withDebugNans names a primitive, else "". */
export function nonFiniteCause(run: () => unknown): string {
  try {
    withDebugNans(run);
  } catch (error) {
    if (error instanceof NonFiniteError) return `: ${error.message}`;
    throw error;
  }
  return "";
}
