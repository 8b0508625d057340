/**
 * Small formatting helpers shared by the kernel's fallbacks and the renderer: numbers at a
 * readable precision, HTML/XML escaping, shapes. Pure functions, no Node or DOM APIs.
 */

/** A number at `digits` significant digits, without trailing zeros; exponent form when tiny/huge. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-4 && magnitude < 10 ** digits) {
    const fixed = x.toPrecision(digits);
    return fixed.includes(".") && !fixed.includes("e") ? fixed.replace(/\.?0+$/, "") : fixed;
  }
  const [mantissa = "", exponent = ""] = x.toExponential(digits - 1).split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return `${trimmed}e${exponent}`;
}

/** `[2,3]` → "2×3"; a scalar shape → "scalar". */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar" : shape.join("×");
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for HTML and XML (element content and quoted attributes). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A pytree leaf's name in labels: its path, or `lone` (f, x) for a lone tensor's empty path. */
export function leafName(path: string, lone: string): string {
  return path === "" ? lone : path;
}

/** Product of a shape's dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The multi-index of flat position `flat` in a row-major array of `shape`, as "i,j,k". */
export function unravelIndex(flat: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(flat);
  const parts = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    parts[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return parts.join(",");
}

/**
 * Which indices to show along an axis of length `n` when at most `max` fit: all of them, or the
 * first and last halves with a gap (-1 marks the ellipsis), like numpy's summarised printing.
 */
export function visibleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil(max / 2);
  const tail = Math.floor(max / 2);
  const out: number[] = [];
  for (let i = 0; i < head; i++) out.push(i);
  out.push(-1);
  for (let i = n - tail; i < n; i++) out.push(i);
  return out;
}

/** A short rendering of a vector's values: "[1, 2, 3, …]" (at most `max` numbers). */
export function shortValues(data: ArrayLike<number>, max = 6): string {
  const shown = Array.from({ length: Math.min(max, data.length) }, (_, i) =>
    formatNumber(data[i], 4),
  );
  return `[${shown.join(", ")}${data.length > max ? ", …" : ""}]`;
}
