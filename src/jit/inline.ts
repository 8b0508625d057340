/**
 * Source size for `jit`: a local declared in a loop body and read exactly once, on a later line
 * of the same block, is written into that read instead (`const v4 = (p0[i0] * 0.005); const v5 =
 * (a0[i0] + v4);` → `const v5 = (a0[i0] + (p0[i0] * 0.005));`). The expressions are pure (buffer
 * reads and arithmetic; a body writes only its output, on its last line), so moving one to its
 * only reader keeps the result; a read inside a branch, or in another block, is left alone.
 * Smaller source is parsed and compiled faster by V8.
 */

const DECL = /^const (v\d+) = (.*);$/;
/** An expression that may stand as an operand without parentheses. */
const ATOM = /^[\w$.]+(\[[^[\]]*\]|\([^()]*\))?$/;

/** Whether the whole expression is one parenthesised group: `(a + b)`, not `(a) + (b)`. */
function oneGroup(e: string): boolean {
  if (!e.startsWith("(")) return false;
  let depth = 0;
  for (let k = 0; k < e.length; k++) {
    if (e[k] === "(") depth++;
    else if (e[k] === ")" && --depth === 0) return k === e.length - 1;
  }
  return false;
}

/** Lines that open or close a block (loop heads, branches, their ends). */
const isBoundary = (line: string): boolean => line.endsWith("{") || line.startsWith("}");

/** Replaces the one whole-word occurrence of `name` in `line` by `expr`. */
function replaceToken(line: string, name: string, expr: string): string {
  const word = /[\w$]/;
  for (let at = line.indexOf(name); at !== -1; at = line.indexOf(name, at + 1)) {
    const before = at > 0 ? line[at - 1] : " ";
    const after = at + name.length < line.length ? line[at + name.length] : " ";
    if (!word.test(before) && !word.test(after))
      return line.slice(0, at) + expr + line.slice(at + name.length);
  }
  return line;
}

const TOKEN = /\bv\d+\b/g;

/**
 * Inlines single-use locals of `lines` (one loop body); names in `keep` are read elsewhere too
 * (a reduction's value) and stay. One pass over the tokens counts the uses; declarations are
 * then decided in line order, so a local read by an inlined expression was decided before it.
 */
export function inlineSingleUse(lines: string[], keep: ReadonlySet<string> = new Set()): string[] {
  const out = lines.slice();
  const count = new Map<string, number>();
  const useLine = new Map<string, number>();
  const boundaries = new Int32Array(out.length + 1);
  out.forEach((line, k) => {
    const declared = DECL.exec(line)?.[1];
    const tokens = (line.match(TOKEN) ?? []).filter((t, n) => !(n === 0 && t === declared));
    for (const t of tokens) {
      count.set(t, (count.get(t) ?? 0) + 1);
      useLine.set(t, k);
    }
    boundaries[k + 1] = boundaries[k] + (isBoundary(line) ? 1 : 0);
  });
  const dead = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const m = DECL.exec(out[i]);
    if (m === null || keep.has(m[1]) || count.get(m[1]) !== 1) continue;
    const use = useLine.get(m[1]) ?? -1;
    // the reader: a later line of the same block, not itself a block's head or end
    if (use <= i || boundaries[use] !== boundaries[i + 1] || isBoundary(out[use])) continue;
    const expr = ATOM.test(m[2]) || oneGroup(m[2]) ? m[2] : `(${m[2]})`;
    out[use] = replaceToken(out[use], m[1], expr);
    dead[i] = 1;
  }
  return out.filter((_l, i) => dead[i] === 0);
}
