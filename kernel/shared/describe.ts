/**
 * Words for a Jacobian payload that the text fallback, the SVG caption and the renderer's summary
 * share: what the matrix is (a Jacobian ∂f/∂x or a Hessian ∂²f/∂xᵢ∂xⱼ) and when its statistics
 * would mislead (every entry NaN: the norms over the finite entries are 0 but mean nothing).
 * Pure functions; runs in Node and in a webview.
 */
import type { JacobianPayload, JacobianStats } from "./payloads.js";

/** The name and symbol of what a Jacobian payload holds. */
export function derivativeName(payload: Pick<JacobianPayload, "derivative">): {
  noun: "Jacobian" | "Hessian";
  symbol: string;
} {
  return payload.derivative === "hessian"
    ? { noun: "Hessian", symbol: "∂²f/∂xᵢ∂xⱼ" }
    : { noun: "Jacobian", symbol: "∂f/∂x" };
}

/**
 * "all entries NaN" (or "all entries non-finite") when no entry is finite, so a summary says
 * that instead of ‖J‖F 0 and max|J| 0; undefined when some entry is finite or the matrix is empty.
 */
export function noFiniteEntries(stats: JacobianStats, entries: number): string | undefined {
  if (entries === 0 || stats.nonFinite !== entries) return undefined;
  if (stats.nan === entries) return "all entries NaN";
  const nan = stats.nan ?? 0;
  return `all entries non-finite (${nan} NaN, ${entries - nan} ±∞)`;
}
